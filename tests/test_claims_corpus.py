"""Claims on the planted test corpus (tests/data/claims): conflicts, restatements, duplicates, modality, attribution.

The key (tests/data/claims/key.json) was written with the corpus, before claim grouping existed;
see tests/data/claims/README.md. Thresholds are the ones the claims feature must meet.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.build import build_graph
from kg.claimgraph import contradicting_properties
from kg.claims import build_claims

DATA = Path(__file__).resolve().parent / "data" / "claims"
KEY = json.loads((DATA / "key.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built(nlp):
    return build_graph([DATA / "corpus"], nlp=nlp)


@pytest.fixture(scope="module")
def claims(built):
    return build_claims(built.documents, contradictions=contradicting_properties())


def _fig(item) -> tuple[str, str]:
    return item["doc"], item["text"]


def test_planted_conflicts_are_found_and_nothing_else_is_flagged(claims):
    flagged = {frozenset(((a.article_id, a.text), (b.article_id, b.text))) for a, b in claims.figure_conflicts}
    planted = {frozenset((_fig(c["a"]), _fig(c["b"]))) for c in KEY["conflicts"]}
    assert len(planted) >= 20
    found = len(planted & flagged) / len(planted)
    assert found >= 0.95, sorted(map(sorted, planted - flagged))
    assert len(flagged - planted) <= 2, sorted(map(sorted, flagged - planted))
    for pair in KEY["must_not_flag"]:
        assert frozenset((_fig(pair["a"]), _fig(pair["b"]))) not in flagged, pair["why"]


def test_conflicting_claims_link_each_other_both_ways(claims):
    by_id = {c.id: c for c in claims.claims}
    linked = [c for c in claims.claims if c.conflicts]
    assert linked
    for claim in linked:
        for other in claim.conflicts:
            assert claim.id in by_id[other].conflicts


def test_restatements_are_merged(claims):
    claim_of = {(f.article_id, f.text): c.id for c in claims.claims for f in c.figures}
    groups = KEY["restatements"]
    merged = [g for g in groups if len({claim_of.get(_fig(m)) for m in g["members"]} - {None}) == 1
              and all(_fig(m) in claim_of for m in g["members"])]
    assert len(groups) >= 20
    assert len(merged) / len(groups) >= 0.9
    for group in merged:  # each member from a different publisher: corroboration is counted
        claim = next(c for c in claims.claims if c.id == claim_of[_fig(group["members"][0])])
        assert len(claim.publishers) >= len({m["doc"] for m in group["members"]})


def test_near_duplicates_found_and_not_counted(claims):
    assert {copy: original for original, copy in KEY["near_duplicates"]} == claims.duplicates
    copies = set(claims.duplicates)
    for claim in claims.claims:
        assert not copies & set(claim.documents)
    assert not any(a.article_id in copies or b.article_id in copies for a, b in claims.figure_conflicts)


def _relation_id(item) -> tuple:
    return item["doc"], item["subject"], item["predicate"], item["object"], item["period"]


def test_contradicting_relations_flagged_and_changes_over_time_not(claims):
    flagged = {frozenset(((a.article_id, a.subject_id, a.predicate, a.object_id, a.period),
                          (b.article_id, b.subject_id, b.predicate, b.object_id, b.period))) for a, b in claims.relation_conflicts}
    planted = {frozenset((_relation_id(c["a"]), _relation_id(c["b"]))) for c in KEY["relation_conflicts"]}
    assert planted <= flagged
    for change in KEY["changes_not_conflicts"]:
        assert frozenset((_relation_id(change["a"]), _relation_id(change["b"]))) not in flagged


def test_modality_and_attribution_of_planted_facts(built):
    docs = {d.article.id: d for d in built.documents}
    checked = correct = 0
    for item in KEY["modality"]:
        facts = docs[item["doc"]]
        if "relation" in item:
            rel = item["relation"]
            labels = [r.modality for r in facts.relations
                      if (r.subject_id, r.predicate, r.object_id, r.period) == (rel["subject"], rel["predicate"], rel["object"], rel["period"])]
        else:
            labels = [f.modality for f in facts.figures if f.text == item["text"]]
        if labels:
            checked += 1
            correct += item["label"] in labels
    assert checked >= 10 and correct / checked >= 0.85
    attributed = 0
    for item in KEY["attribution"]:
        agents = [(f.agent, f.agent_text or "") for f in docs[item["doc"]].figures if f.text == item["text"]]
        attributed += any(item["agent"] == agent or item["agent"].lower() in text.lower() for agent, text in agents)
    assert attributed / len(KEY["attribution"]) >= 0.8


def test_claims_are_in_the_graph_and_validate(built, tmp_path):
    from rdflib import Literal, URIRef

    graph = built.graph
    jkt = "https://w3id.org/jk-tech/ontology#"
    claims = set(graph.subjects(URIRef(jkt + "sourceCount"), None))
    assert claims
    conflicts = list(graph.subject_objects(URIRef(jkt + "conflictsWith")))
    assert conflicts and all((b, URIRef(jkt + "conflictsWith"), a) in graph for a, b in conflicts)
    duplicates = list(graph.subject_objects(URIRef(jkt + "duplicateOf")))
    assert len(duplicates) == 3
    corroborated = [c for c in claims if graph.value(c, URIRef(jkt + "publisherCount")) >= Literal(2)]
    assert corroborated


def test_claims_graph_conforms_and_a_one_way_conflict_is_caught(built):
    from rdflib import Graph, URIRef

    from kg.validate import validate_graph

    report = validate_graph(built.graph)
    assert report.conforms, [str(v) for v in report.violations][:5]
    conflicts = URIRef("https://w3id.org/jk-tech/ontology#conflictsWith")
    broken = Graph()
    for triple in built.graph:
        broken.add(triple)
    a, b = sorted(broken.subject_objects(conflicts))[0]
    broken.remove((b, conflicts, a))
    report = validate_graph(broken)
    assert not report.conforms
    assert any("both ways" in v.message for v in report.violations)
