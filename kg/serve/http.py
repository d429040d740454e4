"""kg serve: the endpoint behind the standard library's HTTP server, bounded in connections and time.

Connections are bounded: a deep listen backlog, at most ``max_connections`` handler threads, and
each client must send its whole request within ``read_timeout`` seconds. Only loopback clients and
``--allow-remote-from`` networks are answered.
"""

from __future__ import annotations

import ipaddress
import re
import signal
import socket
import sys
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

from ..errors import GraphError, KGError, QueryError
from ..store import resolve_graph_path
from .description import parse_origins
from .endpoint import Endpoint
from .protocol import MAX_QUERY_BYTES, Limits, Request, Response, error
from .workers import OneShotExecutor, ProcessExecutor


LOOPBACK = ("127.0.0.1", "::1", "localhost")


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
