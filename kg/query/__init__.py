"""SPARQL over the graph: Oxigraph executes, rdflib stays the Python API.

``run_query(source, sparql, bindings)`` runs a query on a graph file loaded into Oxigraph
(``load_store`` gives a ``KGStore``), an rdflib graph or a pyoxigraph ``Store``, with kg's prefixes
predeclared, parameters bound as RDF terms (never spliced into the query text) and a safety check
that refuses SPARQL Update, ``SERVICE`` and ``FROM`` clauses that name anything but a graph of the
loaded file. ``queries/*.rq`` is the library of named questions.

The package, by job: ``library`` (the named questions), ``terms`` (prefixes, bindings, term
conversion), ``safety`` (what a query asks beyond the graph, and the refusals), ``stores`` (graphs
in Oxigraph), ``runner`` (running a query; ``kg.query`` and ``kg.load``), ``labels`` (English labels of an answer's IRIs), ``frames`` (rows and pandas DataFrames), ``bounded`` (child
processes with time and memory limits) and ``command`` (what ``kg query`` does).
"""

from __future__ import annotations

from .bounded import LOAD_TIMEOUT, QueryProcess, QueryTimeout, run_bounded, timeout_message
from .command import CliOutput, cli_query, run_labelled
from .frames import Rows, to_df
from .labels import labels_for
from .library import QUERY_DIR, LibraryQuery, describe_library, library, parse_bind_options, parse_library_text, resolve_query
from .runner import GRAPH_FORMATS, RESULT_FORMATS, QueryResult, load, query, run_query
from .safety import QueryInfo, QueryRefused, check_query, inspect_query
from .stores import KGStore, as_store, load_store, merge_named_graphs
from .terms import PREFIXES, compact, parse_binding, to_ox, to_python

__all__ = [
    "GRAPH_FORMATS", "LOAD_TIMEOUT", "Rows", "labels_for", "run_labelled", "to_df", "PREFIXES", "QUERY_DIR", "RESULT_FORMATS", "CliOutput", "KGStore",
    "LibraryQuery", "QueryInfo", "QueryProcess", "QueryRefused", "QueryResult", "QueryTimeout", "as_store",
    "check_query", "cli_query", "compact", "describe_library", "inspect_query", "library", "load",
    "load_store", "merge_named_graphs", "parse_bind_options", "parse_binding", "parse_library_text",
    "query", "resolve_query", "run_bounded", "run_query", "timeout_message", "to_ox", "to_python",
]
