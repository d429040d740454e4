"""Bad-input catalogue, RDF import and export (cases 30-40): refused with one line, or handled exactly."""

from __future__ import annotations

import errno
import io
import fcntl
import os
import time
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from kg import files as files_module
from kg.build import write_outputs
from kg.files import LOCK_NAME, output_lock
from kg.cli import cli
from kg.errors import GraphError, KGError
from kg.export import export_graph
from kg.files import remove_stale_temporaries
from kg.formats import RDF_FORMATS
from kg.serialize import serialize
from kg.store import load_graph, load_union

from ..conftest import DATA

FIXTURE = DATA / "query_fixture.ttl"
EX = "@prefix ex: <http://example.org/> .\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_case_30_truncated_turtle_names_file_and_line(tmp_path):
    path = write(tmp_path, "cut.ttl", EX + 'ex:a ex:b ex:c .\nex:d ex:e "unterminated')
    with pytest.raises(GraphError, match=r"cut\.ttl: not valid Turtle \(.*line 3"):
        load_graph(path)


def test_case_31_iri_with_a_space_is_refused(tmp_path, runner):
    path = write(tmp_path, "space.ttl", "<http://x/a b> <http://x/p> <http://x/o> .\n")
    with pytest.raises(GraphError, match=r"space\.ttl: .*line 1"):
        load_graph(path)
    result = runner.invoke(cli, ["export", str(path)])
    assert result.exit_code == 2 and len(result.output.splitlines()) == 1


def test_case_32_reimporting_blank_nodes_does_not_double_them(tmp_path):
    """kg never merges an import into an earlier one: each load gives a fresh dataset, and a
    re-exported file (blank nodes relabelled deterministically) loads back to the same triples."""
    path = write(tmp_path, "bnodes.ttl", EX + "ex:a ex:p [ ex:q 1 ; ex:r [ ex:s 2 ] ] .\n_:x ex:t ex:a .\n")
    first = load_graph(path)
    again = write(tmp_path, "again.ttl", serialize(first, "ttl").decode("utf-8"))
    second = load_graph(again)
    assert len(first) == len(second) == len(load_graph(path)) == 5
    assert isomorphic(load_union(path), load_union(again))


@pytest.mark.parametrize("fmt", list(RDF_FORMATS), ids=[f"case-33-{f}" for f in RDF_FORMATS])
def test_case_33_exporting_twice_gives_identical_bytes(fmt):
    assert serialize(load_graph(FIXTURE), fmt) == serialize(load_graph(FIXTURE), fmt)


@pytest.mark.parametrize("fmt", list(RDF_FORMATS), ids=[f"case-34-{f}" for f in RDF_FORMATS])
def test_case_34_export_import_export_is_isomorphic(tmp_path, fmt):
    path = tmp_path / f"graph{RDF_FORMATS[fmt].extension}"
    path.write_bytes(serialize(load_graph(FIXTURE), fmt))
    assert isomorphic(load_union(path), load_union(FIXTURE))
    again = tmp_path / f"again{RDF_FORMATS[fmt].extension}"
    again.write_bytes(serialize(load_graph(path), fmt))
    assert isomorphic(load_union(again), load_union(path))


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
 <rdf:Description rdf:about="http://example.org/a"><ex:p>&i;</ex:p></rdf:Description>
</rdf:RDF>
"""


def test_case_35_billion_laughs_is_refused_within_a_second(tmp_path):
    path = write(tmp_path, "laughs.rdf", BILLION_LAUGHS)
    started = time.monotonic()
    with pytest.raises(GraphError, match="DOCTYPE"):
        load_graph(path)
    assert time.monotonic() - started < 1


def test_case_36_external_entity_is_refused_and_no_file_is_read(tmp_path):
    secret = write(tmp_path, "secret.txt", "TOP-SECRET")
    text = (
        f'<?xml version="1.0"?>\n<!DOCTYPE r [ <!ENTITY x SYSTEM "{secret.as_uri()}"> ]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
        '<rdf:Description rdf:about="http://example.org/a"><ex:p>&x;</ex:p></rdf:Description></rdf:RDF>\n'
    )
    path = write(tmp_path, "xxe.rdf", text)
    before = secret.stat().st_atime_ns
    with pytest.raises(GraphError, match="DOCTYPE") as refused:
        load_graph(path)
    assert "TOP-SECRET" not in str(refused.value)
    assert secret.stat().st_atime_ns == before


@pytest.mark.parametrize(
    "context",
    ["http://169.254.169.254/latest/meta-data/", "file:///etc/passwd", ["https://schema.org/"]],
    ids=["case-37-metadata-ip", "case-37-file", "case-37-list"],
)
def test_case_37_remote_or_file_context_is_refused_without_a_fetch(tmp_path, context, monkeypatch):
    import json
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    path = write(tmp_path, "remote.jsonld", json.dumps({"@context": context, "@id": "http://example.org/a", "name": "x"}))
    with pytest.raises(GraphError, match="@context"):
        load_graph(path)


def test_case_38_jsonld_nested_5000_deep_is_refused(tmp_path):
    text = '{"@id": "http://x/a", "http://x/p": ' + '{"http://x/p": ' * 5000 + '"v"' + "}" * 5001
    with pytest.raises(GraphError, match="nested deeper"):
        load_graph(write(tmp_path, "deep.jsonld", text))


def test_case_38_turtle_nested_5000_deep_is_read_safely_and_written_flat(tmp_path, runner):
    """Differs from the catalogue: Oxigraph's Turtle parser is not recursive, so 5,000 nested blank
    nodes load safely (no crash, no error). Oxigraph's writers (Turtle, TriG, N-Triples, N-Quads)
    do not recurse either: every export writes the blank nodes flat, and the file reads back."""
    text = EX + "ex:a ex:p " + "[ ex:p " * 5000 + "ex:z" + " ]" * 5000 + " .\n"
    path = write(tmp_path, "deep.ttl", text)
    assert len(load_graph(path)) == 5001
    for fmt in ("ttl", "trig"):
        out = tmp_path / f"deep-out.{fmt}"
        result = runner.invoke(cli, ["export", str(path), "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0 and "Traceback" not in result.output, fmt
        assert len(load_graph(out)) == 5001
    assert len(serialize(load_graph(path), "nt").splitlines()) == 5001


@pytest.mark.parametrize("name", ["graph.foo", "graph"], ids=["case-39-extension", "case-39-none"])
def test_case_39_unknown_format_is_refused(tmp_path, runner, name):
    path = write(tmp_path, name, "<http://x/a> <http://x/b> <http://x/c> .\n")
    result = runner.invoke(cli, ["export", str(path)])
    assert result.exit_code == 2 and "unknown graph format" in result.output


def test_case_40_unwritable_path_is_one_line_error(tmp_path, runner):
    blocker = write(tmp_path, "file", "x")
    result = runner.invoke(cli, ["export", str(FIXTURE), "--out", str(blocker / "graph.ttl")])
    assert result.exit_code == 2 and result.output.startswith("Error: ") and len(result.output.splitlines()) == 1
    assert "Traceback" not in result.output


def _disk_full_after(monkeypatch, good_writes: int) -> None:
    real = files_module._write_file
    calls = {"n": 0}

    def write_file(fd, data):
        calls["n"] += 1
        if calls["n"] > good_writes:
            if callable(data):  # a streamed file: what it would have written
                stream = io.BytesIO()
                data(stream)
                data = stream.getvalue()
            os.write(fd, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd, data)

    monkeypatch.setattr(files_module, "_write_file", write_file)


def test_case_40_full_disk_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "out.ttl"
    target.write_bytes(b"previous")
    _disk_full_after(monkeypatch, 0)
    with pytest.raises(GraphError, match="No space left on device"):
        export_graph(load_graph(FIXTURE), target, "ttl")
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


@pytest.fixture()
def build_result():
    from kg.build import BuildResult

    return BuildResult(dataset=load_graph(FIXTURE), documents=[])


def test_case_40_full_disk_during_a_build_replaces_no_output(tmp_path, monkeypatch, build_result):
    """The outputs of a build are one set: graph.ttl is written, graph.trig hits a full disk, so
    neither replaces the previous files, and no temporary is left behind."""
    out = tmp_path / "out"
    out.mkdir()
    for name in ("graph.ttl", "graph.trig", "graph.html"):
        (out / name).write_text("old " + name)
    _disk_full_after(monkeypatch, 1)
    with pytest.raises(GraphError, match=r"graph\.trig: cannot write \(No space left on device\)"):
        write_outputs(build_result, out)
    assert {p.name: p.read_text() for p in out.iterdir() if not p.name.startswith(".")} == {n: "old " + n for n in ("graph.ttl", "graph.trig", "graph.html")}
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*.tmp"))


def test_case_40_a_second_build_into_the_same_directory_refuses(tmp_path, build_result):
    out = tmp_path / "out"
    with output_lock(out):
        with pytest.raises(KGError, match=f"another kg build is writing to {out}"):
            write_outputs(build_result, out, html=False)
    assert write_outputs(build_result, out, html=False) == [out / "graph.ttl", out / "graph.trig", out / "store"]
    assert (out / LOCK_NAME).exists()
    fd = os.open(out / LOCK_NAME, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released after the build
    os.close(fd)


def test_case_40_temporaries_of_killed_builds_are_removed(tmp_path, build_result):
    out = tmp_path / "out"
    out.mkdir()
    dead = out / ".graph.ttl.kg-999999999-abc123.tmp"  # no such process
    alive = out / f".graph.ttl.kg-{os.getpid()}-abc123.tmp"
    foreign = out / "notes.tmp"
    for path in (dead, alive, foreign):
        path.write_text("x")
    assert remove_stale_temporaries(out) == [dead]
    write_outputs(build_result, out, html=False)
    assert not dead.exists() and alive.exists() and foreign.exists()
