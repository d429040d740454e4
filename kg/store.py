"""Load graph files defensively: Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML.

Graph files may come from elsewhere, so parsing is bounded: a size limit, no DOCTYPE in RDF/XML
(entity expansion), a nesting limit for JSON-LD. Errors name the file and what to do.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from rdflib import Dataset, Graph

from .errors import GraphError
from .namespace import bind_prefixes

#: file extension -> rdflib parser name
PARSERS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".trig": "trig",
    ".nt": "nt",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".xml": "xml",
    ".owl": "xml",
}
QUAD_FORMATS = {"trig", "nquads", "json-ld"}
MAX_BYTES = 512 * 1024 * 1024
MAX_JSON_DEPTH = 64
DEFAULT_GRAPH_FILES = ("graph.trig", "graph.ttl")


def resolve_graph_path(path: Path | str | None = None) -> Path:
    """A graph file: the path itself, or graph.trig / graph.ttl inside a directory (default out/)."""
    path = Path(path) if path is not None else Path("out")
    if path.is_dir():
        for name in DEFAULT_GRAPH_FILES:
            if (path / name).is_file():
                return path / name
        raise GraphError(f"{path}: no graph.trig or graph.ttl here; run 'kg build' first or pass --graph FILE")
    if not path.exists():
        hint = "run 'kg build' first" if path == Path("out") else "check the path"
        raise GraphError(f"{path}: no such file or directory; {hint}")
    return path


def _json_depth(text: str) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def load_graph(path: Path | str | None = None, *, fmt: str | None = None) -> Dataset:
    """Parse a graph file into a Dataset (triples files land in the default graph)."""
    path = resolve_graph_path(path)
    parser = fmt or PARSERS.get(path.suffix.lower())
    if parser is None:
        raise GraphError(f"{path}: unknown graph format {path.suffix!r}; use one of {', '.join(sorted(PARSERS))}")
    if path.stat().st_size > MAX_BYTES:
        raise GraphError(f"{path}: larger than {MAX_BYTES // 2**20} MiB; load it into Oxigraph directly")
    try:
        data = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise GraphError(f"{path}: not valid UTF-8 at byte {err.start}; RDF files must be UTF-8") from None
    if parser == "xml" and re.search(r"<!DOCTYPE|<!ENTITY", data, re.IGNORECASE):
        raise GraphError(f"{path}: RDF/XML with a DOCTYPE or ENTITY declaration is refused (entity expansion)")
    if parser == "json-ld":
        if _json_depth(data) > MAX_JSON_DEPTH:
            raise GraphError(f"{path}: JSON nested deeper than {MAX_JSON_DEPTH} levels is refused")
        try:
            json.loads(data)
        except json.JSONDecodeError as err:
            raise GraphError(f"{path}: invalid JSON at line {err.lineno} column {err.colno}: {err.msg}") from None
    dataset = bind_prefixes(Dataset(default_union=True))
    try:
        if parser in QUAD_FORMATS:
            dataset.parse(data=data, format=parser, publicID=path.resolve().as_uri())
        else:
            dataset.default_graph.parse(data=data, format=parser, publicID=path.resolve().as_uri())
    except Exception as err:  # rdflib raises many types for syntax errors
        message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise GraphError(f"{path}: not valid {parser} ({message[:300]})") from None
    return dataset


def load_union(path: Path | str | None = None) -> Graph:
    """Parse a graph file and return all its triples as one plain Graph."""
    dataset = load_graph(path)
    graph = bind_prefixes(Graph())
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph
