"""A read-only, bounded SPARQL 1.1 Protocol endpoint, on the standard library's HTTP server.

``Endpoint.handle(request)`` answers one ``Request`` without a socket; ``serve()`` puts it behind
``ThreadingHTTPServer``. Queries run in worker processes that hold the graph in Oxigraph, forked
from a template process that loaded it once; a query that outlives ``timeout`` has its worker
killed and replaced, so the server survives expensive queries. Cheap queries stay fast while
expensive ones run: a query still running after ``Limits.fast_seconds`` moves to the slow lane
(its process gets the lowest CPU priority and a forked process takes its place), and at most
``workers`` queries may be in the slow lane at once (one more is stopped once it has used
``fast_seconds`` of CPU).

The package, by job: ``protocol`` (requests, responses, limits, media types), ``endpoint`` (the
rules and the answer cache), ``workers`` (the worker pool and its time limits), ``description``
(the Service Description and CORS), ``page`` (the query page) and ``http`` (the server).
"""

from __future__ import annotations

from .description import parse_origins, service_description
from .endpoint import Endpoint
from .http import BoundedHTTPServer, _Handler, answer_once, make_server, parse_networks, serve, server_process
from .protocol import Job, Limits, Request, Response, error, execute, negotiate
from .workers import InlineExecutor, OneShotExecutor, ProcessExecutor

__all__ = [
    "BoundedHTTPServer", "Endpoint", "InlineExecutor", "Job", "Limits", "OneShotExecutor", "ProcessExecutor",
    "Request", "Response", "_Handler", "answer_once", "error", "execute", "make_server", "negotiate",
    "parse_networks", "parse_origins", "serve", "server_process", "service_description",
]
