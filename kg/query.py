"""SPARQL over the graph: Oxigraph executes, rdflib stays the Python API.

``run_query(source, sparql, bindings)`` runs a query on a graph file loaded into Oxigraph
(``load_store`` gives a ``KGStore``), an rdflib graph or a pyoxigraph ``Store``, with kg's prefixes
predeclared, parameters bound as RDF terms (never spliced into
the query text) and a safety check that refuses SPARQL Update, ``SERVICE`` and ``FROM`` clauses
that name anything but a graph of the loaded file. ``queries/*.rq`` is the library of named
questions; each file starts with ``# Question: ...``.

>>> compact("https://w3id.org/jk-tech/id/japan")
'jke:japan'
>>> parse_binding("japan", kind="entity")
<NamedNode value=https://w3id.org/jk-tech/id/japan>
>>> parse_binding('"2025"^^xsd:gYear')
<Literal value=2025 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#gYear>>
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import threading
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Iterable, Mapping

import pyoxigraph as ox

from .errors import GraphError, KGError, QueryError
from .namespace import ENTITY, prefixed_name
from .namespace import PREFIXES as KG_PREFIXES
from .safety import QueryInfo, inspect_query
from .formats import GRAPH_RESULT_FORMATS, oxigraph_format, oxigraph_results_format
from .formats import RESULT_FORMATS as RESULT_FORMAT_NAMES
from .resources import QUERIES_DIR
from .store import read_checked, resolve_graph_path, syntax_message, to_rdflib

#: Prefixes every query may use without declaring them: kg's own plus common vocabularies.
PREFIXES: dict[str, str] = {
    **KG_PREFIXES,
    "dc": "http://purl.org/dc/elements/1.1/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "wikibase": "http://wikiba.se/ontology#",
    "bd": "http://www.bigdata.com/rdf#",
    "p": "http://www.wikidata.org/prop/",
    "ps": "http://www.wikidata.org/prop/statement/",
    "pq": "http://www.wikidata.org/prop/qualifier/",
}
QUERY_DIR = QUERIES_DIR
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: Output format name -> pyoxigraph format, for SELECT/ASK results and for CONSTRUCT/DESCRIBE graphs.
RESULT_FORMATS = {name: oxigraph_results_format(name) for name in RESULT_FORMAT_NAMES}
GRAPH_FORMATS = {name: oxigraph_format(name) for name in GRAPH_RESULT_FORMATS}
_CANONICAL_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


class QueryRefused(QueryError):
    """A query the read-only, bounded engine will not run (update, SERVICE, FROM a URL or file)."""


class QueryTimeout(QueryError):
    """A query outlived its time limit and its process was stopped."""


# --------------------------------------------------------------------------- the library


@dataclass(frozen=True)
class LibraryQuery:
    """A named query of ``kg/queries/``: its question, text and declared parameters."""

    name: str
    question: str
    text: str
    parameters: dict[str, str] = field(default_factory=dict)  # variable -> kind ("entity", "literal", "iri")
    path: Path | None = None


def parse_library_text(name: str, text: str, path: Path | None = None) -> LibraryQuery:
    """Read the ``# Question:`` and ``# Parameter: ?var kind ...`` header of a query file."""
    question, parameters = "", {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        body = stripped.lstrip("#").strip()
        if body.lower().startswith("question:"):
            question = body.split(":", 1)[1].strip()
        elif body.lower().startswith("parameter:"):
            words = body.split(":", 1)[1].split()
            if words:
                parameters[words[0].lstrip("?$")] = words[1] if len(words) > 1 else "literal"
    return LibraryQuery(name=name, question=question, text=text, parameters=parameters, path=path)


def library() -> dict[str, LibraryQuery]:
    """All named queries of ``kg/queries/*.rq``, by name."""
    queries = {}
    for path in sorted(QUERY_DIR.glob("*.rq")):
        queries[path.stem] = parse_library_text(path.stem, path.read_text(encoding="utf-8"), path)
    return queries


def resolve_query(query: str) -> LibraryQuery:
    """A library name, a ``.rq`` file or SPARQL text -> LibraryQuery (ad-hoc text gets name '')."""
    queries = library()
    name = query.strip()
    if name in queries:
        return queries[name]
    if name.endswith((".rq", ".sparql")) or _is_file(name):
        path = Path(name)
        if not path.is_file():
            raise QueryError(f"{path}: no such query file; check the path")
        try:
            return parse_library_text(path.stem, path.read_text(encoding="utf-8"), path)
        except (OSError, UnicodeDecodeError) as err:
            raise QueryError(f"{path}: cannot read the query file ({err})") from None
    if _NAME.fullmatch(name):
        raise QueryError(f"no library query named {name!r}; 'kg query --list' shows them, or pass SPARQL text or a .rq file")
    return parse_library_text("", query)


def _is_file(name: str) -> bool:
    try:
        return "\n" not in name and Path(name).is_file()
    except (OSError, ValueError):  # names too long for the file system, NUL bytes
        return False


# --------------------------------------------------------------------------- terms


def compact(iri: str) -> str:
    """An IRI as a prefixed name when one of kg's prefixes covers it, else ``<iri>``."""
    return prefixed_name(iri, PREFIXES, local=_sparql_local) or f"<{iri}>"


def _sparql_local(local: str) -> bool:
    """Whether a prefixed name may end in this local part (kept simple: no escapes, no trailing dot)."""
    return local == "" or re.fullmatch(r"[A-Za-z0-9_]([A-Za-z0-9_./-]*[A-Za-z0-9_-])?", local) is not None


def _expand(name: str) -> str | None:
    prefix, _, local = name.partition(":")
    if prefix in PREFIXES and re.fullmatch(r"[A-Za-z0-9_.\-]*", local):
        return PREFIXES[prefix] + local
    return None


def _named_node(iri: str, where: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as err:
        raise QueryError(f"{where}: {iri!r} is not a valid IRI ({err})") from None


def parse_binding(value: str, *, kind: str | None = None, name: str = "value") -> Any:
    """Parse a ``--bind`` value: ``<iri>``, ``prefix:name``, ``"lex"@lang``, ``"lex"^^type``, else a literal.

    For entity parameters a canonical id such as ``japan`` means ``jke:japan``.
    """
    where = f"--bind {name}"
    if value.startswith("<") and value.endswith(">"):
        return _named_node(value[1:-1], where)
    typed = re.fullmatch(r'"(.*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(<[^<>]*>|[A-Za-z][\w.-]*:[\w.-]*))?', value, re.S)
    if typed:
        lexical, lang, datatype = typed.groups()
        if lang:
            return ox.Literal(lexical, language=lang)
        if datatype:
            iri = datatype[1:-1] if datatype.startswith("<") else _expand(datatype)
            if iri is None:
                raise QueryError(f"{where}: unknown prefix in datatype {datatype!r}; use <full-iri> or a known prefix")
            return ox.Literal(lexical, datatype=_named_node(iri, where))
        return ox.Literal(lexical)
    if ":" in value and not value.startswith(":"):
        iri = _expand(value)
        if iri is not None:
            return _named_node(iri, where)
    if kind == "entity" and _CANONICAL_ID.fullmatch(value):
        return ox.NamedNode(str(ENTITY) + value)
    if kind == "iri":
        raise QueryError(f"{where}: expected an IRI (<...> or prefix:name), got {value!r}")
    return ox.Literal(value)


def to_ox(term: Any, *, kind: str | None = None, name: str = "value") -> Any:
    """An rdflib term, a pyoxigraph term, a string (parsed as by ``--bind``) or a Python value -> pyoxigraph term."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple)):
        return term
    if isinstance(term, URIRef):
        return _named_node(str(term), name)
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, str) and not isinstance(term, Literal):
        return parse_binding(term, kind=kind, name=name)
    literal = term if isinstance(term, Literal) else Literal(term)
    if literal.language:
        return ox.Literal(str(literal), language=literal.language)
    if literal.datatype:
        return ox.Literal(str(literal), datatype=ox.NamedNode(str(literal.datatype)))
    return ox.Literal(str(literal))


def to_python(term: Any) -> Any:
    """A pyoxigraph term -> a plain Python value: IRIs as rdflib URIRef (a str), literals as int, Decimal, str, date..."""
    from rdflib import Literal

    value = to_rdflib(term)
    if isinstance(value, Literal):
        python = value.toPython()
        return str(value) if isinstance(python, Literal) else python
    return value


def _term_text(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _term_json(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
        return {"type": "triple", "value": {k: _term_json(v) for k, v in parts.items()}}
    raise TypeError(f"not an RDF term: {term!r}")


# --------------------------------------------------------------------------- stores


class KGStore:
    """A graph in Oxigraph, held twice so that both kinds of query are fast and right.

    ``merged`` holds the RDF merge of all graphs (each triple once) in its default graph;
    ``full`` keeps the documents' named graphs and, from its first use, the merge as its default
    graph. Queries without GRAPH or FROM run on ``merged``: Oxigraph's lookups slow down
    several-fold when a triple recurs in many named graphs (as entity descriptions do, once per
    document), and its union-default-graph mode would repeat such a triple once per graph
    instead of treating the default graph as a set.
    """

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        self._full_ready = False
        self._lock = threading.Lock()
        self.graph_names = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
        if self.graph_names:
            union = store.query("CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
            self.merged = ox.Store()
            self.merged.load(union.serialize(format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES, lenient=True)
        else:
            self.merged = store

    def __len__(self) -> int:
        """The number of distinct triples."""
        return len(self.merged)

    @property
    def full(self) -> ox.Store:
        """The store with the named graphs, its default graph made the merge on first use."""
        with self._lock:
            if not self._full_ready:
                merge_named_graphs(self._store)
                self._full_ready = True
        return self._store

    def for_query(self, sparql: str, *, dataset: bool = False) -> ox.Store:
        """The store a query needs: ``full`` if it (or the protocol request) names graphs."""
        if self.graph_names and (dataset or inspect_query(sparql, PREFIXES).uses_graphs):
            return self.full
        return self.merged


def load_store(path: Path | str | None = None) -> KGStore:
    """Parse a graph file (default out/) into Oxigraph, defensively; named graphs are kept."""
    path, text, fmt = read_checked(path)
    store = ox.Store()
    try:
        store.load(text, format=fmt, base_iri=path.resolve().as_uri())
    except (SyntaxError, ValueError, OSError) as err:
        raise GraphError(syntax_message(path, fmt, err)) from None
    return KGStore(store)


def merge_named_graphs(store: ox.Store) -> ox.Store:
    """Copy every named graph's triples into the default graph (a set, so each triple once)."""
    if next(iter(store.named_graphs()), None) is not None:
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return store


def as_store(source: Any) -> KGStore | ox.Store:
    """A store to query: a KGStore or pyoxigraph Store as given, or one loaded from an rdflib graph or a file."""
    if isinstance(source, (KGStore, ox.Store)):
        return source
    if isinstance(source, (str, Path)):
        return load_store(source)
    from rdflib import Graph
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID, ConjunctiveGraph

    if not isinstance(source, Graph):
        raise QueryError(f"cannot query a {type(source).__name__}; pass an rdflib Graph or Dataset, a pyoxigraph Store or a graph file path")
    store = ox.Store()
    quads = []
    if isinstance(source, ConjunctiveGraph):
        for s, p, o, context in source.quads((None, None, None, None)):
            name = getattr(context, "identifier", context)
            graph = ox.DefaultGraph() if name in (None, DATASET_DEFAULT_GRAPH_ID) else to_ox(name)
            quads.append(ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph))
    else:
        quads = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.DefaultGraph()) for s, p, o in source]
    store.extend(quads)
    return KGStore(store)


# --------------------------------------------------------------------------- safety


def _graph_names(store: KGStore | ox.Store | None) -> set[str]:
    if isinstance(store, KGStore):
        return store.graph_names
    return {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)} if store is not None else set()


def check_query(sparql: str, store: KGStore | ox.Store | None = None, *, allow_service: bool = False) -> QueryInfo:
    """Refuse updates, SERVICE (unless allowed) and FROM clauses naming anything but a graph of the store."""
    info = inspect_query(sparql, PREFIXES)
    if info.update_keywords:
        keywords = ", ".join(sorted(info.update_keywords))
        raise QueryRefused(f"SPARQL Update ({keywords}) is refused: the graph is read-only; send a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    if info.services and not allow_service:
        raise QueryRefused(f"SERVICE {info.services[0]} is refused: federated queries call other servers; allow them explicitly with --allow-service")
    if info.datasets:
        graphs = _graph_names(store)
        for iri in info.datasets:
            if iri not in graphs:
                raise QueryRefused(
                    f"FROM {iri} is refused: FROM and FROM NAMED may only name graphs of the loaded file "
                    "(documents' IRIs); remote and file: URLs are never fetched"
                )
    return info


# --------------------------------------------------------------------------- running


@dataclass
class QueryResult:
    """The answer to a query: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE)."""

    form: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)  # pyoxigraph terms or None
    boolean: bool | None = None
    triples: list[Any] = field(default_factory=list)
    truncated: bool = False

    def __len__(self) -> int:
        return len(self.rows) if self.form == "select" else len(self.triples) if self.form == "graph" else 1

    def to_dicts(self) -> list[dict[str, Any]]:
        """SELECT rows as dicts of plain Python values (unbound variables are left out)."""
        if self.form != "select":
            raise QueryError(f"a {self.form.upper()} query has no rows; use .boolean or .triples")
        return [{v: to_python(t) for v, t in zip(self.variables, row) if t is not None} for row in self.rows]

    def to_json(self) -> dict[str, Any]:
        """The W3C SPARQL 1.1 Query Results JSON document."""
        if self.form == "ask":
            return {"head": {}, "boolean": bool(self.boolean)}
        if self.form != "select":
            raise QueryError("CONSTRUCT and DESCRIBE give a graph; serialise it as ttl, nt, jsonld or xml")
        bindings = [{v: _term_json(t) for v, t in zip(self.variables, row) if t is not None} for row in self.rows]
        return {"head": {"vars": self.variables}, "results": {"bindings": bindings}}

    def serialize(self, fmt: str = "json") -> bytes:
        """Results as json/xml/csv/tsv (W3C formats), or a graph as ttl/nt/jsonld/xml."""
        if self.form == "graph":
            fmt = {"turtle": "ttl", "table": "ttl", "json": "jsonld"}.get(fmt, fmt)
            if fmt not in GRAPH_FORMATS:
                raise QueryError(f"unknown graph format {fmt!r}; use one of {', '.join(GRAPH_FORMATS)}")
            prefixes = _used_prefixes(self.triples) if fmt in ("ttl", "xml") else None
            return ox.serialize(self.triples, format=GRAPH_FORMATS[fmt], prefixes=prefixes)
        if fmt not in RESULT_FORMATS:
            raise QueryError(f"unknown results format {fmt!r}; use one of {', '.join(RESULT_FORMATS)}")
        data = json.dumps(self.to_json(), ensure_ascii=False).encode("utf-8")
        if fmt == "json":
            return data
        return ox.parse_query_results(data, ox.QueryResultsFormat.JSON).serialize(format=RESULT_FORMATS[fmt])

    def table(self, title: str | None = None):
        """A rich Table of the rows (IRIs as prefixed names).

        Every cell, header and title is a ``Text`` (never parsed as rich markup, so ``[/b]`` is just
        text) with control characters made visible (so no escape sequence reaches the terminal).
        """
        from rich.table import Table
        from rich.text import Text

        table = Table(title=Text(terminal_safe(title)) if title else None, show_lines=False)
        if self.form == "ask":
            table.add_column("answer")
            table.add_row("yes" if self.boolean else "no")
            return table
        for variable in self.variables:
            table.add_column(Text(variable), overflow="fold")
        for row in self.rows:
            table.add_row(*(Text(terminal_safe(_term_text(term))) for term in row))
        return table


# C0 and C1 controls but tab and newline, DEL, and the bidirectional overrides and isolates.
_UNSAFE_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    r"""Text with control characters (ESC, CR, bidi overrides...) shown as escapes, never sent raw.

    >>> terminal_safe("red \x1b[31mtext\r")
    'red \\x1b[31mtext\\x0d'
    """
    return _UNSAFE_CHARS.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def _used_prefixes(triples: list[Any]) -> dict[str, str]:
    iris = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            iris.add(term.value if isinstance(term, ox.NamedNode) else getattr(getattr(term, "datatype", None), "value", ""))
    return {p: ns for p, ns in sorted(PREFIXES.items()) if any(iri.startswith(ns) for iri in iris)}


def _substitutions(sparql: str, bindings: Mapping[str, Any] | None, kinds: Mapping[str, str]) -> dict:
    substitutions = {}
    for raw_name, value in (bindings or {}).items():
        name = raw_name.lstrip("?$")
        if not re.fullmatch(r"\w+", name):
            raise QueryError(f"--bind {raw_name}: not a variable name")
        if not re.search(rf"[?$]{re.escape(name)}\b", sparql):
            raise QueryError(f"--bind {name}: the query has no variable ?{name}")
        kind = kinds.get(name) or ("entity" if name == "entity" else None)
        substitutions[ox.Variable(name)] = to_ox(value, kind=kind, name=name)
    return substitutions


def _dataset(store: KGStore | ox.Store, default_graphs: list[str], named_graphs: list[str]) -> dict[str, Any]:
    known = _graph_names(store)
    for iri in default_graphs + named_graphs:
        if iri not in known:
            raise QueryRefused(f"graph {iri} is not a graph of the loaded file; only documents' graphs can be selected")
    dataset: dict[str, Any] = {}
    if default_graphs:
        dataset["default_graph"] = [ox.NamedNode(iri) for iri in default_graphs]
    if named_graphs:
        dataset["named_graphs"] = [ox.NamedNode(iri) for iri in named_graphs]
    return dataset


def _syntax_error(err: Exception, sparql: str) -> QueryError:
    message = str(err)
    match = re.match(r"error at (\d+):(\d+): (.*)", message, re.S)
    if match:
        line, column, what = int(match[1]), int(match[2]), match[3].strip()
        lines = sparql.splitlines()
        context = f": {lines[line - 1].strip()[:120]!r}" if 0 < line <= len(lines) else ""
        return QueryError(f"SPARQL syntax error at line {line}, column {column}: {what}{context}")
    return QueryError(f"SPARQL syntax error: {message}")


def run_query(
    graph_or_store: Any,
    sparql: str,
    bindings: Mapping[str, Any] | None = None,
    *,
    parameters: Mapping[str, str] | None = None,
    allow_service: bool = False,
    max_results: int | None = None,
    default_graphs: Iterable[str] = (),
    named_graphs: Iterable[str] = (),
) -> QueryResult:
    """Run SPARQL on a Store, an rdflib graph or a graph file; bindings become SEP-0007 substitutions.

    ``parameters`` maps variable names to kinds ("entity" lets ``japan`` mean ``jke:japan``);
    ``max_results`` truncates the answer and sets ``truncated``. ``default_graphs`` and
    ``named_graphs`` (the protocol's default-graph-uri / named-graph-uri) must be graphs of the store.
    """
    store = as_store(graph_or_store)
    check_query(sparql, store, allow_service=allow_service)
    substitutions = _substitutions(sparql, bindings, parameters or {})
    dataset = _dataset(store, list(default_graphs), list(named_graphs))
    engine = store.for_query(sparql, dataset=bool(dataset)) if isinstance(store, KGStore) else store
    try:
        answer = engine.query(sparql, prefixes=PREFIXES, substitutions=substitutions or None, **dataset)
    except SyntaxError as err:
        raise _syntax_error(err, sparql) from None
    except (RuntimeError, OSError, ValueError) as err:
        message = str(err)
        if "projection" in message:
            message += "; bound variables must appear in the SELECT clause (or use SELECT *)"
        raise QueryError(f"query failed: {message}") from None
    limit = max_results if max_results is not None else -1
    try:
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            result = QueryResult("select", variables=[v.value for v in answer.variables])
            for solution in answer:
                if len(result.rows) == limit:
                    result.truncated = True
                    break
                result.rows.append(list(solution))
            return result
        result = QueryResult("graph")
        for triple in answer:
            if len(result.triples) == limit:
                result.truncated = True
                break
            result.triples.append(triple)
        return result
    except (RuntimeError, OSError, ValueError) as err:  # evaluation errors surface while iterating
        raise QueryError(f"query failed: {err}") from None


def query(graph: Any, name_or_sparql: str, /, **bindings: Any) -> list[dict[str, Any]] | bool | Any:
    """Run a library query (by name) or SPARQL text; SELECT gives a list of dict rows with Python values.

    ASK gives a bool; CONSTRUCT and DESCRIBE give an rdflib Graph. ``bindings`` are parameters,
    e.g. ``kg.query(graph, "entity-facts", entity="japan")``.
    """
    entry = resolve_query(name_or_sparql)
    result = run_query(graph, entry.text, bindings, parameters=entry.parameters)
    if result.form == "ask":
        return bool(result.boolean)
    if result.form == "graph":
        from rdflib import Graph

        from .namespace import bind_prefixes

        out = bind_prefixes(Graph())
        for triple in result.triples:
            out.add(to_rdflib(triple))
        return out
    return result.to_dicts()


def load(path: Path | str | None = None):
    """Load a graph file (default out/) as an rdflib Dataset (named graphs kept, default graph = union)."""
    from .store import load_graph

    return load_graph(path)


def describe_library(queries: Iterable[LibraryQuery] | None = None) -> list[tuple[str, str, str]]:
    """(name, parameters, question) for each library query, for ``kg query --list``."""
    rows = []
    for entry in queries if queries is not None else library().values():
        params = " ".join(f"{name}=<{kind}>" for name, kind in entry.parameters.items())
        rows.append((entry.name, params, entry.question))
    return rows


def parse_bind_options(binds: Iterable[str]) -> dict[str, str]:
    """``NAME=VALUE`` strings of ``--bind`` -> {name: value}."""
    bindings = {}
    for bind in binds:
        name, sep, value = bind.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"--bind {bind!r}: expected NAME=VALUE, e.g. --bind entity=japan")
        bindings[name.strip().lstrip("?$")] = value
    return bindings


# --------------------------------------------------------------------------- bounded processes

#: Seconds a query process may take to load its graph (1M triples take about 7 s).
LOAD_TIMEOUT = 600.0


def timeout_message(seconds: float) -> str:
    """What a query stopped at its time limit says."""
    return f"query timed out after {seconds:g} s and was stopped; narrow it (more specific patterns, LIMIT) or allow more time with --timeout"


def _limit_memory(max_memory: int | None) -> None:
    """Cap this process's address space at its size now plus ``max_memory`` bytes (where the OS can)."""
    if not max_memory:
        return
    try:
        import resource

        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (current + max_memory, resource.RLIM_INFINITY))
    except (ImportError, OSError, ValueError):  # not Linux: the timeout alone bounds the query
        pass


def _process_main(conn: Any, path: str, max_memory: int | None, quiet: bool) -> None:
    """A query process: load the graph once, then run each task (a callable taking the store) until the pipe closes."""
    if quiet:  # errors come back through the pipe; an aborting engine's backtrace would only add noise
        import faulthandler

        faulthandler.disable()
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    try:
        store = load_store(path)
    except KGError as err:
        conn.send(("error", err))
        return
    _limit_memory(max_memory)
    for entry in library().values():  # parse the common queries now (30-120 ms each), not in their first answer's time
        inspect_query(entry.text, PREFIXES)
    conn.send(("ready", len(store)))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent has gone: exit with it
            return
        try:
            conn.send(("ok", task(store)))
        except KGError as err:
            conn.send(("error", err))
        except MemoryError:
            conn.send(("error", QueryError(f"query stopped: it needed more than {max_memory // 2**20} MiB of memory; narrow it")))


class QueryProcess:
    """A child process holding one graph in Oxigraph and running one task at a time.

    pyoxigraph cannot cancel a running query, so a task that outlives its time has its process
    killed: that frees the CPU and every byte the query held. ``max_memory`` caps what the
    process may allocate beyond the loaded graph.
    """

    def __init__(self, path: Path | str, *, context: str = "spawn", max_memory: int | None = None, quiet: bool = False) -> None:
        ctx = multiprocessing.get_context(context)
        self.max_memory = max_memory
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_process_main, args=(child, str(path), max_memory, quiet), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, seconds: float = LOAD_TIMEOUT) -> int:
        """Wait until the graph is loaded; return its number of triples."""
        if not self.conn.poll(seconds):
            self.kill()
            raise GraphError(f"loading the graph took more than {seconds:.0f} s")
        return self.receive()

    def send(self, task: Any) -> None:
        self.conn.send(task)

    def poll(self, seconds: float) -> bool:
        """Whether the answer arrives within ``seconds``."""
        return self.conn.poll(seconds)

    def receive(self) -> Any:
        """The answer to the last task; its KGError is raised here."""
        try:
            status, value = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            memory = f" (out of memory? the limit is {self.max_memory // 2**20} MiB)" if self.max_memory else ""
            raise QueryError(f"the query process died{memory}; narrow the query") from None
        if status == "error":
            raise value
        return value

    def call(self, task: Any, timeout: float) -> Any:
        """Run a task; past ``timeout`` seconds the process is killed and QueryTimeout raised."""
        self.send(task)
        if self.poll(timeout):
            return self.receive()
        self.kill()
        raise QueryTimeout(timeout_message(timeout))

    def renice(self, niceness: int) -> None:
        """Lower the process's CPU priority (it can never be raised again)."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, niceness)
        except (OSError, AttributeError):
            pass

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


def run_bounded(path: Path | str, task: Any, *, timeout: float, max_memory: int | None = None) -> Any:
    """Run one task on the graph file in a fresh child process, bounded in time and memory."""
    # fork starts in milliseconds (the child inherits the imports); spawn where there is no fork.
    context = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    worker = QueryProcess(path, context=context, max_memory=max_memory, quiet=True)
    try:
        worker.wait_ready()
        return worker.call(task, timeout)
    finally:
        worker.kill()


@dataclass
class CliOutput:
    """What ``kg query`` prints: a rich Table or bytes, and the cut, if the answer was cut."""

    output: Any
    truncated_after: int | None = None


def cli_query(
    query_text: str,
    graph: Path | str | None = None,
    *,
    fmt: str = "table",
    binds: Iterable[str] = (),
    allow_service: bool = False,
    timeout: float = 30.0,
    max_results: int = 10_000,
    max_memory: int | None = 2 * 2**30,
) -> CliOutput:
    """Run a query for ``kg query`` in a bounded child process; a Table for ``table`` (Turtle for graphs), else bytes."""
    entry = resolve_query(query_text)
    bindings = parse_bind_options(binds)
    task = partial(run_query, sparql=entry.text, bindings=bindings, parameters=entry.parameters, allow_service=allow_service, max_results=max_results)
    result = run_bounded(resolve_graph_path(graph), task, timeout=timeout, max_memory=max_memory)
    cut = len(result) if result.truncated else None
    if fmt == "table":
        if result.form == "graph":
            return CliOutput(result.serialize("ttl"), cut)
        table = result.table(title=entry.question or None)
        if result.form == "select":
            table.caption = f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}" + (" (truncated)" if cut else "")
        return CliOutput(table, cut)
    if result.form == "graph" and fmt in RESULT_FORMATS and fmt != "xml":
        raise QueryError(f"a CONSTRUCT or DESCRIBE query gives a graph; use --format ttl, nt, jsonld or xml, not {fmt}")
    if result.form != "graph" and fmt in GRAPH_FORMATS and fmt != "xml":
        raise QueryError(f"a {result.form.upper()} query gives results; use --format table, json, csv, tsv or xml, not {fmt}")
    return CliOutput(result.serialize(fmt), cut)
