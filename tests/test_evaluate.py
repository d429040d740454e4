"""kg evaluate: matching rules on hand-built facts, gold checks, and the targets on real text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.cli import cli
from kg.corpus import parse_article
from kg.errors import GoldError
from kg.evaluate import evaluate, load_gold, normalize_unit, pair_gold_with_documents, score_document
from kg.facts import DocumentFacts, Entity, Figure, Mention, Relation, Sentence

from .conftest import CORPUS, DATA, ROOT

GOLD = ROOT / "tests" / "gold"
TEXT = "Id: t\n\nJapan holds 90% of the photoresist market. Trade reached $88.3 billion.\n"


def facts(figures=(), relations=(), entities=(), mentions=()):
    article = parse_article(TEXT, "t.txt")
    s1 = TEXT.index("Japan")
    e1 = TEXT.index("market.") + len("market.")
    s2 = TEXT.index("Trade")
    sentences = (Sentence("t", s1, e1, TEXT[s1:e1]), Sentence("t", s2, len(TEXT) - 1, TEXT[s2:-1]))
    return DocumentFacts(article, sentences, tuple(entities), tuple(mentions), tuple(figures), tuple(relations))


def figure(value, unit, text, sentence_start):
    start = TEXT.index(text)
    return Figure("t", start, start + len(text), text, value, unit, sentence_start)


def test_figure_matching_tolerance_unit_and_fragment():
    s2 = TEXT.index("Trade")
    gold = {"figures": [{"sentence_fragment": "Trade reached", "value": 88.0, "unit": "USD", "scale": 1e9}]}
    within = score_document(gold, facts([figure("88300000000", "USD", "$88.3 billion", s2)]))
    assert within.scores["figures"].tp == 1  # 0.34% apart
    gold["figures"][0]["value"] = 87.0  # 1.5% apart
    outside = score_document(gold, facts([figure("88300000000", "USD", "$88.3 billion", s2)]))
    assert (outside.scores["figures"].tp, outside.scores["figures"].fp, outside.scores["figures"].fn) == (0, 1, 1)
    gold["figures"][0].update(value=88.3, unit="JPY")
    assert score_document(gold, facts([figure("88300000000", "USD", "$88.3 billion", s2)])).scores["figures"].tp == 0
    gold["figures"][0].update(unit="USD", sentence_fragment="holds 90%")
    assert score_document(gold, facts([figure("88300000000", "USD", "$88.3 billion", s2)])).scores["figures"].tp == 0


def test_entity_matching_by_alias_and_type():
    s1 = TEXT.index("Japan")
    doc_facts = facts(entities=[Entity("japan", "Country", "Japan", "Q17", True)],
                      mentions=[Mention("t", s1, s1 + 5, "Japan", "japan", s1)])
    gold = {"entities": [{"text": "Nippon", "type": "Country", "aliases": ["Japan"]}, {"text": "WTO", "type": "Organization"}]}
    score = score_document(gold, doc_facts).scores["entities"]
    assert (score.tp, score.fp, score.fn) == (1, 0, 1) and score.misses == ["WTO (Organization)"]
    assert score.typed == 1 and score.type_accuracy == 1.0
    gold = {"entities": [{"text": "Japan", "type": "Organization"}]}
    wrong = score_document(gold, doc_facts).scores["entities"]
    assert (wrong.tp, wrong.typed, wrong.type_accuracy) == (1, 0, 0.0)
    assert wrong.wrong_types == ["Japan: Country, gold Organization"]


def test_relation_matching_symmetric_and_directed():
    s1 = TEXT.index("Japan")
    relations = [Relation("t", s1, "japan", "tradesWith", "south-korea"), Relation("t", s1, "japan", "investsIn", "south-korea")]
    gold = {"relations": [{"subject": "South Korea", "predicate": "trades with", "object": "Japan"},
                          {"subject": "South Korea", "predicate": "investsIn", "object": "Japan"}]}
    for item in gold["relations"]:
        item["predicate"] = __import__("kg.evaluate", fromlist=["resolve_predicate"]).resolve_predicate(item["predicate"], "test")
    score = score_document(gold, facts(relations=relations)).scores["relations"]
    assert (score.tp, score.fp, score.fn) == (1, 1, 1)


def test_units_of_gold_files():
    assert [normalize_unit(u) for u in ("duration_days", "count", "KRW", "percent")] == ["day", "count", "KRW", "percent"]


@pytest.mark.parametrize(
    "content, message",
    [("[]", "expected a JSON object"), ("{not json", "invalid JSON"),
     ('{"relations": [{"subject": "a", "predicate": "likes", "object": "b"}]}', "not a property of the ontology"),
     ('{"figures": [{"value": 1, "unit": "percent"}]}', "needs 'sentence_fragment'")],
)
def test_bad_gold_files(tmp_path, content, message):
    path = tmp_path / "g.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GoldError, match=message):
        load_gold(path)


def test_gold_fragments_are_exact_substrings():
    pairs = pair_gold_with_documents(GOLD, [CORPUS]) + pair_gold_with_documents(DATA / "passages_gold", [DATA / "passages"])
    pairs += pair_gold_with_documents(DATA / "heldout_gold", [DATA / "heldout"])
    assert len(pairs) == 10 + 7 + 6
    for gold_path, doc_path in pairs:
        text = Path(doc_path).read_text(encoding="utf-8")
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        for key in ("figures", "periods", "relations"):
            for item in gold.get(key, []):
                assert item["sentence_fragment"] in text, (gold_path.name, item["sentence_fragment"])


TARGETS = {  # the targets: F1 per category
    "nikkei-maeil-survey-2026": {"figures": 0.95, "entities": 0.90, "relations": 0.80},
    "wikipedia-trade-dispute": {"figures": 0.90, "entities": 0.85, "relations": 0.70},
    "meti-export-control-dialogue-2023": {"figures": 0.90, "entities": 0.85, "relations": 0.70},
}


@pytest.mark.slow
def test_targets_on_the_corpus(nlp):
    results, total = evaluate(pair_gold_with_documents(GOLD, [CORPUS]), nlp=nlp)
    for result in results:
        for category, target in TARGETS.get(result.article_id, {}).items():
            assert result.scores[category].f1 >= target, (result.article_id, category, result.scores[category].misses)


@pytest.mark.slow
def test_regression_passages(nlp):
    """Passages written for the tests, with other phrasings: a floor, so rules cannot silently regress."""
    _, total = evaluate(pair_gold_with_documents(DATA / "passages_gold", [DATA / "passages"]), nlp=nlp)
    assert total["figures"].f1 >= 0.95 and total["entities"].f1 >= 0.95 and total["relations"].f1 >= 0.95


@pytest.mark.slow
def test_cli_json_and_table(runner):
    result = runner.invoke(cli, ["evaluate", "--gold-dir", str(GOLD), str(CORPUS), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data["documents"]) == {p.stem for p in GOLD.glob("*.json")}
    assert set(data["total"]) == {"entities", "figures", "relations"}
    for doc in data["documents"].values():
        assert {"precision", "recall", "f1", "misses", "false_positives"} <= set(doc["figures"])
    one = runner.invoke(cli, ["evaluate", "--gold", str(GOLD / "wikipedia-trade-dispute.json"), str(CORPUS / "wikipedia-trade-dispute.txt")])
    assert one.exit_code == 0 and "TOTAL" in one.output and "relations" in one.output


def test_cli_usage_errors(runner, tmp_path):
    assert runner.invoke(cli, ["evaluate"]).exit_code == 2
    result = runner.invoke(cli, ["evaluate", "--gold-dir", str(tmp_path), str(CORPUS)])
    assert result.exit_code == 2 and "no *.json gold files" in result.output


@pytest.mark.slow
def test_heldout_passages_floor(nlp):
    """Six passages annotated from the guidelines alone, by a writer who never saw the rules.

    Scores on them at the time they were added were entities 0.79, figures 0.95, relations 0.46
    (F1); after generalising the rules and adding gazetteer entries, 0.89, 0.95 and 0.75. The floor
    keeps them from regressing.
    """
    _, total = evaluate(pair_gold_with_documents(DATA / "heldout_gold", [DATA / "heldout"]), nlp=nlp)
    assert total["entities"].f1 >= 0.87 and total["figures"].f1 >= 0.95 and total["relations"].f1 >= 0.73


REAL_TEXTS = sorted(p for p in CORPUS.glob("*.txt") if p.stem != "nikkei-maeil-survey-2026")


@pytest.mark.slow
def test_real_texts_floor(nlp):
    """The nine real, openly licensed texts of the corpus (government releases, a fact sheet, an encyclopedia lead).

    Before any rule change for them (the honest estimate for unseen text): entities 0.77 (types
    0.80), figures 0.72, relations 0.40. The issue's targets are entities 0.85 with types 0.85,
    figures 0.90, relations 0.60; the floors sit at the targets, below today's scores (README).
    """
    assert len(REAL_TEXTS) == 9
    _, total = evaluate(pair_gold_with_documents(GOLD, REAL_TEXTS), nlp=nlp)
    assert total["entities"].f1 >= 0.85 and total["entities"].type_accuracy >= 0.85
    assert total["figures"].f1 >= 0.90
    assert total["relations"].f1 >= 0.60


@pytest.mark.slow
def test_heldout_types_floor(nlp):
    """Among the held-out entities found, the share with the right type (0.92 when it was first measured)."""
    _, total = evaluate(pair_gold_with_documents(DATA / "heldout_gold", [DATA / "heldout"]), nlp=nlp)
    assert total["entities"].type_accuracy >= 0.90
