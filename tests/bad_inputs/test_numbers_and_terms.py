"""Bad-input catalogue (/work/shared/bad-inputs.md): numbers (17-23), long Japanese text (11),
near-duplicates (25), hostile entity names (27) and literals (28).

Figures are checked on the spaCy pipeline directly; the other cases end to end through `kg build`.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Dataset, Graph, Literal
from rdflib.namespace import RDF

from kg.serialize import serialize
from kg.namespace import JKT, NIF
from kg.nlp import make_doc

from .test_text import ARTICLE, HEADER, assert_built, corpus, kg_build, warnings_of  # noqa: F401  (fixtures)


def figures(nlp, text):
    doc = nlp(make_doc(nlp, text, year=2025, date="2025-06-10"))
    return [(f.text, Decimal(f.value), f.unit) for f in doc._.figures]


@pytest.mark.slow
@pytest.mark.parametrize(
    "case, text, expected",
    [
        ("case-17", "Bilateral trade reached $88.3bn last year.", [("$88.3bn", Decimal("88300000000"), "USD")]),
        ("case-18", "Samsung will invest ₩1.2 trillion in the plant.", [("₩1.2 trillion", Decimal("1200000000000"), "KRW")]),
        ("case-19", "About 44 per cent of executives expect better ties.", [("44 per cent", Decimal(44), "percent")]),
        ("case-20", "Exports were worth €1.234,5 million, or 1,234.5 million dollars.",
         [("€1.234,5 million", Decimal("1234500000"), "EUR"), ("1,234.5 million dollars", Decimal("1234500000"), "USD")]),
        ("case-22", "The grants range from $1.2 million to $23.5 million.",
         [("$1.2 million", Decimal("1200000"), "USD"), ("$23.5 million", Decimal("23500000"), "USD")]),
        ("case-23", "Chip exports changed by −5% in 2024.", [("−5%", Decimal(-5), "percent")]),
    ],
    ids=lambda v: v if isinstance(v, str) and v.startswith("case-") else "",
)
def test_numbers_in_their_written_forms(nlp, case, text, expected):
    assert figures(nlp, text) == expected


@pytest.mark.slow
def test_case_21_two_thirds_is_a_fraction_never_two(nlp):
    found = figures(nlp, "Two-thirds of companies expect growth.")
    assert len(found) == 1
    text, value, unit = found[0]
    assert unit == "percent" and abs(value - Decimal("66.67")) < Decimal("0.01") and value != 2


@pytest.mark.slow
def test_case_11_long_japanese_text_is_split_and_built(kg_build, corpus):
    """Over 49,149 bytes of Japanese (Sudachi's limit; kg uses the English model, which must not choke)."""
    sentence = "日本と韓国は半導体とロボットの分野で協力を深めることで合意した。"
    text = "\n".join(sentence * 3 for _ in range(220))
    assert len(text.encode("utf-8")) > 49_149
    (corpus / "ja.txt").write_text(HEADER.format(title="日韓協力") + text + "\n", encoding="utf-8")
    result, out = kg_build(corpus)
    assert_built(result, warnings=len(warnings_of(result)))
    dataset = Dataset(default_union=True)
    dataset.parse(out / "graph.trig", format="trig")
    stored = [str(o) for o in dataset.objects(None, NIF.isString) if sentence in str(o)]
    assert len(stored) == 1 and text in stored[0]  # the stored text survives character for character


@pytest.mark.slow
def test_case_25_same_story_other_spacing_and_tracking_is_flagged_and_kept(kg_build, corpus):
    source = "Source: https://example.org/story?utm_source=feed&utm_medium=rss\n"
    (corpus / "copy.txt").write_text(
        source + ARTICLE.replace(" and SK Hynix", "  and  SK Hynix").replace("\n\n", "\n\n\n", 1), encoding="utf-8"
    )
    (corpus / "good.txt").write_text("Source: https://example.org/story\n" + ARTICLE, encoding="utf-8")
    result, out = kg_build(corpus)
    assert result.exit_code == 0, result.output
    flagged = [w for w in warnings_of(result) if "near-duplicate" in w]
    assert len(flagged) == 1 and "copy.txt" in flagged[0] and "good.txt" in flagged[0]
    graph = Graph().parse(out / "graph.ttl")
    assert len(set(graph.subjects(RDF.type, JKT.Document))) == 2  # provenance kept: both documents


@pytest.mark.slow
def test_case_27_hostile_entity_names_give_iris_every_format_reparses(kg_build, corpus):
    body = 'Executives of Acme <Chips> "Global" {Holdings} | Co. met officials of Samsung Electronics in Seoul.\n'
    (corpus / "good.txt").write_text(HEADER.format(title="Odd names") + body, encoding="utf-8")
    result, out = kg_build(corpus)
    assert result.exit_code == 0, result.output
    dataset = Dataset(default_union=True)
    dataset.parse(out / "graph.trig", format="trig")
    for subject in dataset.subjects(RDF.type, None):
        assert not any(c in str(subject) for c in ' <>"{}|^`\\\n'), subject
    for fmt, parser in (("ttl", "turtle"), ("nt", "nt"), ("trig", "trig"), ("nq", "nquads"), ("jsonld", "json-ld"), ("xml", "xml")):
        again = Dataset(default_union=True)
        again.parse(data=serialize(dataset, fmt), format=parser)
        assert len(again) > 0, fmt


@pytest.mark.slow
def test_case_28_awkward_literals_survive_every_round_trip(kg_build, corpus):
    body = 'Samsung said "chips \\ robots """ matter" in Seoul.\r\nSK Hynix agreed.\r\n'
    (corpus / "good.txt").write_bytes((HEADER.format(title='Quote " and \\ and """') + body).encode("utf-8"))
    result, out = kg_build(corpus)
    assert result.exit_code == 0, result.output
    dataset = Dataset(default_union=True)
    dataset.parse(out / "graph.trig", format="trig")
    literals = {o for o in dataset.objects() if isinstance(o, Literal) and ('"' in o or "\\" in o)}
    assert literals, "the awkward text should reach literals"
    for fmt, parser in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("xml", "xml")):
        again = Dataset(default_union=True)
        again.parse(data=serialize(dataset, fmt), format=parser)
        assert literals <= {o for o in again.objects() if isinstance(o, Literal)}, fmt
