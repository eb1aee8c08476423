"""Sections that answer only a special case (upgrading, re-evaluation) yield to the general answer."""

from types import SimpleNamespace

import pytest

from knowledge_base import textnorm
from knowledge_base.question_kind import kind_of
from knowledge_base.retrieval.documents import parse_meta_comment
from knowledge_base.retrieval.lexicon import default_lexicon
from knowledge_base.retrieval.policy import Heading, Query, adjust
from knowledge_base.retrieval.retriever import RetrievalParams


def chunk(only_if=()):
    return SimpleNamespace(
        decision="QĐ 26/2026/QĐ-TTg",
        validity="current",
        topics=("ho_so",),
        kind="",
        heading="Hồ sơ",
        is_qa=False,
        only_if=tuple(textnorm.normalize_folded(p) for p in only_if),
    )


def test_only_if_is_parsed_as_a_list_of_phrases():
    meta = parse_meta_comment("<!-- article: Điều 6 khoản 1 điểm b; only_if: nâng hạng, lên sao -->")
    assert meta["only_if"] == ["nâng hạng", "lên sao"]
    assert meta["article"] == "Điều 6 khoản 1 điểm b"


def test_a_special_case_section_is_demoted_unless_the_query_names_its_case():
    params = RetrievalParams()
    upgrade = chunk(["nâng hạng", "lên sao"])
    general = chunk()
    plain = textnorm.normalize_folded("hồ sơ gồm những gì")
    named = textnorm.normalize_folded("hs nang hang gom nhung gi")

    def score(candidate, folded):
        return adjust(1.0, candidate, Heading.of(candidate), Query(folded), params)

    assert score(upgrade, plain) < score(general, plain)
    assert score(upgrade, named) == score(general, named)


def qa(heading: str, kind: str) -> SimpleNamespace:
    """A question-bank phrasing as the policy sees it."""
    return SimpleNamespace(
        decision="QĐ 26/2026/QĐ-TTg",
        validity="current",
        topics=("hang_sao",),
        only_if=(),
        kind=f"qa-{kind}",
        heading=heading,
        is_qa=True,
    )


def score(candidate, query: str) -> float:
    return adjust(1.0, candidate, Heading.of(candidate), Query.of(query, kind=kind_of(query)), RetrievalParams())


def test_a_phrasing_naming_other_numbers_loses_to_one_naming_the_asked_number():
    query = "Sản phẩm OCOP hạng 3 sao là gì?"
    assert score(qa("Sản phẩm OCOP hạng 3 sao là gì", "what"), query) > score(
        qa("Sản phẩm OCOP hạng 1 sao là gì", "what"), query
    )


def test_a_phrasing_of_the_kind_asked_wins_over_another_kind():
    query = "giấy chứng nhận có giá trị bao lâu"
    assert score(qa("giấy chứng nhận OCOP có thời hạn bao lâu", "when"), query) > score(
        qa("giấy chứng nhận OCOP có thời hạn bao lâu", "what"), query
    )


def test_the_phrasing_closest_to_the_query_wins():
    query = "nâng hạng từ 3 sao lên 4 sao thì làm thế nào"
    assert score(qa("nâng hạng từ 3 sao lên 4 sao làm thế nào", "how"), query) > score(
        qa("nâng hạng từ 3 sao lên 4 sao thì có được thưởng không, được thưởng bao nhiêu", "how"), query
    )


def special_score(heading: str, query: str, lexicon) -> float:
    """``score`` with the special cases of ``lexicon`` (None: none) read on both sides."""
    candidate = qa(heading, "list")
    wanted = Query.of(query, kind=kind_of(query), lexicon=lexicon)
    return adjust(1.0, candidate, Heading.of(candidate, lexicon), wanted, RetrievalParams())


def test_a_phrasing_naming_a_special_case_the_query_does_not_name_is_demoted():
    lexicon = default_lexicon()
    query = "ho so dang ky ocop gom nhung gi"
    upgrade = "ho so dang ky nang hang sao ocop gom nhung gi"
    general = "ho so dang ky ocop lan dau gom nhung gi"
    assert special_score(upgrade, query, lexicon) < special_score(general, query, lexicon)
    assert special_score(upgrade, query, lexicon) < special_score(upgrade, query, None)
    # Named, as typed or in other words, the case ranks fully.
    for named in ("ho so dang ky nang hang sao ocop gom nhung gi", "hs muốn lên sao gồm những gì"):
        assert special_score(upgrade, named, lexicon) == pytest.approx(special_score(upgrade, named, None))
