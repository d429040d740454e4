"""Claims (kg/claims.py): values that agree after rounding, conflicts, near-duplicates, publishers."""

from __future__ import annotations

import pytest

from kg.claims import FigureValue, agree, build_claims, jaccard, near_duplicates, publisher_of, shingles
from kg.corpus import parse_article
from kg.facts import DocumentFacts, Figure, Relation
from kg.gazetteer import default_gazetteer


def article(doc_id: str, body: str, *, publisher: str | None = None, date: str | None = "2024-03-01", source: str | None = None):
    header = f"Id: {doc_id}\nTitle: {doc_id}\n"
    if publisher:
        header += f"Publisher: {publisher}\n"
    if date:
        header += f"Date: {date}\n"
    if source:
        header += f"Source: {source}\n"
    return parse_article(header + "\n" + body + "\n", f"{doc_id}.txt")


def figure(doc_id: str, text: str, value: str, *, period="2023", measure="bilateral-trade", qualifier=None,
           subjects=("japan", "south-korea"), unit="USD", kind="level", modality="fact", start=0):
    return Figure(article_id=doc_id, start=start, end=start + len(text), text=text, value=value, unit=unit, sentence_start=0,
                  measure=measure, subjects=subjects, period=period, kind=kind, qualifier=qualifier, modality=modality)


def relation(doc_id: str, predicate: str, *, period="2019", modality="fact", subject="japan", obj="south-korea"):
    return Relation(article_id=doc_id, sentence_start=0, subject_id=subject, predicate=predicate, object_id=obj,
                    period=period, modality=modality)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (("88300000000", "$88.3 billion", None), ("88000000000", "about $88 billion", "about"), True),
        (("88300000000", "$88.3 billion", None), ("88000000000", "$88bn", None), True),
        (("88300000000", "$88.3 billion", None), ("85000000000", "$85 billion", None), False),
        (("88300000000", "$88.3 billion", None), ("88400000000", "$88.4 billion", None), False),
        (("12", "12%", None), ("12.0", "12.0 percent", None), True),
        (("12", "12%", None), ("10", "10%", None), False),
        (("3200000000", "$3.2 billion", None), ("3000000000", "more than $3 billion", "more than"), True),
        (("2800000000", "$2.8 billion", None), ("3000000000", "more than $3 billion", "more than"), False),
        (("2800000000", "$2.8 billion", None), ("3000000000", "under $3 billion", "under"), True),
    ],
)
def test_values_agree_after_rounding_and_bounds(a, b, same):
    first, second = FigureValue.of(*a), FigureValue.of(*b)
    assert agree(first, second) is same
    assert agree(second, first) is same


def test_restatements_are_one_claim_and_disagreement_is_a_conflict_both_ways():
    docs = [
        DocumentFacts(article("a", "x", publisher="Ministry of Economy, Trade and Industry (METI), Japan"),
                      figures=(figure("a", "$88.3 billion", "88300000000"),)),
        DocumentFacts(article("b", "y", publisher="Yonhap News Agency", date="2024-04-02"),
                      figures=(figure("b", "about $88 billion", "88000000000", qualifier="about"),)),
        DocumentFacts(article("c", "z", publisher="Some Daily"), figures=(figure("c", "$85 billion", "85000000000"),)),
    ]
    result = build_claims(docs)
    claims = {c.value.text: c for c in result.claims}
    agreed = claims["$88.3 billion"]
    assert {f.article_id for f in agreed.figures} == {"a", "b"}
    assert agreed.documents == ("a", "b") and len(agreed.publishers) == 2
    assert agreed.countries == ("japan", "south-korea")  # METI and Yonhap
    assert (agreed.first_reported, agreed.last_reported) == ("2024-03-01", "2024-04-02")
    assert claims["$85 billion"].id in agreed.conflicts and agreed.id in claims["$85 billion"].conflicts
    pairs = {(a.article_id, b.article_id) for a, b in result.figure_conflicts}
    assert pairs == {("a", "c"), ("b", "c")} or pairs == {("c", "a"), ("c", "b")}


def test_no_conflict_across_keys_or_for_multi_valued_measures():
    docs = [
        DocumentFacts(article("a", "x"), figures=(figure("a", "$80 billion", "80000000000", period="2022"),
                                                   figure("a", "12%", "12", unit="percent", kind="change", start=20),
                                                   figure("a", "44%", "44", measure="survey-share", unit="percent", start=40))),
        DocumentFacts(article("b", "y"), figures=(figure("b", "$88 billion", "88000000000", period="2023"),
                                                   figure("b", "9%", "9", unit="percent", kind="level", start=20),
                                                   figure("b", "29%", "29", measure="survey-share", unit="percent", start=40))),
    ]
    result = build_claims(docs)
    assert result.figure_conflicts == []
    assert all(not c.conflicts for c in result.claims)


def test_a_forecast_made_in_advance_does_not_contradict_the_outcome():
    docs = [
        DocumentFacts(article("a", "x"), figures=(figure("a", "$88.3 billion", "88300000000"),)),
        DocumentFacts(article("b", "y", date="2022-05-01"), figures=(figure("b", "$95 billion", "95000000000", modality="forecast"),)),
        DocumentFacts(article("c", "z", date="2022-06-01"), figures=(figure("c", "$90 billion", "90000000000", modality="forecast"),)),
    ]
    result = build_claims(docs)
    assert len(result.claims) == 3
    assert {tuple(sorted((a.article_id, b.article_id))) for a, b in result.figure_conflicts} == {("b", "c")}  # forecasts disagree


def test_contradicting_relations_conflict_only_when_periods_overlap():
    contradictions = [("imposesExportControlsOn", "liftsExportControlsOn")]
    docs = [
        DocumentFacts(article("a", "x"), relations=(relation("a", "imposesExportControlsOn", period="2019-07"),)),
        DocumentFacts(article("b", "y"), relations=(relation("b", "liftsExportControlsOn", period="2019"),)),
        DocumentFacts(article("c", "z"), relations=(relation("c", "liftsExportControlsOn", period="2023"),)),
        DocumentFacts(article("d", "w"), relations=(relation("d", "imposesExportControlsOn", period="2019", modality="negated"),)),
    ]
    result = build_claims(docs, contradictions=contradictions)
    pairs = {tuple(sorted((a.article_id, b.article_id))) for a, b in result.relation_conflicts}
    assert pairs == {("a", "b"), ("a", "d")}  # 2019 vs 2023 is a change; a denial contradicts the assertion


def test_symmetric_relation_from_two_publishers_is_one_claim_with_two_sources():
    docs = [
        DocumentFacts(article("a", "x", publisher="Ministry of Trade, Industry and Energy (MOTIE), Republic of Korea"),
                      relations=(relation("a", "cooperatesWith", period=None),)),
        DocumentFacts(article("b", "y", publisher="Ministry of Foreign Affairs of Japan (MOFA)"),
                      relations=(relation("b", "cooperatesWith", period=None),)),
    ]
    [claim] = build_claims(docs).claims
    assert claim.documents == ("a", "b")
    assert claim.countries == ("japan", "south-korea")
    assert claim.publisher_entities == ("ministry-of-foreign-affairs-japan", "motie")


def test_near_duplicates_are_found_and_do_not_count_as_corroboration():
    body = ("Japan and South Korea agreed on Tuesday to expand cooperation on hydrogen supply chains, "
            "the two trade ministers said after talks in Seoul that lasted three hours. The ministers also "
            "discussed export controls on chipmaking materials, a joint fund for battery research, and a plan "
            "to certify each other's inspectors for liquefied hydrogen carriers. Officials from both sides "
            "described the meeting as constructive and said working groups would report back in the autumn, "
            "before a summit of the two leaders planned for the end of the year in Tokyo.")
    original = article("a", body, publisher="Yonhap News Agency", source="https://news.example/a")
    copy = article("b", body.replace("  ", " ").replace("three hours", "four hours"), publisher="Another Wire",
                   date="2024-03-02", source="https://news.example/a?utm_source=feed")
    other = article("c", "Exports of memory chips from South Korea fell in the first quarter as prices slid. " * 3)
    assert near_duplicates([original, copy, other]) == {"b": "a"}
    docs = [DocumentFacts(a, relations=(relation(a.id, "cooperatesWith", period=None),)) for a in (original, copy)]
    [claim] = build_claims(docs).claims
    assert claim.documents == ("a",) and len(claim.relations) == 2


def test_shingles_and_jaccard():
    assert jaccard(shingles("a b c d e f", 3), shingles("a b c d e f", 3)) == 1.0
    assert jaccard(shingles("a b c d", 3), shingles("w x y z", 3)) == 0.0


def test_publisher_country_from_the_gazetteer():
    gazetteer = default_gazetteer()
    assert publisher_of(article("a", "x", publisher="Ministry of Economy, Trade and Industry (METI), Japan"), gazetteer).country == "japan"
    assert publisher_of(article("a", "x", publisher="International Trade Administration, U.S. Department of Commerce"),
                        gazetteer).country == "united-states"
    unknown = publisher_of(article("a", "x", publisher="Wikipedia"), gazetteer)
    assert (unknown.key, unknown.country) == ("wikipedia", "other")
    assert publisher_of(article("z", "x"), gazetteer).key == "document:z"
