"""Queries bounded in time and memory: a child process holds the graph, and is killed past its time.

pyoxigraph cannot cancel a running query, so a query that outlives its time has its process
killed: that frees the CPU and every byte the query held. ``kg query`` runs one task in a fresh
process (``run_bounded``); ``kg serve`` keeps a pool of ``QueryProcess`` workers.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import threading
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


def _warm(store: Any) -> None:
    """Parse the library's queries now (30-120 ms each), not in their first answer's time."""
    for entry in library().values():
        inspect_query(entry.text, PREFIXES)


def _serve_tasks(conn: Any, store: Any, max_memory: int | None) -> None:
    """Run each task (a callable taking the store) received on the pipe until it closes."""
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


def _process_main(conn: Any, path: str, max_memory: int | None, quiet: bool, warm: bool = True) -> None:
    """A query process: load the graph once, then run each task (a callable taking the store) until the pipe closes."""
    if quiet:  # errors come back through the pipe; an aborting engine's backtrace would only add noise
        import faulthandler

        faulthandler.disable()
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    store = _load_or_report(conn, path)
    if store is None:
        return
    _limit_memory(max_memory)
    if warm:
        _warm(store)
    conn.send(("ready", len(store)))
    _serve_tasks(conn, store, max_memory)


def _load_or_report(conn: Any, path: str) -> Any:
    """The graph loaded into a store, or None once the error has been sent back on ``conn``."""
    try:
        return load_store(path)
    except KGError as err:
        conn.send(("error", err))
        return None


class QueryProcess:
    """A child process holding one graph in Oxigraph and running one task at a time.

    pyoxigraph cannot cancel a running query, so a task that outlives its time has its process
    killed: that frees the CPU and every byte the query held. ``max_memory`` caps what the
    process may allocate beyond the loaded graph.
    """

    def __init__(
        self, path: Path | str, *, context: str = "spawn", max_memory: int | None = None, quiet: bool = False, warm: bool = True
    ) -> None:
        """``warm``: parse the library's queries once the graph is loaded (for a process that serves many)."""
        ctx = multiprocessing.get_context(context)
        self.max_memory = max_memory
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_process_main, args=(child, str(path), max_memory, quiet, warm), daemon=True)
        self.process.start()
        self.pid = self.process.pid
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

    def cpu_seconds(self) -> float | None:
        """CPU time (user and system) the process has used so far, or None where /proc does not tell."""
        try:
            with open(f"/proc/{self.pid}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def renice(self, niceness: int) -> None:
        """Lower the process's CPU priority (it can never be raised again)."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.pid, niceness)
        except (OSError, AttributeError):
            pass

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class ForkedProcess(QueryProcess):
    """A query process forked from a ``ProcessTemplate``: the graph is loaded and the library parsed
    already, so it is ready in milliseconds and costs no CPU to start. Its template reaps it."""

    def __init__(self, template: "ProcessTemplate", pid: int, conn: Any, max_memory: int | None) -> None:
        self.template, self.pid, self.conn, self.max_memory = template, pid, conn, max_memory
        self._killed = False

    def kill(self) -> None:
        if not self._killed:
            self._killed = True
            self.template.reap(self.pid)
        self.conn.close()


def _die_with_parent() -> None:
    """Be killed when the parent (the template) exits, as it does when the server has gone (Linux only)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _template_main(control: Any, path: str) -> None:
    """The template process: load the graph and parse the library once, then fork a ready query
    process for each pipe end it is sent, and kill and reap its processes when asked."""
    from multiprocessing.connection import Connection
    from multiprocessing.reduction import recv_handle

    store = _load_or_report(control, path)
    if store is None:
        return
    _warm(store)
    control.send(("ready", len(store)))
    while True:
        try:
            request, value = control.recv()
        except (EOFError, OSError):  # the server has gone
            return
        if request == "reap":  # a child is reaped only here, so its pid is never reused while the server knows it
            try:
                os.kill(value, signal.SIGKILL)
                os.waitpid(value, 0)
            except OSError:
                pass
            control.send(("ok", value))
            continue
        fd = recv_handle(control)
        pid = os.fork()
        if pid == 0:  # the query process: the template's memory, shared until written
            code = 0
            try:
                control.close()
                _die_with_parent()
                conn = Connection(fd)
                _limit_memory(value)
                conn.send(("ready", len(store)))
                _serve_tasks(conn, store, value)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(fd)
        control.send(("ok", pid))


class ProcessTemplate:
    """A process holding the graph loaded and the query library parsed, forking query processes on request.

    Starting a query process by loading the graph costs about a second of CPU (and more for large
    graphs); forking one from the template costs milliseconds, and the forked processes share the
    template's memory until they write to it.
    """

    def __init__(self, path: Path | str, *, context: str = "spawn") -> None:
        ctx = multiprocessing.get_context(context)
        self.control, child = ctx.Pipe()
        self.process = ctx.Process(target=_template_main, args=(child, str(path)), daemon=True)
        self.process.start()
        child.close()
        self._lock = threading.Lock()

    def wait_ready(self, seconds: float = LOAD_TIMEOUT) -> int:
        """Wait until the graph is loaded; return its number of triples."""
        if not self.control.poll(seconds):
            self.close()
            raise GraphError(f"loading the graph took more than {seconds:.0f} s")
        try:
            status, value = self.control.recv()
        except (EOFError, OSError):
            raise GraphError("the query process template died while loading the graph") from None
        if status == "error":
            raise value
        return value

    def _ask(self, request: str, value: Any, handle: int | None = None) -> Any:
        from multiprocessing.reduction import send_handle

        with self._lock:
            try:
                self.control.send((request, value))
                if handle is not None:
                    send_handle(self.control, handle, self.process.pid)
                if not self.control.poll(10):
                    raise QueryError("the query process template stopped answering")
                return self.control.recv()[1]
            except (EOFError, OSError):
                raise QueryError("the query process template has gone") from None

    def fork(self, max_memory: int | None = None) -> ForkedProcess:
        """A ready query process (raises QueryError if the template has gone)."""
        ours, theirs = socket.socketpair()
        try:
            pid = self._ask("fork", max_memory, theirs.fileno())
        finally:
            theirs.close()
        from multiprocessing.connection import Connection

        return ForkedProcess(self, pid, Connection(ours.detach()), max_memory)

    def reap(self, pid: int) -> None:
        """Kill a forked process and reap it."""
        try:
            self._ask("reap", pid)
        except QueryError:  # the template has gone, and the process was reparented
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def alive(self) -> bool:
        return self.process.is_alive()

    def close(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.control.close()


def run_bounded(path: Path | str, task: Any, *, timeout: float, max_memory: int | None = None) -> Any:
    """Run one task on the graph file in a fresh child process, bounded in time and memory."""
    # fork starts in milliseconds (the child inherits the imports); spawn where there is no fork.
    context = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    worker = QueryProcess(path, context=context, max_memory=max_memory, quiet=True, warm=False)  # one query: nothing to warm
    try:
        worker.wait_ready()
        return worker.call(task, timeout)
    finally:
        worker.kill()
