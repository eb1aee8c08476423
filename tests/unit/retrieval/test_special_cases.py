"""Sections that answer only a special case (upgrading, re-evaluation) yield to the general answer."""

from types import SimpleNamespace

from knowledge_base import textnorm
from knowledge_base.retrieval.documents import parse_meta_comment
from knowledge_base.retrieval.policy import adjust
from knowledge_base.retrieval.retriever import RetrievalParams


def chunk(only_if=()):
    return SimpleNamespace(decision="QĐ 26/2026/QĐ-TTg", validity="current", topics=("ho_so",),
                           only_if=tuple(textnorm.normalize_folded(p) for p in only_if))


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
    assert adjust(1.0, upgrade, set(), None, params, plain) < adjust(1.0, general, set(), None, params, plain)
    assert adjust(1.0, upgrade, set(), None, params, named) == adjust(1.0, general, set(), None, params, named)
