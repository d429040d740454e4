"""The SPARQL 1.1 Protocol's messages: requests, responses, jobs, limits, media types and running a job.

Everything here is plain data and functions, free of sockets and processes: the endpoint
(kg.serve.endpoint) decides, the workers (kg.serve.workers) run ``execute`` in child processes,
and the HTTP server (kg.serve.http) carries the bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..errors import KGError
from ..query import QueryRefused, run_query


#: Media type -> results format, for SELECT / ASK and for CONSTRUCT / DESCRIBE.
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}


GRAPH_TYPES = {
    "text/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "xml",
}


MEDIA_TYPES = {
    ("select", "json"): "application/sparql-results+json",
    ("select", "xml"): "application/sparql-results+xml",
    ("select", "csv"): "text/csv; charset=utf-8",
    ("select", "tsv"): "text/tab-separated-values; charset=utf-8",
    ("graph", "ttl"): "text/turtle; charset=utf-8",
    ("graph", "nt"): "application/n-triples",
    ("graph", "jsonld"): "application/ld+json",
    ("graph", "xml"): "application/rdf+xml",
}


MAX_QUERY_BYTES = 256 * 1024


@dataclass(frozen=True)
class Limits:
    """The bounds every query runs under."""

    timeout: float = 10.0
    max_results: int = 10_000
    allow_service: bool = False
    fast_seconds: float = 0.25  # a query running longer moves to the slow lane (and one using this much CPU is "slow")
    max_memory: int | None = 2 * 2**30  # bytes a query process may allocate beyond its graph
    read_timeout: float = 10.0  # seconds a client has to send its request
    max_connections: int = 256  # handler threads; further connections wait in the listen backlog


@dataclass
class Request:
    """One HTTP request: method, target (path and query string), headers, body."""

    method: str
    target: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return ""


@dataclass
class Response:
    """One HTTP response."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class Job:
    """A query to run, with the formats the client accepts for each query form."""

    sparql: str
    select_format: str = "json"
    graph_format: str = "ttl"
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


def error(status: int, message: str) -> Response:
    """A plain-text error response."""
    return Response(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


def execute(store: Any, job: Job, limits: Limits) -> Response:
    """Run a job on a store and serialise the answer in the negotiated format."""
    try:
        result = run_query(
            store,
            job.sparql,
            allow_service=limits.allow_service,
            max_results=limits.max_results,
            default_graphs=job.default_graphs,
            named_graphs=job.named_graphs,
        )
        form = "graph" if result.form == "graph" else "select"
        fmt = job.graph_format if form == "graph" else job.select_format
        body = result.serialize(fmt)
    except QueryRefused as err:
        return error(403, str(err))
    except KGError as err:
        return error(400, str(err))
    except Exception as err:  # an engine failure must not take the worker down
        return error(500, f"query failed: {type(err).__name__}: {err}")
    headers = {}
    if result.truncated:
        headers["X-KG-Truncated"] = f"true; max-results={limits.max_results}"
    return Response(200, MEDIA_TYPES[(form, fmt)], body, headers)


def negotiate(accept: str, table: Mapping[str, str], default: str) -> str:
    """The format of the best media type in an Accept header that the table knows, else the default."""
    choices = []
    for position, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media, quality = pieces[0].lower(), 1.0
        for param in pieces[1:]:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if media in table and quality > 0:
            choices.append((-quality, position, table[media]))
    return min(choices)[2] if choices else default
