"""Load-test `kg serve`: cheap library queries from many clients while expensive queries run and
stalled clients hold connections.

Starts `kg serve` on 127.0.0.1 (a free port) for a built graph, then at once: CLIENTS threads each
send QUERIES library queries (kg/queries/*.rq, one after another, a new connection each), EXPENSIVE
threads keep a cartesian COUNT query in flight until the cheap clients are done, and STALLED
sockets connect and send half a request line. Prints p50/p99/max latency of the cheap queries, the
error count and how the expensive queries ended, then checks that the server still answers.
Traffic goes to 127.0.0.1 only; the run is bounded in count and time and stops the server itself.
Results go to benchmarks/results/serve_load.json.

    .venv/bin/python -m kg build corpus/ --out out
    .venv/bin/python benchmarks/bench_serve_load.py --graph out
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import socket
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.query import library  # noqa: E402
from kg.serve import server_process  # noqa: E402

EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: Parameters of library queries, as a trailing VALUES clause.
BINDINGS = {"entity": "jke:japan", "agent": "jke:meti", "measure": "jkm:bilateral-trade", "asOf": '"2024-06-30"'}
ACCEPT = {"Accept": "application/sparql-results+json"}


def cheap_queries() -> list[str]:
    """The library queries that run locally, with their parameters bound by VALUES."""
    texts = []
    for name, entry in library().items():
        if name == "wikidata-federated":
            continue
        names = list(entry.parameters)  # one trailing VALUES clause binds them all (SPARQL allows one)
        values = f"\nVALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(BINDINGS[n] for n in names)}) }}" if names else ""
        texts.append(entry.text + values)
    return texts


def ask(url: str, sparql: str, timeout: float) -> tuple[int, float]:
    """(HTTP status or 0 for a failed connection, seconds)."""
    request = urllib.request.Request(url + "?query=" + quote(sparql), headers=ACCEPT)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as err:
        status = err.code
    except OSError:
        status = 0
    return status, time.perf_counter() - started


def stall(url: str, count: int) -> list[socket.socket]:
    """Connections that send half a request line and then nothing."""
    host, port = re.match(r"http://([\d.]+):(\d+)", url).groups()
    sockets = []
    for _ in range(count):
        sock = socket.create_connection((host, int(port)), timeout=5)
        sock.sendall(b"GET /sparql?query=ASK")
        sockets.append(sock)
    return sockets


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run(url: str, clients: int, queries: int, expensive: int, stalled: int, timeout: float) -> dict:
    texts = cheap_queries()
    latencies: list[float] = []
    starts: list[float] = []
    errors: list[int] = []
    expensive_statuses: list[int] = []
    done = threading.Event()
    lock = threading.Lock()

    def cheap_client(k: int) -> None:
        for i in range(queries):
            sent = time.perf_counter()
            status, seconds = ask(url, texts[(k + i) % len(texts)], timeout=timeout + 10)
            with lock:
                latencies.append(seconds)
                starts.append(sent)
                if status != 200:
                    errors.append(status)

    def expensive_client(k: int) -> None:
        # Each client's query text differs, so the server runs them all (identical requests would share one run).
        while not done.is_set():
            status, _ = ask(url, f"{EXPENSIVE} # client {k}", timeout=timeout + 10)
            with lock:
                expensive_statuses.append(status)

    sockets = stall(url, stalled)
    heavy = [threading.Thread(target=expensive_client, args=(k,), daemon=True) for k in range(expensive)]
    for thread in heavy:
        thread.start()
    time.sleep(0.3)  # the expensive queries are running before the cheap clients start
    started = time.perf_counter()
    light = [threading.Thread(target=cheap_client, args=(k,)) for k in range(clients)]
    for thread in light:
        thread.start()
    for thread in light:
        thread.join()
    elapsed = time.perf_counter() - started
    done.set()
    stalled_open = sum(1 for sock in sockets if _still_open(sock))
    for sock in sockets:
        sock.close()
    for thread in heavy:
        thread.join(timeout + 15)
    status, after = ask(url, "ASK { ?s ?p ?o }", timeout=10)
    return {
        "cheap_queries": len(latencies),
        "seconds": round(elapsed, 2),
        "queries_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * statistics.median(latencies), 1),
        "p99_ms": round(1000 * percentile(latencies, 0.99), 1),
        "max_ms": round(1000 * max(latencies), 1),
        "slowest_ms_sent_at_ms": sorted(
            ([round(1000 * s), round(1000 * (t - started))] for s, t in zip(latencies, starts)), reverse=True
        )[:6],
        "errors": len(errors),
        "error_statuses": sorted(set(errors)),
        "expensive_statuses": {str(s): expensive_statuses.count(s) for s in sorted(set(expensive_statuses))},
        "stalled_still_open_at_end": stalled_open,
        "answers_afterwards": status == 200,
        "answer_afterwards_ms": round(1000 * after, 1),
    }


def _still_open(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(1) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, default=ROOT / "out", help="a built graph file or directory (kg build first)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients sending cheap queries")
    parser.add_argument("--queries", type=int, default=25, help="library queries per client")
    parser.add_argument("--expensive", type=int, default=2, help="expensive queries kept in flight")
    parser.add_argument("--stalled", type=int, default=100, help="connections that never finish their request")
    parser.add_argument("--timeout", type=float, default=10.0, help="the server's --timeout")
    parser.add_argument("--workers", type=int, default=2, help="the server's --workers")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results", help="directory for the JSON results")
    args = parser.parse_args(argv)
    with server_process(args.graph, "--timeout", str(args.timeout), "--workers", str(args.workers), cwd=ROOT) as (url, _):
        result = run(url, args.clients, args.queries, args.expensive, args.stalled, args.timeout)
    result.update(
        clients=args.clients, queries_per_client=args.queries, expensive=args.expensive, stalled=args.stalled,
        timeout=args.timeout, workers=args.workers, graph=str(args.graph), machine=f"{platform.machine()}, {len(__import__('os').sched_getaffinity(0))} cores",
    )
    print(json.dumps(result, indent=2))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "serve_load.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    ok = result["errors"] == 0 and result["answers_afterwards"]
    return result if ok else sys.exit(1)


if __name__ == "__main__":
    main()
