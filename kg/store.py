"""Load graph files defensively: Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML.

Graph files may come from elsewhere, so parsing is bounded and closed: a size limit, no DOCTYPE in
RDF/XML (entity expansion), a nesting limit for JSON-LD, no remote or file ``@context`` (nothing is
ever fetched or read but the named file), and one parser, Oxigraph's, for every command, so that an
invalid IRI is refused the same way everywhere, with its line. Errors name the file and what to do.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from .errors import GraphError
from .formats import FILE_SUFFIXES, oxigraph_format
from .formats import PARSER_NAMES as FORMATS_BY_PARSER
from .namespace import bind_prefixes
from .rdfgraph import plain_graph

#: file extension -> pyoxigraph format (every loader parses with Oxigraph, so all refuse the same input)
FORMATS = {suffix: oxigraph_format(name) for suffix, name in FILE_SUFFIXES.items()}
#: rdflib parser names accepted as ``fmt`` -> pyoxigraph format
PARSER_NAMES = {parser: oxigraph_format(name) for parser, name in FORMATS_BY_PARSER.items()}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
MAX_BYTES = 512 * 1024 * 1024
MAX_JSON_DEPTH = 64
DEFAULT_GRAPH_FILES = ("graph.trig", "graph.ttl")
# Characters RFC 3987 never allows in an IRI; JSON-LD processors drop such a node silently.
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


#: The on-disk Oxigraph store a build writes beside its graph files (``out/store``).
STORE_NAME = "store"
_STAMP = "graph.json"


class StoreWriter:
    """The build's Oxigraph database in ``directory``, filled while the graph files are written.

    It holds the named graphs of graph.trig and, in its default graph, their merge (graph.ttl),
    as kg's query store expects. Statements arrive as N-Quads or N-Triples lines (``tap``) and are
    bulk-loaded in chunks of ``CHUNK``, so memory stays bounded however large the build (one bulk
    load of a million quads takes several hundred MB). ``close`` stamps the database with the
    size and modification time of the TriG file, which becomes the output ``graph_name`` by a
    rename (same size and time): a store whose graph file changed since is ignored.
    """

    CHUNK = 100_000

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._store: ox.Store | None = ox.Store(str(self.directory / "oxigraph"))
        self._pending: dict[ox.RdfFormat, list[bytes]] = {}

    def tap(self, fmt: ox.RdfFormat):
        """A function taking one statement (a line in ``fmt``, N-Quads or N-Triples) at a time."""
        lines = self._pending.setdefault(fmt, [])

        def add(line: bytes) -> None:
            lines.append(line)
            if len(lines) >= self.CHUNK:
                self._load(fmt)

        return add

    def _load(self, fmt: ox.RdfFormat) -> None:
        lines = self._pending[fmt]
        if lines and self._store is not None:
            self._store.bulk_load(b"".join(lines), format=fmt)
        lines.clear()

    def close(self, trig: Path, graph_name: str = "graph.trig") -> None:
        from .files import write_atomic

        for fmt in list(self._pending):
            self._load(fmt)
        if self._store is not None:
            self._store.flush()
            self._store = None
        stat = Path(trig).stat()
        stamp = {"graph": graph_name, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        write_atomic(self.directory / _STAMP, json.dumps(stamp, sort_keys=True).encode())


def open_union(directory: Path) -> Graph:
    """The default graph (the union) of the build's Oxigraph database in ``directory``, read-only, as an rdflib Graph.

    rdflib reads it through oxrdflib's store, so a large build is never held in memory.
    """
    from oxrdflib import OxigraphStore
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    store = ox.Store.read_only(str(Path(directory) / "oxigraph"))
    return bind_prefixes(Graph(store=OxigraphStore(store=store), identifier=DATASET_DEFAULT_GRAPH_ID))


def persistent_store(graph_file: Path | str) -> Path | None:
    """The Oxigraph database a build wrote for ``graph_file``, if it is there and the file unchanged since."""
    graph_file = Path(graph_file)
    directory = graph_file.parent / STORE_NAME
    try:
        stamp = json.loads((directory / _STAMP).read_text(encoding="utf-8"))
        stat = graph_file.stat()
    except (OSError, ValueError):
        return None
    if stamp.get("graph") != graph_file.name or stamp.get("size") != stat.st_size or stamp.get("mtime_ns") != stat.st_mtime_ns:
        return None
    return directory / "oxigraph"


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


def _line_of(text: str, value: str) -> int | None:
    for needle in (json.dumps(value, ensure_ascii=False), json.dumps(value)):
        at = text.find(needle)
        if at >= 0:
            return text.count("\n", 0, at) + 1
    return None


def check_jsonld(text: str, path: Path) -> None:
    """Refuse JSON-LD that would make a parser fetch or read anything, or drop a node silently.

    Contexts must be inline: a string ``@context`` (a URL, a relative or ``file:`` reference) and
    ``@import`` are refused, since loading them reads the network or the disk. ``@id`` and
    ``@type`` values and property names that are not valid IRIs are refused with their line.
    """
    if _json_depth(text) > MAX_JSON_DEPTH:
        raise GraphError(f"{path}: JSON nested deeper than {MAX_JSON_DEPTH} levels is refused")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise GraphError(f"{path}: invalid JSON at line {err.lineno} column {err.colno}: {err.msg}") from None

    def where(value: str) -> str:
        line = _line_of(text, value)
        return f"{path}:{line}" if line else str(path)

    def check_context(context: object) -> None:
        for item in context if isinstance(context, list) else [context]:
            if isinstance(item, str):
                raise GraphError(
                    f"{where(item)}: remote or file @context {item!r} is refused: kg never fetches or reads "
                    "contexts; put the context inline in the file"
                )
            if isinstance(item, dict) and "@import" in item:
                raise GraphError(f"{where(str(item['@import']))}: @import in a @context is refused; put the context inline")

    def check_iri(value: object, what: str) -> None:
        if isinstance(value, str) and not value.startswith("_:") and _BAD_IRI.search(value):
            raise GraphError(f"{where(value)}: invalid IRI {value[:80]!r} as {what} (spaces and <>\"{{}}|^`\\ are not allowed); fix or percent-encode it")

    def walk(node: object, in_context: bool = False) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, in_context)
        elif isinstance(node, dict):
            if "@context" in node:
                check_context(node["@context"])
            for key, value in node.items():
                if key == "@context":
                    continue  # term definitions are not data; their IRIs are checked where they are used
                if not in_context and not key.startswith("@") and (":" in key or "/" in key):
                    check_iri(key, "a property")
                if key == "@id" and not in_context:
                    check_iri(value, "@id")
                elif key == "@type" and not in_context:
                    for item in value if isinstance(value, list) else [value]:
                        check_iri(item, "@type")
                walk(value, in_context)

    walk(data)


def read_checked(path: Path | str | None = None, fmt: str | None = None) -> tuple[Path, str, ox.RdfFormat]:
    """Resolve a graph file, check it before any parser sees it, and return (path, text, format)."""
    path = resolve_graph_path(path)
    oxfmt = PARSER_NAMES.get(fmt) if fmt else FORMATS.get(path.suffix.lower())
    if oxfmt is None:
        raise GraphError(f"{path}: unknown graph format {fmt or path.suffix!r}; use one of {', '.join(sorted(FORMATS))}")
    if path.stat().st_size > MAX_BYTES:
        raise GraphError(f"{path}: larger than {MAX_BYTES // 2**20} MiB; load it into an Oxigraph server directly")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise GraphError(f"{path}: not valid UTF-8 at byte {err.start}; RDF files must be UTF-8") from None
    if oxfmt == ox.RdfFormat.RDF_XML and re.search(r"<!DOCTYPE|<!ENTITY", text, re.IGNORECASE):
        raise GraphError(f"{path}: RDF/XML with a DOCTYPE or ENTITY declaration is refused (entity expansion)")
    if oxfmt == ox.RdfFormat.JSON_LD:
        check_jsonld(text, path)
    return path, text, oxfmt


def load_oxigraph(path: Path | str | None = None) -> tuple[Path, ox.Store]:
    """Check and parse a graph file (default out/) into a new Oxigraph store, named graphs kept."""
    path, text, fmt = read_checked(path)
    store = ox.Store()
    try:
        store.load(text, format=fmt, base_iri=path.resolve().as_uri())
    except (SyntaxError, ValueError, OSError) as err:
        raise GraphError(syntax_message(path, fmt, err)) from None
    return path, store


def syntax_message(path: Path, oxfmt: ox.RdfFormat, err: Exception) -> str:
    """One line naming the file, the format and where the parser stopped."""
    message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    message = re.sub(r"\s*\((?:[^()]*, )?line \d+\)$", "", message)  # Python's own "(file, line N)" suffix
    return f"{path}: not valid {oxfmt.name} ({message[:300]})"


def to_rdflib(term: Any) -> Any:
    """A pyoxigraph term -> the rdflib term (None stays None; a triple term becomes a tuple).

    An ``xsd:string`` literal becomes a plain rdflib literal, as rdflib's own parsers make it.
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:  # rdflib keeps plain literals apart from xsd:string ones
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    if isinstance(term, ox.Triple):
        return (to_rdflib(term.subject), to_rdflib(term.predicate), to_rdflib(term.object))
    raise TypeError(f"not an RDF term: {term!r}")


def parse_quads(path: Path | str | None = None, *, fmt: str | None = None) -> list[ox.Quad]:
    """Check and parse a graph file into pyoxigraph quads (triples files land in the default graph)."""
    path, text, oxfmt = read_checked(path, fmt)
    try:
        quads = list(ox.parse(text, format=oxfmt, base_iri=path.resolve().as_uri()))
    except (SyntaxError, ValueError) as err:
        raise GraphError(syntax_message(path, oxfmt, err)) from None
    if any(isinstance(q.subject, ox.Triple) or isinstance(q.object, ox.Triple) for q in quads):
        raise GraphError(f"{path}: RDF 1.2 triple terms are not supported; kg reads RDF 1.1 graphs")
    return quads


def load_graph(path: Path | str | None = None, *, fmt: str | None = None) -> Dataset:
    """Parse a graph file into a Dataset (triples files land in the default graph).

    Oxigraph parses (it fetches nothing and refuses invalid IRIs with their line); the quads are
    then handed to rdflib, with the file's prefixes and kg's bound.
    """
    path, text, oxfmt = read_checked(path, fmt)
    dataset = bind_prefixes(Dataset(default_union=True))
    try:
        parser = ox.parse(text, format=oxfmt, base_iri=path.resolve().as_uri())
        quads = list(parser)
        prefixes = dict(getattr(parser, "prefixes", {}) or {})
    except (SyntaxError, ValueError) as err:
        raise GraphError(syntax_message(path, oxfmt, err)) from None
    graphs: dict[object, Graph] = {}
    batch = []
    for quad in quads:
        if isinstance(quad.subject, ox.Triple) or isinstance(quad.object, ox.Triple):
            raise GraphError(f"{path}: RDF 1.2 triple terms are not supported; kg reads RDF 1.1 graphs")
        name = quad.graph_name
        key = None if isinstance(name, ox.DefaultGraph) else to_rdflib(name)
        graph = graphs.get(key)
        if graph is None:
            graph = graphs[key] = dataset.default_graph if key is None else dataset.graph(key)
        batch.append((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object), graph))
    dataset.addN(batch)
    known = {str(ns) for _, ns in dataset.namespaces()}
    for prefix, iri in sorted(prefixes.items()):
        if iri not in known and prefix:
            dataset.bind(prefix, iri, override=False)
    return dataset


def load_union(path: Path | str | None = None, *, from_store: bool = False) -> Graph:
    """All triples of a graph file as one plain Graph, parsed; with ``from_store``, the build's database beside it.

    The database (``out/store``, if it still matches the file) is read in place, never loaded
    into memory, so the page and the statistics of a large build cost no parse. It is not the
    file term for term (Oxigraph keeps ``xsd:nonNegativeInteger`` values as ``xsd:integer``), so
    only readers that do not show datatypes (the page, the statistics) ask for it.
    """
    resolved = resolve_graph_path(path)
    database = persistent_store(resolved) if from_store else None
    if database is not None:
        try:
            return open_union(database.parent)
        except OSError:  # damaged or locked: the file says the same
            pass
    return plain_graph(load_graph(resolved))
