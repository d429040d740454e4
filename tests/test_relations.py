"""Relation rules on sentences written for these tests (and a hand-built parse for the engine)."""

from __future__ import annotations

import pytest

from kg.extract.entities import person_id
from kg.extract.relations import relation_rules, trigger_pattern
from kg.gazetteer import default_gazetteer
from kg.nlp import make_doc


def canonical(name: str) -> str:
    """The canonical id of a person: the gazetteer's, else the id kg mints for an unknown person."""
    entry = default_gazetteer().lookup(name)
    return entry.id if entry is not None else person_id(name)


YOON, KISHIDA = canonical("Yoon Suk Yeol"), canonical("Fumio Kishida")

PAIR = "Japan and South Korea are neighbours. Japan trades with South Korea. "


def triples(nlp, text):
    doc = nlp(make_doc(nlp, text, year=2026))
    return {(r.subject_id, r.predicate, r.object_id) for r in doc._.relations}, doc


CASES = [
    ("The U.S.-led Chip 4 alliance met.", {("united-states", "leads", "chip-4")}),
    ("The Chip 4 initiative, led by the United States, met.", {("united-states", "leads", "chip-4")}),
    ("Taiwan is a member of the Chip 4 initiative.", {("taiwan", "memberOf", "chip-4")}),
    ("South Korea joined the Chip 4 alliance.", {("south-korea", "memberOf", "chip-4")}),
    ("Japan imposed export controls on photoresists bound for South Korea.",
     {("japan", "imposesExportControlsOn", "south-korea"), ("japan", "controlsExportsOf", "photoresists")}),
    ("Japan lifted export controls on South Korea.", {("japan", "liftsExportControlsOn", "south-korea")}),
    ("Tokyo eased curbs on exports of chip materials to South Korea.", {("japan", "liftsExportControlsOn", "south-korea")}),
    ("Japan removed South Korea from its white list.", {("japan", "removesFromWhiteList", "south-korea")}),
    ("Japan and South Korea removed each other from their white lists.",
     {("japan", "removesFromWhiteList", "south-korea"), ("south-korea", "removesFromWhiteList", "japan")}),
    ("Japan added South Korea back to its white list.", {("japan", "restoresToWhiteList", "south-korea")}),
    ("Samsung Electronics will invest in Japan.", {("samsung-electronics", "investsIn", "japan")}),
    ("Japanese direct investment in South Korea fell.", {("japan", "investsIn", "south-korea")}),
    ("Two-way trade between South Korea and Japan rose.", {("japan", "tradesWith", "south-korea")}),
    ("SK Hynix signed a partnership with Kioxia.", {("kioxia", "cooperatesWith", "sk-hynix")}),
    ("Rapidus is jointly developing advanced chips.", {("rapidus", "jointlyDevelops", "advanced-chips")}),
    ("Micron competes with SK Hynix.", {("micron-technology", "competesWith", "sk-hynix")}),
    ("Japan holds a 90% market share in photoresists.", {("japan", "hasMarketShareIn", "photoresists")}),
    ("SK Hynix dominates the market for high-bandwidth memory.", {("sk-hynix", "dominates", "hbm")}),
    ("Tokyo Electron supplies chipmaking equipment to Samsung Electronics.", {("tokyo-electron", "suppliesTo", "samsung-electronics")}),
    ("South Korea filed a complaint with the WTO.", {("south-korea", "complainsTo", "wto")}),
    ("South Korea will withdraw its complaint to the WTO.", {("south-korea", "withdrawsComplaintTo", "wto")}),
    ("Japan and South Korea agreed to normalize relations.", {("japan", "normalizesRelationsWith", "south-korea")}),
    ("Samsung-backed Rainbow Robotics will build cobots.", {("samsung-electronics", "investsIn", "rainbow-robotics")}),
    ("Sony buys OLED panels from LG Display.", {("lg-display", "suppliesTo", "sony")}),
    ("South Korean President Yoon Suk Yeol met Japanese Prime Minister Fumio Kishida.",
     {(YOON, "holdsPositionIn", "south-korea"), (KISHIDA, "holdsPositionIn", "japan")}),
    ("Rapidus, which is building a plant in Hokkaido, said it would cooperate with Samsung Electronics.",
     {("rapidus", "cooperatesWith", "samsung-electronics")}),
    ("Japan funds Rapidus, which is jointly developing advanced chips with IBM.",
     {("rapidus", "jointlyDevelops", "advanced-chips"), ("ibm", "cooperatesWith", "rapidus")}),
    ("The annual Japan–Korea Joint Opinion Poll, conducted by the Genron NPO and the East Asia Institute, was released. "
     "The results were published by Yonhap.",
     {("japan-korea-joint-opinion-poll", "conductedBy", "genron-npo"), ("japan-korea-joint-opinion-poll", "conductedBy", "east-asia-institute"),
      ("japan-korea-joint-opinion-poll", "publishedBy", "yonhap")}),
    ("Japan Display agreed to form an OLED partnership with China's HKC.", {("hkc", "cooperatesWith", "japan-display")}),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, expected", CASES, ids=[c[0][:40] for c in CASES])
def test_relation_rules(nlp, text, expected):
    found, _ = triples(nlp, text)
    assert expected <= found, found


@pytest.mark.slow
def test_joint_phrases_apply_to_both_countries(nlp):
    found, _ = triples(nlp, PAIR + "Both nations are jointly developing chip packaging.")
    assert {("japan", "jointlyDevelops", "chip-packaging"), ("south-korea", "jointlyDevelops", "chip-packaging")} <= found


@pytest.mark.slow
def test_both_companies_resolve_to_the_last_two_companies(nlp):
    found, _ = triples(nlp, "Samsung Electronics and SK Hynix gained. Micron competes with both Korean companies.")
    assert {("micron-technology", "competesWith", "samsung-electronics"), ("micron-technology", "competesWith", "sk-hynix")} <= found


@pytest.mark.slow
def test_pronoun_object_takes_the_earlier_country(nlp):
    found, _ = triples(nlp, "Japan lifted export controls on South Korea in 2023 and restored it to its white list.")
    assert ("japan", "restoresToWhiteList", "south-korea") in found


@pytest.mark.slow
def test_no_relation_without_a_trigger(nlp):
    found, _ = triples(nlp, "Japan and South Korea are neighbours in Northeast Asia.")
    assert found == set()


@pytest.mark.slow
def test_unrelated_controls_do_not_create_an_export_control_relation(nlp):
    found, _ = triples(nlp, "South Korean noncompliance with export controls angered the Japanese government.")
    assert not {t for t in found if t[1] == "imposesExportControlsOn"}


@pytest.mark.slow
def test_relations_carry_evidence_and_confidence(nlp):
    doc = nlp(make_doc(nlp, "Japan imposed export controls on photoresists bound for South Korea."))
    relation = [r for r in doc._.relations if r.predicate == "imposesExportControlsOn"][0]
    assert relation.items == ("photoresists",) and 0 < relation.confidence <= 1
    assert relation.sentence_start == 0 and relation.trigger == "export controls" and relation.rule == "export-controls"


def test_every_rule_names_an_ontology_property():
    from rdflib import Graph, URIRef
    from rdflib.namespace import OWL, RDF

    from kg.namespace import JKT

    ontology = Graph().parse("ontology/jkt.ttl")
    properties = {str(p) for p in ontology.subjects(RDF.type, OWL.ObjectProperty)}
    for rule in relation_rules()["rules"]:
        for key in ("predicate", "negated_predicate"):
            if key in rule:
                assert str(JKT[rule[key]]) in properties, rule["name"]
    assert URIRef(str(JKT.memberOf)) in {URIRef(p) for p in properties}


def test_trigger_patterns_allow_short_modifiers():
    pattern = trigger_pattern("impose export control")
    assert pattern[0] == {"LEMMA": "impose"} and pattern[1]["OP"] == "{0,2}" and pattern[-1] == {"LEMMA": "control"}


def test_rules_on_a_hand_built_parse(blank_nlp):
    """The engine on a fixed parse: independent of the statistical model."""
    from spacy.tokens import Doc, Span

    from kg.extract.relations import RelationExtractor

    words = ["Japan", "imposed", "export", "controls", "on", "South", "Korea", "."]
    heads = [1, 1, 3, 1, 3, 6, 4, 1]
    deps = ["nsubj", "ROOT", "compound", "dobj", "prep", "compound", "pobj", "punct"]
    pos = ["PROPN", "VERB", "NOUN", "NOUN", "ADP", "PROPN", "PROPN", "PUNCT"]
    lemmas = ["Japan", "impose", "export", "control", "on", "South", "Korea", "."]
    doc = Doc(blank_nlp.vocab, words=words, heads=heads, deps=deps, pos=pos, lemmas=lemmas)
    doc.ents = [Span(doc, 0, 1, label="Country", span_id="japan"), Span(doc, 5, 7, label="Country", span_id="south-korea")]
    extractor = RelationExtractor(blank_nlp, "kg_relations")
    doc = extractor(doc)
    assert [(r.subject_id, r.predicate, r.object_id) for r in doc._.relations] == [("japan", "imposesExportControlsOn", "south-korea")]



@pytest.mark.slow
def test_head_of_government_takes_only_the_named_person(nlp):
    found, _ = triples(nlp, "South Korean President Yoon Suk Yeol and Japanese Prime Minister Fumio Kishida held a summit.")
    assert (KISHIDA, "holdsPositionIn", "south-korea") not in found and (YOON, "holdsPositionIn", "japan") not in found
    assert {(YOON, "holdsPositionIn", "south-korea"), (KISHIDA, "holdsPositionIn", "japan")} <= found
    assert tuple(sorted((KISHIDA, YOON))) in {(s, o) for s, p, o in found if p == "holdsDialogueWith"}


def test_since_dates_a_relation_only_when_it_governs_it(nlp):
    from kg.nlp import make_doc

    began = nlp(make_doc(nlp, "Japan has imposed export controls on South Korea since July 2019.", year=2024))._.relations
    assert [(r.predicate, r.period) for r in began if r.predicate == "imposesExportControlsOn"] == [("imposesExportControlsOn", "2019-07")]
    unrelated = nlp(make_doc(nlp, "Optimism is the highest since the 2015 talks that saw Japan impose export controls on South Korea.",
                             year=2024))._.relations
    assert all(r.period is None for r in unrelated if r.predicate == "imposesExportControlsOn")


def test_who_reports_an_act_is_not_its_actor(nlp):
    from kg.nlp import make_doc

    def relations(text):
        return {(r.subject_id, r.predicate, r.object_id) for r in nlp(make_doc(nlp, text, year=2024))._.relations}

    # a ministry reporting its government's act stands for the country
    assert ("japan", "liftsExportControlsOn", "south-korea") in relations(
        "The Ministry of Economy, Trade and Industry said curbs on exports to South Korea had been lifted.")
    # "X said it ...": the speaker is the actor
    assert ("japan", "imposesExportControlsOn", "south-korea") in relations("Japan said it imposed export controls on South Korea.")
