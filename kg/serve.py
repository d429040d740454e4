"""A read-only, bounded SPARQL 1.1 Protocol endpoint, on the standard library's HTTP server.

``Endpoint.handle(request)`` answers one ``Request`` without a socket; ``serve()`` puts it behind
``ThreadingHTTPServer``. Queries run in worker processes that hold the graph in Oxigraph; a
query that outlives ``timeout`` has its worker killed (pyoxigraph cannot cancel a running query)
and replaced, so the server survives expensive queries. SPARQL Update and LOAD are refused;
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
import signal
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Mapping, Protocol
from urllib.parse import parse_qs, urlsplit

from .errors import GraphError, KGError, QueryError
from .query import QueryRefused, library, load_store, run_query
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


@dataclass(frozen=True)
class Limits:
    """The bounds every query runs under."""

    timeout: float = 10.0
    max_results: int = 10_000
    allow_service: bool = False


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
    """Runs queries in the calling thread (tests, ``kg serve --get``); no timeout."""

    def __init__(self, store: Any, limits: Limits) -> None:
        self.store, self.limits = store, limits

    def run(self, job: Job) -> Response:
        return execute(self.store, job, self.limits)

    def close(self) -> None:
        pass


def _worker_main(conn: Any, path: str, limits: Limits) -> None:
    """A query worker: load the graph once, then answer jobs until the pipe closes."""
    try:
        store = load_store(path)
    except KGError as err:
        conn.send(("error", str(err)))
        return
    conn.send(("ready", len(store)))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the server has gone: exit with it
            return
        conn.send(execute(store, job, limits))


class _Worker:
    def __init__(self, context: Any, path: Path, limits: Limits) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, str(path), limits), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, seconds: float) -> int:
        if not self.conn.poll(seconds):
            self.kill()
            raise GraphError(f"loading the graph took more than {seconds:.0f} s")
        try:
            status, value = self.conn.recv()
        except EOFError:
            raise GraphError("the query worker died while loading the graph") from None
        if status != "ready":
            self.kill()
            raise GraphError(value)
        return value

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class ProcessExecutor:
    """A pool of worker processes; a query past the timeout gets its worker killed and replaced."""

    def __init__(self, path: Path, limits: Limits, *, workers: int = 2, load_timeout: float = 600) -> None:
        self.path, self.limits, self.load_timeout = path, limits, load_timeout
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self.triples = 0
        started = [self._start() for _ in range(max(1, workers))]
        for worker in started:
            self.triples = worker.wait_ready(load_timeout)
            self._idle.put(worker)

    def _start(self) -> _Worker:
        worker = _Worker(self._context, self.path, self.limits)
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)

        def replace() -> None:
            fresh = self._start()
            try:
                fresh.wait_ready(self.load_timeout)
            except GraphError as err:
                print(f"kg serve: cannot restart a query worker: {err}", file=sys.stderr)
                return
            self._idle.put(fresh)

        threading.Thread(target=replace, daemon=True).start()

    def run(self, job: Job) -> Response:
        timeout = self.limits.timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return error(503, f"all query workers stayed busy for {timeout:g} s; try again later")
        try:
            worker.conn.send(job)
            if worker.conn.poll(timeout):
                response = worker.conn.recv()
                self._idle.put(worker)
                return response
        except (EOFError, OSError, BrokenPipeError):
            self._retire(worker)
            return error(500, "the query worker crashed; it has been restarted")
        self._retire(worker)
        return error(
            503,
            f"query timed out after {timeout:g} s and was stopped; narrow it (more specific patterns, "
            "LIMIT) or start the server with a larger --timeout",
        )

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


class Endpoint:
    """The SPARQL protocol, the query page and the safety rules, one request at a time."""

    def __init__(self, executor: Executor, limits: Limits, *, title: str = "kg graph") -> None:
        self.executor, self.limits, self.title = executor, limits, title

    def handle(self, request: Request) -> Response:
        """Answer one request."""
        url = urlsplit(request.target)
        if url.path not in ("/", "/sparql", "/query"):
            return error(404, f"{url.path}: not found; the SPARQL endpoint is /sparql")
        params = parse_qs(url.query, keep_blank_values=True)
        method = request.method.upper()
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
            return Response(405, "text/plain; charset=utf-8", b"only GET and POST are supported\n", {"Allow": "GET, POST"})
        if "update" in params:
            return error(403, "SPARQL Update is refused: this endpoint is read-only")
        if "query" not in params:
            return self.page() if url.path == "/" else error(400, "missing 'query' parameter")
        if len(params["query"]) != 1:
            return error(400, "exactly one 'query' parameter is allowed")
        return self.executor.run(self.job(params, request.header("Accept")))

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
        request = Request(self.command, self.path, dict(self.headers.items()), body)
        self._send(self.endpoint.handle(request))

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = _answer

    def _client_allowed(self) -> bool:
        address = ipaddress.ip_address(self.client_address[0].split("%")[0])
        if getattr(address, "ipv4_mapped", None):
            address = address.ipv4_mapped
        return address.is_loopback or any(address in network for network in self.networks)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
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


def make_server(endpoint: Endpoint, host: str, port: int, networks: list | None = None) -> ThreadingHTTPServer:
    """An HTTP server (not yet serving) that hands every request to the endpoint."""
    handler = type("Handler", (_Handler,), {"endpoint": endpoint, "networks": list(networks or [])})
    server_class = ThreadingHTTPServer
    if ":" in host:
        import socket

        server_class = type("Server6", (ThreadingHTTPServer,), {"address_family": socket.AF_INET6})
    try:
        return server_class((host, port), handler)
    except OSError as err:
        raise GraphError(f"cannot listen on {host}:{port} ({err.strerror}); choose another --port or --host") from None


def answer_once(graph: Path | str | None, target: str, limits: Limits | None = None, **request: Any) -> Response:
    """Answer one request without a socket or worker processes (``kg serve --get``)."""
    limits = limits or Limits()
    path = resolve_graph_path(graph)
    endpoint = Endpoint(InlineExecutor(load_store(path), limits), limits, title=str(path))
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
    echo: Callable[[str], None] = print,
) -> None:
    """Serve the graph over the SPARQL 1.1 Protocol until interrupted."""
    limits = limits or Limits()
    networks = parse_networks(allow_remote_from or [])
    path = resolve_graph_path(graph)
    if host not in LOOPBACK:
        echo(f"Warning: listening on {host}, not loopback; only loopback clients and --allow-remote-from networks are answered")
    executor = ProcessExecutor(path, limits, workers=workers)
    try:
        server = make_server(Endpoint(executor, limits, title=str(path)), host, port, networks)
    except BaseException:
        executor.close()
        raise
    bound_host, bound_port = server.server_address[:2]
    shown = f"[{bound_host}]" if ":" in str(bound_host) else bound_host
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
