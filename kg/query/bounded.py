"""Queries bounded in time and memory: a child process holds the graph, and is killed past its time.

pyoxigraph cannot cancel a running query, so a query that outlives its time has its process
killed: that frees the CPU and every byte the query held. ``kg query`` runs one task in a fresh
process (``run_bounded``); ``kg serve`` keeps a pool of ``QueryProcess`` workers.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Any

from ..errors import GraphError, KGError, QueryError
from .library import library
from .safety import inspect_query
from .stores import load_store
from .terms import PREFIXES


class QueryTimeout(QueryError):
    """A query outlived its time limit and its process was stopped."""


#: Seconds a query process may take to load its graph (1M triples take about 7 s).
LOAD_TIMEOUT = 600.0


def timeout_message(seconds: float) -> str:
    """What a query stopped at its time limit says."""
    return f"query timed out after {seconds:g} s and was stopped; narrow it (more specific patterns, LIMIT) or allow more time with --timeout"


def _limit_memory(max_memory: int | None) -> None:
    """Cap this process's address space at its size now plus ``max_memory`` bytes (where the OS can)."""
    if not max_memory:
        return
    try:
        import resource

        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (current + max_memory, resource.RLIM_INFINITY))
    except (ImportError, OSError, ValueError):  # not Linux: the timeout alone bounds the query
        pass


def _process_main(conn: Any, path: str, max_memory: int | None, quiet: bool) -> None:
    """A query process: load the graph once, then run each task (a callable taking the store) until the pipe closes."""
    if quiet:  # errors come back through the pipe; an aborting engine's backtrace would only add noise
        import faulthandler

        faulthandler.disable()
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    try:
        store = load_store(path)
    except KGError as err:
        conn.send(("error", err))
        return
    _limit_memory(max_memory)
    for entry in library().values():  # parse the common queries now (30-120 ms each), not in their first answer's time
        inspect_query(entry.text, PREFIXES)
    conn.send(("ready", len(store)))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent has gone: exit with it
            return
        try:
            conn.send(("ok", task(store)))
        except KGError as err:
            conn.send(("error", err))
        except MemoryError:
            conn.send(("error", QueryError(f"query stopped: it needed more than {max_memory // 2**20} MiB of memory; narrow it")))


class QueryProcess:
    """A child process holding one graph in Oxigraph and running one task at a time.

    pyoxigraph cannot cancel a running query, so a task that outlives its time has its process
    killed: that frees the CPU and every byte the query held. ``max_memory`` caps what the
    process may allocate beyond the loaded graph.
    """

    def __init__(self, path: Path | str, *, context: str = "spawn", max_memory: int | None = None, quiet: bool = False) -> None:
        ctx = multiprocessing.get_context(context)
        self.max_memory = max_memory
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_process_main, args=(child, str(path), max_memory, quiet), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, seconds: float = LOAD_TIMEOUT) -> int:
        """Wait until the graph is loaded; return its number of triples."""
        if not self.conn.poll(seconds):
            self.kill()
            raise GraphError(f"loading the graph took more than {seconds:.0f} s")
        return self.receive()

    def send(self, task: Any) -> None:
        self.conn.send(task)

    def poll(self, seconds: float) -> bool:
        """Whether the answer arrives within ``seconds``."""
        return self.conn.poll(seconds)

    def receive(self) -> Any:
        """The answer to the last task; its KGError is raised here."""
        try:
            status, value = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            memory = f" (out of memory? the limit is {self.max_memory // 2**20} MiB)" if self.max_memory else ""
            raise QueryError(f"the query process died{memory}; narrow the query") from None
        if status == "error":
            raise value
        return value

    def call(self, task: Any, timeout: float) -> Any:
        """Run a task; past ``timeout`` seconds the process is killed and QueryTimeout raised."""
        self.send(task)
        if self.poll(timeout):
            return self.receive()
        self.kill()
        raise QueryTimeout(timeout_message(timeout))

    def renice(self, niceness: int) -> None:
        """Lower the process's CPU priority (it can never be raised again)."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, niceness)
        except (OSError, AttributeError):
            pass

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


def run_bounded(path: Path | str, task: Any, *, timeout: float, max_memory: int | None = None) -> Any:
    """Run one task on the graph file in a fresh child process, bounded in time and memory."""
    # fork starts in milliseconds (the child inherits the imports); spawn where there is no fork.
    context = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    worker = QueryProcess(path, context=context, max_memory=max_memory, quiet=True)
    try:
        worker.wait_ready()
        return worker.call(task, timeout)
    finally:
        worker.kill()
