"""Load and validate the 26 OCOP scoring sheets kept as YAML in ``knowledge_base/criteria/``.

Each sheet is checked against ``schema.json`` and against the arithmetic rules of the decision's Phụ lục II (``knowledge_base.legal``):
parts A/B/C worth 40/25/35 (each the sum of its criterion maxima), total 100, every group's maximum the sum of its
criteria, unique ids, every criterion's maximum equal to its best option, every option's points within range, valid
star marks (a higher star mark never asks for fewer points than a lower one) and rule references that exist.
Loaded sheets are immutable dataclasses, cached per process.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import yaml

from knowledge_base import legal

CRITERIA_DIR = Path(__file__).resolve().parents[1] / "criteria"
SCHEMA_PATH = CRITERIA_DIR / "schema.json"
INDEX_PATH = CRITERIA_DIR / "product_sets.yml"
CITATION = legal.sentence("sheets_citation")  # "Phụ lục II, QĐ 26/2026/QĐ-TTg"
PART_MAX = {"A": 40, "B": 25, "C": 35}
STARS = (3, 4, 5)


class SheetError(ValueError):
    """A scoring sheet breaks the schema or the arithmetic rules; ``errors`` lists every problem found."""

    def __init__(self, source: str, errors: list[str]):
        self.source = source
        self.errors = errors
        super().__init__(f"{source}: " + "; ".join(errors))


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    points: int
    min_star: int | None = None
    implicit: bool = False
    case: str | None = None
    triggers: str | None = None
    note: str | None = None
    short: str | None = None
    official_points: int | None = None

    @property
    def button(self) -> str:
        """Short label for a chat button (falls back to the official label)."""
        return self.short or self.label


@dataclass(frozen=True)
class Rule:
    """A disqualifying ("disqualify") or stop-evaluating ("halt") condition of a sheet or one criterion."""

    id: str
    kind: str
    text: str
    criterion_id: str | None = None


@dataclass(frozen=True)
class Criterion:
    id: str
    number: str
    label: str
    max: int
    part: str
    group: str
    options: tuple[Option, ...]
    key: bool = False
    question: str | None = None
    notes: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    cases: tuple[tuple[str, str], ...] = ()
    applies_if: tuple[str, int] | None = None  # (criterion id, min points): else this criterion scores 0

    def option(self, option_id: str) -> Option:
        for o in self.options:
            if o.id == option_id:
                return o
        raise KeyError(f"{self.id}: no option {option_id!r}")

    @property
    def best(self) -> Option:
        return max(self.options, key=lambda o: o.points)

    @property
    def worst(self) -> Option:
        return min(self.options, key=lambda o: o.points)

    def star_threshold(self, star: int) -> int | None:
        """Points needed in this criterion for ``star`` stars (from the option marked for that level), if any."""
        marked = [o.points for o in self.options if o.min_star == star]
        return min(marked) if marked else None

    def star_option(self, star: int) -> Option | None:
        marked = [o for o in self.options if o.min_star == star]
        return min(marked, key=lambda o: o.points) if marked else None


@dataclass(frozen=True)
class Group:
    number: str
    label: str
    max: int
    criteria: tuple[Criterion, ...] = ()
    groups: tuple[Group, ...] = ()

    def all_criteria(self) -> Iterator[Criterion]:
        yield from self.criteria
        for g in self.groups:
            yield from g.all_criteria()


@dataclass(frozen=True)
class Part:
    id: str
    label: str
    max: int
    groups: tuple[Group, ...]

    def all_criteria(self) -> Iterator[Criterion]:
        for g in self.groups:
            yield from g.all_criteria()


@dataclass(frozen=True)
class Sheet:
    id: str
    number: int
    name: str
    group: str
    subgroup: str
    citation: str
    disqualify: tuple[Rule, ...]
    parts: tuple[Part, ...]
    official_title: str = ""
    header: str = ""
    notes: tuple[str, ...] = ()
    _by_id: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for p in self.parts for c in p.all_criteria())

    @property
    def key_criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.key)

    def criterion(self, criterion_id: str) -> Criterion:
        if not self._by_id:
            self._by_id.update({c.id: c for c in self.criteria})
        try:
            return self._by_id[criterion_id]
        except KeyError:
            raise KeyError(f"sheet {self.id}: no criterion {criterion_id!r}") from None

    def part(self, part_id: str) -> Part:
        return next(p for p in self.parts if p.id == part_id)

    @property
    def rules(self) -> dict[str, Rule]:
        """Every disqualifying/halting condition of the sheet by id (sheet level and criterion level)."""
        out = {r.id: r for r in self.disqualify}
        for c in self.criteria:
            out.update({r.id: r for r in c.rules})
        return out

    @property
    def max_total(self) -> int:
        return sum(p.max for p in self.parts)


# ---------------------------------------------------------------- building


def _group(d: dict, part: str) -> Group:
    crits = tuple(_criterion(c, part, d["number"]) for c in d.get("criteria", []))
    subs = tuple(_group(g, part) for g in d.get("groups", []))
    return Group(number=d["number"], label=d["label"], max=d["max"], criteria=crits, groups=subs)


def _criterion(d: dict, part: str, group: str) -> Criterion:
    opts = tuple(
        Option(
            id=o["id"],
            label=o["label"],
            points=o["points"],
            min_star=o.get("min_star"),
            implicit=bool(o.get("implicit", False)),
            case=o.get("case"),
            triggers=o.get("triggers"),
            note=o.get("note"),
            short=o.get("short"),
            official_points=o.get("official_points"),
        )
        for o in d["options"]
    )
    rules = tuple(Rule(id=r["id"], kind=r["kind"], text=r["text"], criterion_id=d["id"]) for r in d.get("rules", []))
    cases = tuple((c["id"], c["label"]) for c in d.get("cases", []))
    cond = d.get("applies_if")
    return Criterion(
        id=d["id"],
        number=d["number"],
        label=d["label"],
        max=d["max"],
        part=part,
        group=group,
        options=opts,
        key=bool(d.get("key", False)),
        question=d.get("question"),
        notes=tuple(d.get("notes", [])),
        rules=rules,
        cases=cases,
        applies_if=(cond["criterion"], cond["min_points"]) if cond else None,
    )


def build_sheet(data: dict) -> Sheet:
    parts = tuple(
        Part(id=p["id"], label=p["label"], max=p["max"], groups=tuple(_group(g, p["id"]) for g in p["groups"]))
        for p in data["parts"]
    )
    return Sheet(
        id=data["id"],
        number=data["number"],
        name=data["name"],
        group=data["group"],
        subgroup=data["subgroup"],
        citation=data["citation"],
        disqualify=tuple(Rule(id=r["id"], kind="disqualify", text=r["text"]) for r in data["disqualify"]),
        parts=parts,
        official_title=data.get("official_title", ""),
        header=data.get("header", ""),
        notes=tuple(data.get("notes", [])),
    )


# ---------------------------------------------------------------- validation


@lru_cache(maxsize=1)
def _validator():
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def schema_errors(data: dict) -> list[str]:
    """JSON Schema violations of one raw sheet (empty when valid)."""
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    ]


def rule_errors(sheet: Sheet) -> list[str]:
    """Arithmetic and consistency problems of a built sheet (empty when valid)."""
    errs: list[str] = []
    if [p.id for p in sheet.parts] != ["A", "B", "C"]:
        errs.append("parts must be A, B, C in order")
    for p in sheet.parts:
        crit_sum = sum(c.max for c in p.all_criteria())
        if p.max != PART_MAX.get(p.id):
            errs.append(f"part {p.id}: max {p.max} != {PART_MAX.get(p.id)}")
        if crit_sum != p.max:
            errs.append(f"part {p.id}: criterion maxima sum to {crit_sum}, part max is {p.max}")
        if sum(g.max for g in p.groups) != p.max:
            errs.append(f"part {p.id}: group maxima sum to {sum(g.max for g in p.groups)}, part max is {p.max}")

        def check_group(g: Group) -> None:
            s = sum(c.max for c in g.all_criteria())
            if s != g.max:
                errs.append(f"group {g.number}: criterion maxima sum to {s}, group max is {g.max}")
            for sub in g.groups:
                check_group(sub)

        for g in p.groups:
            check_group(g)
    if sheet.max_total != 100:
        errs.append(f"total {sheet.max_total} != 100")

    ids = [c.id for c in sheet.criteria]
    numbers = [c.number for c in sheet.criteria]
    for label, seq in (("criterion id", ids), ("criterion number", numbers)):
        dupes = sorted({x for x in seq if seq.count(x) > 1})
        if dupes:
            errs.append(f"duplicate {label}s: {dupes}")
    rule_ids = [r.id for r in sheet.disqualify] + [r.id for c in sheet.criteria for r in c.rules]
    known_rules = set(rule_ids)

    for c in sheet.criteria:
        where = f"criterion {c.number} ({c.id})"
        if c.id != "c" + c.number.replace(".", "_"):
            errs.append(f"{where}: id does not follow its number")
        oids = [o.id for o in c.options]
        if len(set(oids)) != len(oids):
            errs.append(f"{where}: duplicate option ids")
        for o in c.options:
            if not 0 <= o.points <= c.max:
                errs.append(f"{where}: option {o.id} has {o.points} points, outside 0..{c.max}")
            if o.triggers and o.triggers not in known_rules:
                errs.append(f"{where}: option {o.id} triggers unknown rule {o.triggers!r}")
            if o.case and o.case not in {k for k, _ in c.cases}:
                errs.append(f"{where}: option {o.id} has undeclared case {o.case!r}")
        if c.best.points != c.max:
            errs.append(f"{where}: max {c.max} but best option gives {c.best.points}")
        for case_id, _ in c.cases:
            in_case = [o.points for o in c.options if o.case in (case_id, None)]
            if max(in_case) != c.max:
                errs.append(f"{where}: case {case_id} cannot reach the maximum {c.max}")
        if c.worst.points != 0:
            errs.append(f"{where}: no 0-point option (add an implicit one for 'none of the options met')")
        last = -1
        for star in STARS:
            marked = [o for o in c.options if o.min_star == star]
            if len(marked) > 1 and not c.cases:
                errs.append(f"{where}: {len(marked)} options marked for {star} stars")
            if marked:
                thr = min(o.points for o in marked)
                if thr < last:
                    errs.append(f"{where}: {star}-star mark asks for fewer points ({thr}) than a lower star ({last})")
                last = thr
        if c.applies_if:
            target = next((x for x in sheet.criteria if x.id == c.applies_if[0]), None)
            if target is None or target.applies_if or c.applies_if[1] > target.max:
                errs.append(f"{where}: applies_if refers to {c.applies_if[0]!r}, which cannot satisfy it")
        if c.key and not c.question:
            errs.append(f"{where}: key criterion without a question")
    n_key = len(sheet.key_criteria)
    if not 10 <= n_key <= 15:
        errs.append(f"{n_key} key criteria (expected 10–15)")
    return errs


def validate_data(data: dict, source: str = "<sheet>") -> Sheet:
    """Validate raw YAML data of one sheet; return the built sheet or raise ``SheetError`` listing all problems."""
    errs = schema_errors(data)
    if errs:
        raise SheetError(source, errs)
    sheet = build_sheet(data)
    errs = rule_errors(sheet)
    if errs:
        raise SheetError(source, errs)
    return sheet


# ---------------------------------------------------------------- loading


@lru_cache(maxsize=1)
def load_index() -> dict:
    """The parsed ``product_sets.yml`` (groups and the 26 product sets with keywords)."""
    return yaml.safe_load(INDEX_PATH.read_text(encoding="utf-8"))


def _index_entry(key: str | int) -> dict:
    """The index entry of a product set: by id, by number (int), or by a number written as digits."""
    if isinstance(key, str) and key.isdigit():
        key = int(key)
    if isinstance(key, bool) or not isinstance(key, (str, int)):  # True == 1 and 4.0 == 4 must not match
        raise KeyError(f"unknown product set {key!r}")
    for e in load_index()["product_sets"]:
        if key in (e["id"], e["number"]):
            return e
    raise KeyError(f"unknown product set {key!r}")


# libyaml's safe loader when PyYAML has it (a sheet parses in ~30 ms instead of ~300 ms), else the Python one.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _load(set_id: str) -> Sheet:
    entry = _index_entry(set_id)
    path = CRITERIA_DIR / entry["file"]
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    sheet = validate_data(data, path.name)
    errs = []
    for k in ("id", "number", "group", "subgroup"):
        if getattr(sheet, k) != entry[k]:
            errs.append(f"{k} {getattr(sheet, k)!r} differs from product_sets.yml ({entry[k]!r})")
    if errs:
        raise SheetError(path.name, errs)
    return sheet


def get_sheet(key: str | int) -> Sheet:
    """A validated sheet by product-set id ("mat_ong_nong_san_khac") or number (1–26)."""
    return _load(_index_entry(key)["id"])


def list_sheets() -> list[Sheet]:
    """All 26 validated sheets, in official order."""
    return [get_sheet(e["id"]) for e in sorted(load_index()["product_sets"], key=lambda e: e["number"])]


def group_name(group_id: str) -> str:
    return next(g["name"] for g in load_index()["groups"] if g["id"] == group_id)
