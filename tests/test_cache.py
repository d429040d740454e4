"""The extraction cache (out/.kg-cache): only new or changed documents are extracted again."""

from __future__ import annotations

import shutil

import pytest

import kg.build
import kg.cache
from kg.build import build_graph, write_outputs
from kg.cache import CACHE_NAME


@pytest.fixture()
def extracted(monkeypatch):
    """The ids of the documents each build extracts (not taken from the cache)."""
    calls: list[list[str]] = []
    original = kg.build.extract_documents

    def spy(articles, *args, **kwargs):
        calls.append([a.id for a in articles])
        return original(articles, *args, **kwargs)

    monkeypatch.setattr(kg.build, "extract_documents", spy)
    return calls


def _build(corpus, out, nlp, **options):
    result = build_graph([corpus], nlp=nlp, cache_dir=out / CACHE_NAME, **options)
    write_outputs(result, out, html=False)
    return result


@pytest.mark.slow
def test_a_second_build_extracts_only_what_changed(tiny_corpus, tmp_path, nlp, extracted, monkeypatch):
    out = tmp_path / "out"
    first = _build(tiny_corpus, out, nlp)
    graph = (out / "graph.trig").read_bytes()
    assert extracted == [["alpha", "beta"]]
    again = _build(tiny_corpus, out, nlp)
    assert extracted[1:] == [] and (out / "graph.trig").read_bytes() == graph
    assert again.warnings == first.warnings and again.counts == first.counts

    added = (tiny_corpus / "alpha.txt").read_text(encoding="utf-8").replace("Id: alpha", "Id: gamma") + "\nOne more line.\n"
    (tiny_corpus / "gamma.txt").write_text(added, encoding="utf-8")
    _build(tiny_corpus, out, nlp)
    assert extracted[1:] == [["gamma"]]

    # something that shapes extraction (a pattern file, the gazetteer, the model) changes: all again
    monkeypatch.setattr(kg.cache, "extraction_fingerprint", lambda: "another pattern set")
    _build(tiny_corpus, out, nlp)
    assert extracted[2:] == [["alpha", "beta", "gamma"]]


@pytest.mark.slow
def test_cached_build_equals_uncached_build_and_stale_entries_go(tiny_corpus, tmp_path, nlp):
    out, plain = tmp_path / "out", tmp_path / "plain"
    _build(tiny_corpus, out, nlp)
    _build(tiny_corpus, out, nlp)
    write_outputs(build_graph([tiny_corpus], nlp=nlp), plain, html=False)
    for name in ("graph.ttl", "graph.trig"):
        assert (out / name).read_bytes() == (plain / name).read_bytes()
    assert len(list((out / CACHE_NAME).glob("*/*.pickle"))) == 2
    (tiny_corpus / "beta.md").unlink()
    _build(tiny_corpus, out, nlp)
    assert len(list((out / CACHE_NAME).glob("*/*.pickle"))) == 1


def test_the_fingerprint_follows_the_pattern_files(tmp_path, monkeypatch):
    patterns = tmp_path / "patterns"
    shutil.copytree(kg.cache.PATTERNS_DIR, patterns)
    monkeypatch.setattr(kg.cache, "PATTERNS_DIR", patterns)
    kg.cache.extraction_fingerprint.cache_clear()
    before = kg.cache.extraction_fingerprint()
    first = sorted(patterns.glob("*.json"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    kg.cache.extraction_fingerprint.cache_clear()
    try:
        assert kg.cache.extraction_fingerprint() != before
    finally:
        monkeypatch.undo()
        kg.cache.extraction_fingerprint.cache_clear()
