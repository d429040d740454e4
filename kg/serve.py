"""A read-only, bounded SPARQL 1.1 Protocol endpoint, on the standard library's HTTP server.

``Endpoint.handle(request)`` answers one ``Request`` without a socket; ``serve()`` puts it behind
``ThreadingHTTPServer``. Queries run in worker processes that hold the graph in Oxigraph; a
query that outlives ``timeout`` has its worker killed (pyoxigraph cannot cancel a running query)
and replaced, so the server survives expensive queries. Cheap queries stay fast while expensive
ones run: a query still running after ``Limits.fast_seconds`` moves to the slow lane (its process
gets the lowest CPU priority and a fresh process takes its place), and at most ``workers`` queries
may be in the slow lane at once; one more is stopped with 503. Connections are bounded too: a deep
listen backlog, at most ``max_connections`` handler threads, and each client must send its whole
request within ``read_timeout`` seconds. SPARQL Update and LOAD are refused;
SERVICE only with ``allow_service``; FROM / FROM NAMED / default-graph-uri may only name graphs
of the loaded file; answers are cut at ``max_results`` rows and the cut is signalled in the
``X-KG-Truncated`` header.
"""

from __future__ import annotations

import base64
import hashlib
import html
import ipaddress
import json
import multiprocessing
import queue
import re
import signal
import socket
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Protocol
from urllib.parse import parse_qs, urlsplit

from .errors import GraphError, KGError, QueryError
from .query import GRAPH_FORMATS, LOAD_TIMEOUT, QueryProcess, QueryRefused, QueryTimeout, library, run_bounded, run_query, timeout_message
from .store import resolve_graph_path

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
LOOPBACK = ("127.0.0.1", "::1", "localhost")
#: What a CORS preflight may ask for, and how long a browser may cache the answer.
CORS_METHODS = "GET, POST, OPTIONS"
CORS_HEADERS = "Content-Type, Accept"
CORS_MAX_AGE = "600"
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.\-]+(:\d{1,5})?|https?://\[[0-9A-Fa-f:.]+\](:\d{1,5})?")
_HOST = re.compile(r"[A-Za-z0-9.\-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?")
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
#: sd:resultFormat values: the W3C format IRIs of the media types the endpoint answers with.
SD_RESULT_FORMATS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "JSON-LD", "RDF_XML",
)
SD_TYPES = {"text/turtle": "ttl", "application/x-turtle": "ttl", "application/ld+json": "jsonld", "application/n-triples": "nt", "application/rdf+xml": "xml"}


@dataclass(frozen=True)
class Limits:
    """The bounds every query runs under."""

    timeout: float = 10.0
    max_results: int = 10_000
    allow_service: bool = False
    fast_seconds: float = 0.25  # a query running longer moves to the slow lane
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


class Executor(Protocol):
    def run(self, job: Job) -> Response: ...

    def close(self) -> None: ...


class InlineExecutor:
    """Runs queries in the calling thread (tests); no timeout."""

    def __init__(self, store: Any, limits: Limits) -> None:
        self.store, self.limits = store, limits

    def run(self, job: Job) -> Response:
        return execute(self.store, job, self.limits)

    def close(self) -> None:
        pass


class OneShotExecutor:
    """Runs each query in a fresh process, bounded by the limits (``kg serve --get``)."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path, self.limits = path, limits

    def run(self, job: Job) -> Response:
        task = partial(execute, job=job, limits=self.limits)
        try:
            return run_bounded(self.path, task, timeout=self.limits.timeout, max_memory=self.limits.max_memory)
        except QueryTimeout as err:
            return error(503, str(err))

    def close(self) -> None:
        pass


def _process_context() -> str:
    """forkserver on POSIX: fresh workers fork from a clean process that has kg imported (fast, thread-safe)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return "spawn"
    multiprocessing.get_context("forkserver").set_forkserver_preload(["kg.query", "kg.serve", "rdflib.plugins.sparql.parser"])
    return "forkserver"


class ProcessExecutor:
    """Worker processes in two lanes, so that cheap queries stay fast while expensive ones run.

    Every query starts on an idle process of the fast lane (``workers`` processes). One still
    running after ``limits.fast_seconds`` moves to the slow lane: its process is reniced to the
    lowest CPU priority and a fresh process takes its place in the fast lane. The slow lane holds
    at most ``workers`` queries; a query that would exceed that is stopped (503). A query past
    ``limits.timeout`` is stopped (503); a slow-lane process is discarded after its query, since
    its priority cannot be raised again. A query that went to the slow lane once is remembered
    (the last ``KNOWN_SLOW`` of them): sent again, it starts in a fresh low-priority process of its
    own and never holds a fast-lane process at all.
    """

    KNOWN_SLOW = 256

    def __init__(self, path: Path, limits: Limits, *, workers: int = 2, load_timeout: float = LOAD_TIMEOUT) -> None:
        self.path, self.limits, self.load_timeout = path, limits, load_timeout
        self._context = _process_context()
        self._idle: queue.Queue[QueryProcess] = queue.Queue()
        self._all: set[QueryProcess] = set()
        self._lock = threading.Lock()
        self._slow = threading.BoundedSemaphore(max(1, workers))
        self.slow_slots = max(1, workers)
        self._known_slow: dict[Job, None] = {}  # insertion-ordered: the oldest is forgotten first
        self.triples = 0
        self._spares: queue.Queue[QueryProcess] = queue.Queue()
        started = [self._start() for _ in range(max(1, workers) + 1)]
        for worker in started:
            self.triples = worker.wait_ready(load_timeout)
        for worker in started[:-1]:
            self._idle.put(worker)
        self._spares.put(started[-1])  # loaded and waiting: a slow query's place is taken at once

    def _start(self) -> QueryProcess:
        worker = QueryProcess(self.path, context=self._context, max_memory=self.limits.max_memory)
        with self._lock:
            self._all.add(worker)
        return worker

    def _discard(self, worker: QueryProcess) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)

    def _replace(self) -> None:
        """Give the fast lane a loaded spare at once (if one is ready) and load a new process in the background."""
        try:
            self._idle.put(self._spares.get_nowait())
            target = self._spares
        except queue.Empty:
            target = self._idle

        def start() -> None:
            fresh = self._start()
            try:
                fresh.wait_ready(self.load_timeout)
            except KGError as err:
                self._discard(fresh)
                print(f"kg serve: cannot start a query worker: {err}", file=sys.stderr)
                return
            target.put(fresh)

        threading.Thread(target=start, daemon=True).start()

    def run(self, job: Job) -> Response:
        timeout = self.limits.timeout
        started = time.monotonic()
        if job in self._known_slow:
            return self._slow_from_start(job, started)
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return error(503, f"all query workers stayed busy for {timeout:g} s; try again later")
        try:
            worker.send(partial(execute, job=job, limits=self.limits))
            if worker.poll(max(0.0, min(self.limits.fast_seconds, timeout - (time.monotonic() - started)))):
                response = worker.receive()
                self._idle.put(worker)
                return response
            self._remember_slow(job)
            return self._slow_lane(worker, started)
        except (KGError, EOFError, OSError):
            self._discard(worker)
            self._replace()
            return error(500, "the query worker crashed; it has been restarted")

    def _remember_slow(self, job: Job) -> None:
        with self._lock:
            self._known_slow[job] = None
            while len(self._known_slow) > self.KNOWN_SLOW:
                del self._known_slow[next(iter(self._known_slow))]

    def _slow_from_start(self, job: Job, started: float) -> Response:
        """A query known to be slow: its own fresh process at the lowest priority, from the start."""
        if not self._slow.acquire(blocking=False):
            return error(503, f"{self.slow_slots} long queries are running already; try again later or narrow it")
        worker = self._start()
        try:
            worker.renice(19)
            worker.wait_ready(self.load_timeout)
            worker.send(partial(execute, job=job, limits=self.limits))
            if worker.poll(max(0.0, self.limits.timeout - (time.monotonic() - started))):
                return worker.receive()
            return error(503, timeout_message(self.limits.timeout))
        except (KGError, EOFError, OSError):
            return error(500, "the query worker crashed; try again later")
        finally:
            self._discard(worker)
            self._slow.release()

    def _slow_lane(self, worker: QueryProcess, started: float) -> Response:
        """Finish a long query at low CPU priority, its fast-lane place taken by a fresh process."""
        self._replace()
        if not self._slow.acquire(blocking=False):
            self._discard(worker)
            return error(503, f"{self.slow_slots} long queries are running already; this one was stopped; try again later or narrow it")
        try:
            worker.renice(19)
            if worker.poll(max(0.0, self.limits.timeout - (time.monotonic() - started))):
                return worker.receive()
            return error(503, timeout_message(self.limits.timeout))
        finally:
            self._discard(worker)
            self._slow.release()

    def close(self) -> None:
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()


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


def parse_origins(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """``--cors`` values: origins such as https://yasgui.org (scheme, host, optional port), or ``*``."""
    origins = []
    for value in values:
        origin = value.strip().rstrip("/")
        if origin != "*" and not _ORIGIN.fullmatch(origin):
            raise QueryError(f"--cors {value!r}: not an origin; give scheme, host and optional port, such as https://yasgui.org or http://localhost:3000")
        origins.append(origin.lower())
    return tuple(origins)


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
        if not self.cors:
            return {}
        origin = request.header("Origin").strip()
        headers = {"Vary": "Origin"}
        if not origin or ("*" not in self.cors and origin.lower() not in self.cors):
            return headers
        headers["Access-Control-Allow-Origin"] = "*" if "*" in self.cors else origin
        headers["Access-Control-Expose-Headers"] = "X-KG-Truncated"
        if request.method.upper() == "OPTIONS":
            headers.update({
                "Access-Control-Allow-Methods": CORS_METHODS,
                "Access-Control-Allow-Headers": CORS_HEADERS,
                "Access-Control-Max-Age": CORS_MAX_AGE,
            })
        return headers

    def _handle(self, request: Request) -> Response:
        url = urlsplit(request.target)
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
        import pyoxigraph as ox

        fmt = negotiate(request.header("Accept"), SD_TYPES, "ttl")
        host = request.header("Host").strip()
        base = f"http://{host}" if _HOST.fullmatch(host) else self.base_url
        triples = service_description(base + path, self.limits, self.dataset_summary())
        prefixes = {"sd": SD, "format": FORMATS_NS, "void": VOID} if fmt in ("ttl", "xml") else None
        body = ox.serialize(triples, format=GRAPH_FORMATS[fmt], prefixes=prefixes)
        return Response(200, MEDIA_TYPES[("graph", fmt)], body)

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
        examples = {name: entry.text for name, entry in library().items() if name != "wikidata-federated"}
        # JSON inside <script>: escape <, > and & so no string can close the element.
        data = json.dumps(examples).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        options = "".join(f'<option value="{html.escape(n)}">{html.escape(n)}</option>' for n in examples)
        body = PAGE.format(
            title=html.escape(self.title),
            options=options,
            data=data,
            script=PAGE_SCRIPT,
            timeout=html.escape(f"{self.limits.timeout:g}"),
            max_results=self.limits.max_results,
        )
        csp = f"default-src 'none'; script-src '{SCRIPT_HASH}'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'"
        return Response(200, "text/html; charset=utf-8", body.encode("utf-8"), {"Content-Security-Policy": csp})


def service_description(endpoint: str, limits: Limits, dataset: tuple[int | None, list[str]]) -> list[Any]:
    """The triples of a SPARQL 1.1 Service Description (https://www.w3.org/TR/sparql11-service-description/)."""
    import pyoxigraph as ox

    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    sd = lambda name: ox.NamedNode(SD + name)  # noqa: E731
    service, default_dataset, default_graph = ox.BlankNode("service"), ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    features = ["UnionDefaultGraph", *(["BasicFederatedQuery"] if limits.allow_service else [])]
    triples = [
        ox.Triple(service, rdf_type, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        *(ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS_NS + name)) for name in SD_RESULT_FORMATS),
        *(ox.Triple(service, sd("feature"), sd(name)) for name in features),
        ox.Triple(service, sd("defaultDataset"), default_dataset),
        ox.Triple(default_dataset, rdf_type, sd("Dataset")),
        ox.Triple(default_dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, rdf_type, sd("Graph")),
    ]
    triples_count, names = dataset
    if triples_count is not None:
        triples.append(ox.Triple(default_graph, ox.NamedNode(VOID + "triples"), ox.Literal(str(triples_count), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))))
    for i, name in enumerate(names):
        named = ox.BlankNode(f"graph{i}")
        triples += [
            ox.Triple(default_dataset, sd("namedGraph"), named),
            ox.Triple(named, rdf_type, sd("NamedGraph")),
            ox.Triple(named, sd("name"), ox.NamedNode(name)),
        ]
    return triples


PAGE_SCRIPT = """
const examples = JSON.parse(document.getElementById("examples").textContent);
const box = document.getElementById("query");
const pick = document.getElementById("example");
const out = document.getElementById("out");
const status = document.getElementById("status");
pick.addEventListener("change", () => { if (examples[pick.value]) box.value = examples[pick.value]; });
function cell(term) {
  if (!term) return "";
  if (term.type === "uri") return "<" + term.value + ">";
  if (term["xml:lang"]) return term.value + " @" + term["xml:lang"];
  return term.value;
}
document.getElementById("run").addEventListener("click", async () => {
  out.replaceChildren();
  status.textContent = "running...";
  const t0 = performance.now();
  const response = await fetch("sparql", {
    method: "POST",
    headers: {"Content-Type": "application/x-www-form-urlencoded",
              "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
    body: new URLSearchParams({query: box.value}),
  });
  const seconds = ((performance.now() - t0) / 1000).toFixed(2);
  const type = response.headers.get("Content-Type") || "";
  const cut = response.headers.get("X-KG-Truncated") ? " (truncated)" : "";
  if (!response.ok || !type.startsWith("application/sparql-results+json")) {
    const pre = document.createElement("pre");
    pre.textContent = await response.text();
    out.append(pre);
    status.textContent = response.status + " " + response.statusText + " in " + seconds + " s";
    return;
  }
  const data = await response.json();
  if ("boolean" in data) { status.textContent = "answer: " + data.boolean; return; }
  const table = document.createElement("table");
  const head = table.insertRow();
  for (const v of data.head.vars) { const th = document.createElement("th"); th.textContent = v; head.append(th); }
  for (const row of data.results.bindings) {
    const tr = table.insertRow();
    for (const v of data.head.vars) tr.insertCell().textContent = cell(row[v]);
  }
  out.append(table);
  status.textContent = data.results.bindings.length + " rows" + cut + " in " + seconds + " s";
});
"""
SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(PAGE_SCRIPT.encode("utf-8")).digest()).decode("ascii")
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SPARQL: {title}</title>
<style>
body {{ font: 14px system-ui, sans-serif; margin: 1.5em; }}
textarea {{ width: 100%; height: 16em; font: 13px monospace; }}
table {{ border-collapse: collapse; margin-top: 1em; }}
td, th {{ border: 1px solid #ccc; padding: 2px 6px; vertical-align: top; text-align: left; }}
pre {{ background: #f6f6f6; padding: 1em; white-space: pre-wrap; }}
</style></head>
<body>
<h1>SPARQL: {title}</h1>
<p>Read-only endpoint at <code>/sparql</code> (SPARQL 1.1 Protocol, GET or POST). Queries stop after
{timeout} s and answers after {max_results} rows; SERVICE and updates are refused.
kg's prefixes (jkt:, jke:, jkf:, jkm:, rdfs:, skos:, schema:, wd: ...) are predeclared.</p>
<form id="form" action="sparql" method="post">
<label>Library query: <select id="example"><option value="">choose...</option>{options}</select></label>
<textarea id="query" name="query">SELECT ?entity ?label WHERE {{ ?entity a jkt:Country ; rdfs:label ?label }} LIMIT 20</textarea>
<button type="button" id="run">Run</button> <span id="status"></span>
</form>
<div id="out"></div>
<script type="application/json" id="examples">{data}</script>
<script>{script}</script>
</body></html>
"""


class _Handler(BaseHTTPRequestHandler):
    endpoint: Endpoint
    networks: list = []
    server_version = "kg-sparql"
    timeout = Limits.read_timeout  # each socket operation; BoundedHTTPServer bounds the whole request

    def setup(self) -> None:
        super().setup()
        if isinstance(self.server, BoundedHTTPServer):
            self.server.watch(self.connection)

    def _answer(self) -> None:
        if not self._client_allowed():
            self._send(error(403, "remote clients are not allowed; start the server with --allow-remote-from"))
            return
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit():
            self._send(error(400, "bad Content-Length"))
            return
        if int(length) > MAX_QUERY_BYTES:
            self._send(error(413, f"request body larger than {MAX_QUERY_BYTES} bytes"))
            return
        body = self.rfile.read(int(length)) if int(length) else b""
        if isinstance(self.server, BoundedHTTPServer):
            self.server.unwatch(self.connection)  # the request is in: its deadline no longer applies
        request = Request(self.command, self.path, dict(self.headers.items()), body)
        self._send(self.endpoint.handle(request))

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _answer

    def _client_allowed(self) -> bool:
        address = ipaddress.ip_address(self.client_address[0].split("%")[0])
        if getattr(address, "ipv4_mapped", None):
            address = address.ipv4_mapped
        return address.is_loopback or any(address in network for network in self.networks)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        if response.status != 204:  # RFC 9110: no Content-Length on 204
            self.send_header("Content-Length", str(len(response.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def parse_networks(values: list[str]) -> list:
    """``--allow-remote-from`` values (addresses or CIDR networks) -> ip_network objects."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise QueryError(f"--allow-remote-from {value!r}: not an IP address or network such as 192.168.1.0/24") from None
    return networks


class BoundedHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer with a deep listen backlog, a bounded number of handler threads, and a
    deadline for each request to arrive (a stalled or trickling client is disconnected).

    At ``max_connections`` busy threads the accept loop waits: further connections queue in the
    kernel's backlog instead of each taking a thread.
    """

    request_queue_size = 1024  # socketserver's 5 drops SYNs under 20 clients (1 s retries)
    daemon_threads = True

    def __init__(self, address: Any, handler: Any, *, max_connections: int = 256, read_timeout: float = 10.0) -> None:
        self.read_timeout = read_timeout
        self._threads_free = threading.BoundedSemaphore(max_connections)
        self._deadlines: dict[socket.socket, float] = {}
        self._deadlines_lock = threading.Lock()
        super().__init__(address, handler)
        threading.Thread(target=self._watchdog, daemon=True).start()

    def process_request(self, request: Any, client_address: Any) -> None:
        self._threads_free.acquire()
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._threads_free.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.unwatch(request)
            self._threads_free.release()

    def watch(self, connection: socket.socket) -> None:
        """Disconnect this client unless its request has arrived within ``read_timeout``."""
        with self._deadlines_lock:
            self._deadlines[connection] = time.monotonic() + self.read_timeout

    def unwatch(self, connection: socket.socket) -> None:
        with self._deadlines_lock:
            self._deadlines.pop(connection, None)

    def _watchdog(self) -> None:
        while self.socket.fileno() != -1:
            time.sleep(min(0.5, self.read_timeout / 4))
            now = time.monotonic()
            with self._deadlines_lock:
                late = [c for c, deadline in self._deadlines.items() if deadline < now]
                for connection in late:
                    del self._deadlines[connection]
            for connection in late:
                try:
                    connection.shutdown(socket.SHUT_RDWR)  # the handler's read fails and its thread ends
                except OSError:
                    pass


def make_server(endpoint: Endpoint, host: str, port: int, networks: list | None = None, limits: Limits | None = None) -> BoundedHTTPServer:
    """An HTTP server (not yet serving) that hands every request to the endpoint."""
    limits = limits or Limits()
    handler = type("Handler", (_Handler,), {"endpoint": endpoint, "networks": list(networks or []), "timeout": limits.read_timeout})
    server_class = BoundedHTTPServer
    if ":" in host:
        server_class = type("Server6", (BoundedHTTPServer,), {"address_family": socket.AF_INET6})
    try:
        return server_class((host, port), handler, max_connections=limits.max_connections, read_timeout=limits.read_timeout)
    except OSError as err:
        raise GraphError(f"cannot listen on {host}:{port} ({err.strerror}); choose another --port or --host") from None


def answer_once(graph: Path | str | None, target: str, limits: Limits | None = None, *, cors: tuple[str, ...] = (), **request: Any) -> Response:
    """Answer one request without a socket (``kg serve --get``); the query runs in a bounded child process."""
    limits = limits or Limits()
    path = resolve_graph_path(graph)
    endpoint = Endpoint(OneShotExecutor(path, limits), limits, title=str(path), cors=cors)
    return endpoint.handle(Request(request.pop("method", "GET"), target, **request))


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def serve(
    graph: Path | str | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    limits: Limits | None = None,
    allow_remote_from: list[str] | None = None,
    workers: int = 2,
    cors: tuple[str, ...] = (),
    echo: Callable[[str], None] = print,
) -> None:
    """Serve the graph over the SPARQL 1.1 Protocol until interrupted; ``cors`` lists allowed browser origins."""
    limits = limits or Limits()
    networks = parse_networks(allow_remote_from or [])
    cors = parse_origins(cors)
    path = resolve_graph_path(graph)
    if host not in LOOPBACK:
        echo(f"Warning: listening on {host}, not loopback; only loopback clients and --allow-remote-from networks are answered")
    executor = ProcessExecutor(path, limits, workers=workers)
    try:
        endpoint = Endpoint(executor, limits, title=str(path), cors=cors)
        server = make_server(endpoint, host, port, networks, limits)
    except BaseException:
        executor.close()
        raise
    bound_host, bound_port = server.server_address[:2]
    shown = f"[{bound_host}]" if ":" in str(bound_host) else bound_host
    endpoint.base_url = f"http://{shown}:{bound_port}"
    echo(
        f"Serving {path} ({executor.triples} triples) at http://{shown}:{bound_port}/sparql "
        f"(timeout {limits.timeout:g} s, max {limits.max_results} rows, SERVICE "
        f"{'allowed' if limits.allow_service else 'refused'}); Ctrl-C stops"
    )
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # stop cleanly (and stop the workers) on SIGTERM
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        executor.close()


@contextmanager
def server_process(graph: Path | str, *options: str, cwd: Path | str | None = None) -> Iterator[tuple[str, Any]]:
    """Start ``kg serve`` on a free loopback port in a child process; yield (endpoint URL, process); stop it.

    For tests, benchmarks and scripts that need a real server:
    ``with server_process("out/graph.trig", "--timeout", "2") as (url, process): ...``
    """
    import subprocess

    command = [sys.executable, "-m", "kg", "serve", "--graph", str(graph), "--port", "0", *options]
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()
        match = re.search(r"at (http://127\.0\.0\.1:\d+/sparql)", line)
        if not match:
            raise KGError(f"kg serve did not start: {line.strip()!r}")
        yield match[1], process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
