"""The endpoint: one request in, one response out, with the protocol's rules, the safety rules and a cache.

``Endpoint.handle(request)`` answers one ``Request`` without a socket. SPARQL Update and LOAD are
refused; SERVICE only with ``allow_service``; FROM / FROM NAMED / default-graph-uri may only name
graphs of the loaded file; answers are cut at ``max_results`` rows and the cut is signalled in the
``X-KG-Truncated`` header.
"""

from __future__ import annotations

import json
import threading
from typing import Any, Mapping
from urllib.parse import parse_qs, urlsplit

from .description import cors_headers, description_response, parse_origins
from .page import query_page, static_file
from .protocol import GRAPH_TYPES, MAX_QUERY_BYTES, RESULT_TYPES, Job, Limits, Request, Response, error, negotiate
from .workers import Executor


class Endpoint:
    """The SPARQL protocol, the query page and the safety rules, one request at a time.

    ``cors`` lists the origins whose browser pages may read the answers (CORS); without it no
    CORS header is ever sent. ``base_url`` names the endpoint in its service description when the
    request carries no usable Host header.
    """

    ANSWER_CACHE_BYTES = 64 * 2**20

    def __init__(self, executor: Executor, limits: Limits, *, title: str = "kg graph", cors: tuple[str, ...] = (), base_url: str = "http://localhost:7878") -> None:
        self.executor, self.limits, self.title = executor, limits, title
        self.cors, self.base_url = parse_origins(cors), base_url
        self._dataset: tuple[int, list[str]] | None = None
        self._cache: dict[Job, Response] = {}  # insertion-ordered: least recently used first
        self._cached_bytes = 0
        self._cache_lock = threading.Lock()
        self._running: dict[Job, threading.Event] = {}  # jobs being run now, to wait for instead of repeating

    def handle(self, request: Request) -> Response:
        """Answer one request, with CORS headers for an allowed origin."""
        response = self._handle(request)
        response.headers.update(self.cors_headers(request))
        return response

    def cors_headers(self, request: Request) -> dict[str, str]:
        """CORS headers for the request's Origin: none unless --cors allowed it."""
        return cors_headers(self.cors, request)

    def _handle(self, request: Request) -> Response:
        url = urlsplit(request.target)
        if url.path.startswith("/static/") and request.method.upper() in ("GET", "HEAD"):
            return static_file(url.path) or error(404, f"{url.path}: not found")
        if url.path not in ("/", "/sparql", "/query"):
            return error(404, f"{url.path}: not found; the SPARQL endpoint is /sparql")
        params = parse_qs(url.query, keep_blank_values=True)
        method = request.method.upper()
        if method == "OPTIONS":  # a CORS preflight (or a client asking what is allowed)
            return Response(204, "", b"", {"Allow": "GET, POST, OPTIONS"})
        if method == "POST":
            if len(request.body) > MAX_QUERY_BYTES:
                return error(413, f"request body larger than {MAX_QUERY_BYTES} bytes")
            ctype = request.header("Content-Type").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                return error(403, "SPARQL Update is refused: this endpoint is read-only")
            if ctype == "application/sparql-query":
                params["query"] = [request.body.decode("utf-8", errors="replace")]
            elif ctype == "application/x-www-form-urlencoded":
                for key, values in parse_qs(request.body.decode("utf-8", errors="replace"), keep_blank_values=True).items():
                    params.setdefault(key, []).extend(values)
            else:
                return error(415, "POST a query as application/sparql-query or application/x-www-form-urlencoded")
        elif method not in ("GET", "HEAD"):
            return Response(405, "text/plain; charset=utf-8", b"only GET and POST are supported\n", {"Allow": "GET, POST, OPTIONS"})
        if "update" in params:
            return error(403, "SPARQL Update is refused: this endpoint is read-only")
        if "query" not in params:
            if url.path == "/":
                return self.page()
            if method == "POST":
                return error(400, "missing 'query' parameter")
            return self.service_description(request, url.path)
        if len(params["query"]) != 1:
            return error(400, "exactly one 'query' parameter is allowed")
        return self.answer(self.job(params, request.header("Accept")))

    def answer(self, job: Job) -> Response:
        """Run a job, or give the answer of the same job run before (the graph is read-only).

        Requests for a job that is running already wait for its answer (once) rather than running it again.
        Only complete answers (status 200, not truncated) of at most ``ANSWER_CACHE_BYTES`` / 64
        bytes are kept, the least recently used going first once ``ANSWER_CACHE_BYTES`` are held.
        """
        mine: threading.Event | None = None
        for _ in range(2):  # the same job already running: wait for its answer instead of running it again
            with self._cache_lock:
                cached = self._cache.pop(job, None)
                if cached is not None:
                    self._cache[job] = cached  # now the most recent
                    return Response(cached.status, cached.content_type, cached.body, dict(cached.headers))
                running = self._running.get(job)
                if running is None:
                    mine = self._running[job] = threading.Event()
                    break
            running.wait(self.limits.timeout)
        try:
            response = self.executor.run(job)
            size = len(response.body)
            with self._cache_lock:
                if response.status == 200 and "X-KG-Truncated" not in response.headers and size <= self.ANSWER_CACHE_BYTES // 64:
                    self._cache[job] = response
                    self._cached_bytes += size
                    while self._cached_bytes > self.ANSWER_CACHE_BYTES:
                        oldest = next(iter(self._cache))
                        self._cached_bytes -= len(self._cache.pop(oldest).body)
        finally:
            if mine is not None:
                with self._cache_lock:
                    del self._running[job]
                mine.set()
        return Response(response.status, response.content_type, response.body, dict(response.headers))

    def job(self, params: Mapping[str, list[str]], accept: str) -> Job:
        """The job for a request: query text, dataset and negotiated formats (?format= wins over Accept)."""
        select_format = negotiate(accept, RESULT_TYPES, "json")
        graph_format = negotiate(accept, GRAPH_TYPES, "ttl")
        fmt = (params.get("format") or [""])[0].lower()
        if fmt in RESULT_TYPES.values():
            select_format = fmt
        if fmt in GRAPH_TYPES.values():
            graph_format = fmt
        return Job(
            sparql=params["query"][0],
            select_format=select_format,
            graph_format=graph_format,
            default_graphs=tuple(params.get("default-graph-uri", [])),
            named_graphs=tuple(params.get("named-graph-uri", [])),
        )

    def service_description(self, request: Request, path: str) -> Response:
        """The SPARQL 1.1 Service Description of this endpoint: Turtle, or JSON-LD (and others) on request."""
        return description_response(request, path, self.base_url, self.limits, self.dataset_summary())

    def dataset_summary(self) -> tuple[int | None, list[str]]:
        """(triples in the default graph, names of the named graphs), asked of the engine once."""
        if self._dataset is None:
            count = self._rows("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            names = self._rows("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
            if not count:
                return None, []
            # Named graphs are listed only when the answer was complete (not cut at max-results).
            self._dataset = (int(count[0]["n"]["value"]), [row["g"]["value"] for row in names or []])
        return self._dataset

    def _rows(self, sparql: str) -> list[dict[str, Any]] | None:
        """The JSON bindings of a query, or None if it failed or was cut (a description must not be partial)."""
        response = self.executor.run(Job(sparql))
        if response.status != 200 or "X-KG-Truncated" in response.headers:
            return None
        return json.loads(response.body)["results"]["bindings"]

    def page(self) -> Response:
        """The query page: a form and an inline script, no external resources."""
        return query_page(self.title, self.limits)
