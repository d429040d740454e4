"""What ``kg query`` does: resolve the query, bind its parameters, run it bounded, serialise the answer.

Tables are the CLI's business (kg.report); this module gives them the ``QueryResult``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Iterable

from ..errors import QueryError
from ..store import resolve_graph_path
from .bounded import run_bounded
from .labels import labels_for, result_iris
from .library import parse_bind_options, resolve_query
from .runner import GRAPH_FORMATS, RESULT_FORMATS, QueryResult, run_query


def run_labelled(store: Any, **kwargs: Any) -> QueryResult:
    """``run_query`` on ``store``, with ``result.labels`` filled for the IRIs of its rows."""
    result = run_query(store, **kwargs)
    if result.form == "select":
        result.labels = labels_for(store, result_iris(result))
    return result


@dataclass
class CliOutput:
    """What ``kg query`` prints: bytes, or a SELECT / ASK result to show as a table; and the cut, if any."""

    output: bytes | QueryResult
    truncated_after: int | None = None
    title: str | None = None  # the library question, the table's title
    total: int | None = None  # rows before --limit cut them


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
    limit: int | None = None,
) -> CliOutput:
    """Run a query for ``kg query`` in a bounded child process.

    For ``table`` a SELECT or ASK answer comes back as its QueryResult (kg.report draws it) and a
    graph as Turtle; every other format as bytes. A table's result carries the labels of its IRIs
    (looked up in the same process). ``limit`` keeps the first rows or triples, in every format.
    """
    entry = resolve_query(query_text)
    bindings = parse_bind_options(binds)
    task = partial(run_labelled if fmt == "table" else run_query, sparql=entry.text, bindings=bindings, parameters=entry.parameters, allow_service=allow_service, max_results=max_results)
    result = run_bounded(resolve_graph_path(graph), task, timeout=timeout, max_memory=max_memory)
    cut = len(result) if result.truncated else None
    total = None
    if limit is not None and len(result) > limit and result.form != "ask":
        total = len(result)
        result.rows, result.triples = result.rows[:limit], result.triples[:limit]
    if fmt == "table":
        if result.form == "graph":
            return CliOutput(result.serialize("ttl"), cut)
        return CliOutput(result, cut, title=entry.question or None, total=total)
    if result.form == "graph" and fmt in RESULT_FORMATS and fmt != "xml":
        raise QueryError(f"a CONSTRUCT or DESCRIBE query gives a graph; use --format ttl, nt, jsonld or xml, not {fmt}")
    if result.form != "graph" and fmt in GRAPH_FORMATS and fmt != "xml":
        raise QueryError(f"a {result.form.upper()} query gives results; use --format table, json, csv, tsv or xml, not {fmt}")
    return CliOutput(result.serialize(fmt), cut)
