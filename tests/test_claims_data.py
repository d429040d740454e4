"""The claims test corpus (tests/data/claims/): data integrity of the corpus and its key only.

No claim grouping is run here: these tests check that every document the key names exists, that
every figure text, cue and trigger occurs in its document's body, that the headers are complete
and that the planted counts stay at the promised minimums.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

from kg.corpus import read_article

from .conftest import DATA

CLAIMS = DATA / "claims"
HEADER_KEYS = ("Id", "Title", "Source", "Publisher", "Date", "Language", "License")


@pytest.fixture(scope="module")
def key():
    return json.loads((CLAIMS / "key.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def articles():
    found = {}
    for path in sorted((CLAIMS / "corpus").glob("*.txt")):
        article = read_article(path)
        found[article.id] = article
    return found


def figure_refs(key):
    """Every (doc, text) the key names, with where it is named."""
    for section in ("conflicts", "must_not_flag"):
        for i, item in enumerate(key[section]):
            for side in ("a", "b"):
                yield f"{section}[{i}].{side}", item[side]
    for i, item in enumerate(key["restatements"]):
        for j, member in enumerate(item["members"]):
            yield f"restatements[{i}].members[{j}]", member
    for section in ("modality", "attribution"):
        for i, item in enumerate(key[section]):
            yield f"{section}[{i}]", item


def test_headers_are_complete(articles):
    assert len(articles) >= 14
    for article in articles.values():
        head = article.text[: article.body_start]
        for name in HEADER_KEYS:
            assert re.search(rf"^{name}: \S", head, re.M), (article.id, name)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", article.date), article.id
        assert "example" in urlsplit(article.source).hostname.split("."), article.id
        assert "CC0" in article.license


def test_every_key_text_occurs_in_its_document(key, articles):
    for where, ref in figure_refs(key):
        assert ref["doc"] in articles, (where, ref["doc"])
        body = articles[ref["doc"]].body
        assert ref["text"] in body, (where, ref["doc"], ref["text"])
        for cue in ("trigger", "cue"):
            if cue in ref:
                assert ref[cue] in body, (where, ref[cue])


def test_relation_and_duplicate_documents_exist(key, articles):
    for section in ("relation_conflicts", "changes_not_conflicts"):
        for item in key[section]:
            assert item["a"]["doc"] in articles and item["b"]["doc"] in articles
    for original, copy in key["near_duplicates"]:
        a, b = articles[original], articles[copy]
        assert a.title != b.title
        assert urlsplit(a.source)._replace(query="") == urlsplit(b.source)._replace(query="")
        assert "utm_" in urlsplit(b.source).query
    assert set(key["publishers"]) == set(articles)


def test_planted_counts(key):
    assert len(key["conflicts"]) >= 22
    assert len(key["restatements"]) >= 22
    assert len(key["must_not_flag"]) >= 6
    assert len(key["relation_conflicts"]) >= 3
    assert len(key["changes_not_conflicts"]) >= 2
    assert len(key["near_duplicates"]) == 3
    publishers = {entry["publisher"] for entry in key["publishers"].values()}
    countries = {entry["country"] for entry in key["publishers"].values()}
    assert len(publishers) >= 8 and len(countries) >= 3


def test_pairs_differ_where_they_should(key):
    """A conflict's two values differ; a restatement's members come from different publishers."""
    for item in key["conflicts"]:
        assert item["a"]["value"] != item["b"]["value"] and item["a"]["doc"] != item["b"]["doc"]
    for item in key["restatements"]:
        publishers = [key["publishers"][m["doc"]]["publisher"] for m in item["members"]]
        assert len(set(publishers)) == len(publishers), item["key"]
    copies = {copy for _, copy in key["near_duplicates"]}
    for where, ref in figure_refs(key):
        assert ref["doc"] not in copies, where


@pytest.fixture(scope="module")
def extracted(nlp):
    from kg.build import extract_documents
    from kg.corpus import load_corpus

    documents = extract_documents(load_corpus([CLAIMS / "corpus"]).articles, nlp=nlp)
    figures, relations = {}, set()
    for facts in documents:
        for f in facts.figures:
            figures.setdefault((f.article_id, f.text), []).append(f)
        for r in facts.relations:
            relations.add((r.article_id, r.subject_id, r.predicate, r.object_id, r.period))
    return figures, relations


def expected(ref, group):
    want = {name: group.get(name, ref.get(name)) for name in ("measure", "period", "unit", "kind", "subjects")}
    return want, group.get("technology", ref.get("technology"))


@pytest.mark.slow
def test_key_matches_what_kg_extracts(key, extracted):
    """Each planted figure is read with the key's measure, subjects, technology, period, unit, kind and value."""
    from decimal import Decimal

    figures, relations = extracted
    items = [(item, item, ("a", "b")) for item in key["conflicts"]]
    items += [(item, {}, ("a", "b")) for item in key["must_not_flag"]]
    refs = [(group, item[side]) for item, group, sides in items for side in sides]
    refs += [(group, member) for group in key["restatements"] for member in group["members"]]
    for group, ref in refs:
        found = figures.get((ref["doc"], ref["text"]), [])
        assert len(found) == 1, (ref["doc"], ref["text"], len(found))
        f = found[0]
        want, technology = expected(ref, group)
        got = {"measure": f.measure, "period": f.period, "unit": f.unit, "kind": f.kind, "subjects": sorted(f.subjects)}
        assert got == want, (ref["doc"], ref["text"])
        assert Decimal(f.value) == Decimal(ref["value"]), (ref["doc"], ref["text"])
        assert (technology in f.technologies) if technology else not f.technologies, (ref["doc"], ref["text"])
    for section in ("relation_conflicts", "changes_not_conflicts"):
        for item in key[section]:
            for side in ("a", "b"):
                r = item[side]
                assert (r["doc"], r["subject"], r["predicate"], r["object"], r["period"]) in relations, (section, r)
