"""The build's files are written in bounded memory: quads in sorted runs on scratch files, merged.

Whatever the run size, the files are the bytes the in-memory order gives; no scratch file
survives the build; the page and the statistics come from the build's database, the same as
from the file; and the build's Dataset, made only when asked for, holds what the files hold.
"""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest

import kg.sortedruns as sortedruns
from kg.build import write_outputs
from kg.rdfwrite import ordered_quads, ordered_triples
from kg.serialize import checked_ox_quads
from kg.sortedruns import SortedRuns
from kg.store import load_union, open_union, persistent_store


def test_sorted_runs_give_kg_order_whatever_the_run_size(built):
    result, _ = built
    quads = checked_ox_quads(result.dataset)
    for run_size in (1, 97, 5_000, len(quads) + 1):
        by_quad = SortedRuns(io.BytesIO, run_size=run_size)
        by_triple = SortedRuns(io.BytesIO, triples=True, run_size=run_size)
        for start in range(0, len(quads), 1000):  # parts, as the build gives them
            by_quad.extend(quads[start : start + 1000])
            by_triple.extend(quads[start : start + 1000])
        assert by_quad.runs == len(quads) // run_size  # full runs spilled, the rest sorted in memory
        assert list(by_quad.merged()) == ordered_quads(quads), run_size
        assert list(by_triple.merged()) == ordered_triples(quads), run_size
        assert by_triple.count == len(ordered_triples(quads)) < by_quad.count == len(set(quads))


def test_literals_with_escapes_and_languages_survive_the_runs():
    subject, predicate = ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p")
    objects = [ox.Literal('a "quoted"\nline\twith\\ escapes'), ox.Literal("東京", language="ja"), ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")),
               ox.Literal("\u0000\u001b control"), ox.NamedNode("urn:x:o")]
    runs = SortedRuns(io.BytesIO, triples=True, run_size=2)
    runs.extend(ox.Quad(subject, predicate, o, ox.NamedNode("urn:x:g")) for o in objects)
    assert sorted(map(str, runs.merged())) == sorted(str(ox.Triple(subject, predicate, o)) for o in objects)


@pytest.mark.slow
def test_small_runs_write_the_same_files_and_leave_no_scratch(built, tmp_path, monkeypatch):
    result, out = built
    monkeypatch.setattr(sortedruns, "RUN_SIZE", 500)  # dozens of runs for the corpus
    small = tmp_path / "small"
    write_outputs(result, small)
    for name in ("graph.ttl", "graph.trig", "graph.html"):
        assert (small / name).read_bytes() == (out / name).read_bytes(), name
    assert sorted(p.name for p in small.iterdir()) == [".kg-build.lock", "graph.html", "graph.trig", "graph.ttl", "store"]
    assert result.counts["triples"] == len(ordered_triples(checked_ox_quads(result.dataset)))


def test_the_dataset_made_on_request_holds_what_the_files_hold(built):
    result, out = built
    written = set(ox.parse(path=str(out / "graph.trig"), format=ox.RdfFormat.TRIG))
    assert set(checked_ox_quads(result.dataset)) == written


def test_page_and_statistics_read_the_database_as_they_read_the_file(built, runner, tmp_path):
    from kg.cli import cli

    _, out = built
    database = persistent_store(out / "graph.trig")
    assert database is not None
    union = load_union(out, from_store=True)
    assert type(union.store).__name__ == "OxigraphStore"  # read in place, not parsed
    assert len(union) == len(open_union(database.parent))
    with_store = runner.invoke(cli, ["stats", str(out), "--format", "json"])
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("graph.trig", "graph.ttl"):
        (copy / name).write_bytes((out / name).read_bytes())
    without = runner.invoke(cli, ["stats", str(copy), "--format", "json"])
    assert with_store.exit_code == without.exit_code == 0
    assert with_store.output == without.output
