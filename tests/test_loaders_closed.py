"""Every loader reads the named file and nothing else, and refuses invalid IRIs the same way, with the line."""

from __future__ import annotations

import json

import pytest

import kg
from kg.cli import cli
from kg.errors import GraphError

from .test_service_guard import Listener

COMMANDS = [
    ["validate"],
    ["stats"],
    ["viz", "--out", "{tmp}/g.html"],
    ["export", "--format", "nt", "--out", "{tmp}/g.nt"],
    ["query", "SELECT * { ?s ?p ?o }", "--graph"],
]


def invoke(runner, command, path, tmp_path):
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    if args[0] == "query":
        return runner.invoke(cli, [*args, str(path)])
    if args[0] == "export":
        return runner.invoke(cli, [args[0], str(path), *args[1:]])
    return runner.invoke(cli, [args[0], str(path), *args[1:]])


@pytest.fixture()
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_remote_and_file_contexts_are_refused_and_never_fetched(runner, tmp_path, listener, command):
    secret = tmp_path / "context.jsonld"
    secret.write_text(json.dumps({"@context": {"name": "http://schema.org/name"}}))
    for context in (
        f"http://127.0.0.1:{listener.port}/context.jsonld",
        secret.as_uri(),
        "context.jsonld",  # relative: would be resolved against the file and read
        [{"@version": 1.1}, f"http://127.0.0.1:{listener.port}/c"],
        {"@import": f"http://127.0.0.1:{listener.port}/c"},
    ):
        path = tmp_path / "hostile.jsonld"
        path.write_text(json.dumps({"@context": context, "@id": "http://example.org/a", "name": "A"}))
        result = invoke(runner, command, path, tmp_path)
        assert result.exit_code == 2, (context, result.output)
        assert "@context" in result.output or "@import" in result.output
        assert "Traceback" not in result.output
    assert listener.connections == 0
    assert not (tmp_path / "g.html").exists() and not (tmp_path / "g.nt").exists()


def test_nested_context_is_refused_by_the_library_loader(tmp_path, listener):
    path = tmp_path / "nested.jsonld"
    path.write_text(json.dumps({"@graph": [{"@id": "http://example.org/a", "http://example.org/p": {"@context": f"http://127.0.0.1:{listener.port}/c", "@value": "x"}}]}))
    with pytest.raises(GraphError, match="remote or file @context"):
        kg.load(path)
    assert listener.connections == 0


def test_inline_contexts_still_load(tmp_path):
    path = tmp_path / "good.jsonld"
    path.write_text(json.dumps({"@context": {"name": "http://schema.org/name"}, "@id": "http://example.org/a", "name": "A"}))
    graph = kg.load(path)
    assert len(graph) == 1


BAD_IRIS = {
    "bad.ttl": '@prefix ex: <http://example.org/> .\nex:a ex:p ex:b .\n<http://example.org/a b> ex:p "x" .\n',
    "bad.nt": '<http://example.org/a> <http://example.org/p> "x" .\n\n<http://example.org/a b> <http://example.org/p> "x" .\n',
    "bad.trig": '<http://example.org/g> {\n<http://example.org/a> <http://example.org/p> "x" .\n<http://example.org/a b> <http://example.org/p> "x" .\n}\n',
    "bad.jsonld": '[\n {"@id": "http://example.org/a", "http://example.org/p": "x"},\n {"@id": "http://example.org/a b", "http://example.org/p": "x"}\n]\n',
}


@pytest.mark.parametrize("name", sorted(BAD_IRIS))
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_invalid_iris_are_refused_with_their_line_by_every_command(runner, tmp_path, name, command):
    path = tmp_path / name
    path.write_text(BAD_IRIS[name])
    result = invoke(runner, command, path, tmp_path)
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert len(message.splitlines()) == 1 and message.startswith(f"Error: {path}")
    assert "line 3" in message or f"{path}:3:" in message, message
    assert not (tmp_path / "g.html").exists() and not (tmp_path / "g.nt").exists()
