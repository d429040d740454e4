"""Running SPARQL: ``run_query`` on a store, an rdflib graph or a file; ``kg.query`` and ``kg.load``.

Parameters are bound as RDF terms (SEP-0007 substitutions, never spliced into the query text);
the safety check runs first. A ``QueryResult`` holds rows, a boolean or triples and serialises
them in the W3C formats.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import pyoxigraph as ox

from ..errors import QueryError
from ..formats import GRAPH_RESULT_FORMATS, oxigraph_format, oxigraph_results_format
from ..formats import RESULT_FORMATS as RESULT_FORMAT_NAMES
from ..store import to_rdflib
from .library import resolve_query
from .safety import QueryRefused, check_query, graph_names
from .stores import KGStore, as_store
from .terms import PREFIXES, term_json, to_ox, to_python


#: Output format name -> pyoxigraph format, for SELECT/ASK results and for CONSTRUCT/DESCRIBE graphs.
RESULT_FORMATS = {name: oxigraph_results_format(name) for name in RESULT_FORMAT_NAMES}


GRAPH_FORMATS = {name: oxigraph_format(name) for name in GRAPH_RESULT_FORMATS}


@dataclass
class QueryResult:
    """The answer to a query: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE)."""

    form: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)  # pyoxigraph terms or None
    boolean: bool | None = None
    triples: list[Any] = field(default_factory=list)
    truncated: bool = False
    labels: dict[str, str] = field(default_factory=dict)  # IRI -> English label, when looked up (kg.query.labels)

    def __len__(self) -> int:
        return len(self.rows) if self.form == "select" else len(self.triples) if self.form == "graph" else 1

    def to_dicts(self) -> list[dict[str, Any]]:
        """SELECT rows as dicts of plain Python values (unbound variables are left out)."""
        if self.form != "select":
            raise QueryError(f"a {self.form.upper()} query has no rows; use .boolean or .triples")
        return [{v: to_python(t) for v, t in zip(self.variables, row) if t is not None} for row in self.rows]

    def to_df(self, *, labels: bool = True) -> Any:
        """SELECT rows as a pandas DataFrame with typed columns and ``<name>_label`` beside IRI columns."""
        from .frames import result_frame

        return result_frame(self, labels=labels)

    def to_json(self) -> dict[str, Any]:
        """The W3C SPARQL 1.1 Query Results JSON document."""
        if self.form == "ask":
            return {"head": {}, "boolean": bool(self.boolean)}
        if self.form != "select":
            raise QueryError("CONSTRUCT and DESCRIBE give a graph; serialise it as ttl, nt, jsonld or xml")
        bindings = [{v: term_json(t) for v, t in zip(self.variables, row) if t is not None} for row in self.rows]
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
    known = graph_names(store)
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

    The list is a ``Rows``: ``.to_df()`` makes it a pandas DataFrame (typed columns, entity labels
    beside IRIs). ASK gives a bool; CONSTRUCT and DESCRIBE give an rdflib Graph. ``bindings`` are
    parameters, e.g. ``kg.query(graph, "entity-facts", entity="japan")``.
    """
    from .frames import Rows
    from .labels import labels_for, result_iris

    entry = resolve_query(name_or_sparql)
    store = as_store(graph)
    result = run_query(store, entry.text, bindings, parameters=entry.parameters)
    if result.form == "ask":
        return bool(result.boolean)
    if result.form == "graph":
        from rdflib import Graph

        from ..namespace import bind_prefixes

        out = bind_prefixes(Graph())
        for triple in result.triples:
            out.add(to_rdflib(triple))
        return out
    result.labels = labels_for(store, result_iris(result))
    return Rows(result)


def load(path: Path | str | None = None):
    """Load a graph file (default out/) as an rdflib Dataset (named graphs kept, default graph = union)."""
    from ..store import load_graph

    return load_graph(path)
