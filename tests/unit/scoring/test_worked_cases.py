"""Hand-computed worked cases (tests/data/scoring_cases/*.yml) against the scorer."""

from pathlib import Path

import pytest
import yaml

from knowledge_base.scoring import CITATION, get_sheet, score_full, score_quick, summary_text
from knowledge_base.scoring.scorer import _lowest_safe

CASES_DIR = Path(__file__).resolve().parents[2] / "data" / "scoring_cases"
CASES = sorted(CASES_DIR.glob("*.yml"))


def _load(path):
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    sheet = get_sheet(case["sheet"])
    answers = dict(case.get("answers") or {})
    base = case.get("base", "none")
    if case["mode"] == "full" and base != "none":
        for c in sheet.criteria:
            answers.setdefault(c.id, c.best.id if base == "best" else _lowest_safe(c).id)
    return case, sheet, answers


def _cap_keys(caps):
    return sorted((c.kind, c.criterion_id if c.kind == "min_star" else c.rule_id, c.star) for c in caps)


def _expected_caps(items):
    return sorted((i["kind"], i.get("criterion") or i.get("rule"), i.get("star")) for i in items)


def test_at_least_ten_cases_across_groups():
    groups = {get_sheet(yaml.safe_load(p.read_text(encoding="utf-8"))["sheet"]).group for p in CASES}
    assert len(CASES) >= 10
    assert len(groups) == 6


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_worked_case(path):
    case, sheet, answers = _load(path)
    exp = case["expected"]
    conditions = case.get("conditions", [])
    if case["mode"] == "full":
        r = score_full(sheet, answers, conditions)
        assert r.part_points == exp["parts"]
        assert r.total == exp["total"] == sum(r.part_points.values())
        assert r.band_star == exp["band_star"]
        assert r.star == exp["star"]
        assert r.disqualified == exp["disqualified"]
        assert _cap_keys(r.caps) == _expected_caps(exp["caps"])
    else:
        q = score_quick(sheet, answers, conditions)
        assert q.known_points == exp["known_points"]
        assert list(q.total_range) == exp["total_range"]
        assert list(q.star_range) == exp["star_range"]
        assert _cap_keys(q.caps) == _expected_caps(exp["caps"])
        r = q.high
    for cap in r.caps:  # every cap explains itself in Vietnamese with the citation
        assert CITATION in cap.reason and f"phiếu {sheet.number}" in cap.reason
    text = summary_text(q if case["mode"] == "quick" else r)
    assert "Hội đồng" in text
