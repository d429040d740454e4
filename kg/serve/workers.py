"""Worker processes that run queries bounded in time: inline (tests), one-shot (``--get``), or a two-lane pool.

pyoxigraph cannot cancel a running query, so a query that outlives ``timeout`` has its worker
killed and replaced (kg.query.bounded); the server survives expensive queries.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sys
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from ..errors import KGError
from ..query import LOAD_TIMEOUT, QueryProcess, QueryTimeout, run_bounded, timeout_message
from ..query.bounded import ProcessTemplate
from .protocol import Job, Limits, Response, error, execute


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
    lowest CPU priority and a process forked from the template (loaded and ready) takes its place
    in the fast lane. The slow lane holds at most ``workers`` queries; a query beyond that is
    stopped (503) once it has used ``fast_seconds`` of CPU, so that a cheap query merely delayed by
    a busy machine still finishes. A query past ``limits.timeout`` is stopped (503); a slow-lane
    process is discarded after its query, since its priority cannot be raised again. A query that
    used ``fast_seconds`` of CPU is remembered (the last ``KNOWN_SLOW`` of them): sent again, it
    starts in a fresh low-priority process of its own and never holds a fast-lane process at all.
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
        # The template loads the graph once; query processes are forked from it, ready at once.
        self._template: ProcessTemplate | None = ProcessTemplate(path, context=self._context) if hasattr(os, "fork") else None
        try:
            if self._template is not None:
                self.triples = self._template.wait_ready(load_timeout)
            started = [self._start() for _ in range(max(1, workers) + 1)]
            for worker in started:
                self.triples = worker.wait_ready(load_timeout)
        except BaseException:
            self.close()
            raise
        for worker in started[:-1]:
            self._idle.put(worker)
        self._spares.put(started[-1])  # loaded and waiting: a slow query's place is taken at once

    def _start(self) -> QueryProcess:
        """A new query process: forked from the template, or (if the template has gone) loading the graph itself."""
        worker: QueryProcess | None = None
        template = self._template
        if template is not None:
            try:
                worker = template.fork(self.limits.max_memory)
            except KGError as err:
                self._template = None
                print(f"kg serve: the query process template failed ({err}); query processes now load the graph themselves", file=sys.stderr)
                template.close()
        if worker is None:
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
            cpu_before = worker.cpu_seconds()
            worker.send(partial(execute, job=job, limits=self.limits))
            if worker.poll(max(0.0, min(self.limits.fast_seconds, timeout - (time.monotonic() - started)))):
                response = worker.receive()
                self._idle.put(worker)
                return response
        except (KGError, EOFError, OSError):
            self._discard(worker)
            self._replace()
            return error(500, "the query worker crashed; it has been restarted")
        return self._slow_lane(job, worker, started, cpu_before)

    @staticmethod
    def _cpu_used(worker: QueryProcess, before: float | None, sent: float) -> float:
        """CPU seconds the worker's query has used (seconds on the clock where the OS does not tell)."""
        now = worker.cpu_seconds()
        return time.monotonic() - sent if before is None or now is None else now - before

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

    def _slow_lane(self, job: Job, worker: QueryProcess, started: float, cpu_before: float | None) -> Response:
        """Finish a long query at low CPU priority, its fast-lane place taken by a fresh process.

        With the slow lane full, the query is stopped (503) once it has used ``fast_seconds`` of CPU:
        on a busy machine a cheap query can outlast ``fast_seconds`` on the clock while waiting for
        the CPU, and it is left to finish. Only a query that used that much CPU is remembered as slow.
        """
        self._replace()
        worker.renice(19)
        budget, deadline = self.limits.fast_seconds, started + self.limits.timeout
        slot = self._slow.acquire(blocking=False)
        try:
            while True:
                left = deadline - time.monotonic()
                if worker.poll(max(0.0, left if slot else min(left, 0.02))):
                    response = worker.receive()
                    break
                if time.monotonic() >= deadline:
                    response = error(503, timeout_message(self.limits.timeout))
                    break
                if not slot and self._cpu_used(worker, cpu_before, started) >= budget:
                    response = error(503, f"{self.slow_slots} long queries are running already; this one was stopped; try again later or narrow it")
                    break
            if self._cpu_used(worker, cpu_before, started) >= budget:
                self._remember_slow(job)
            return response
        except (KGError, EOFError, OSError) as err:
            return error(500, f"the query worker crashed: {err}")
        finally:
            self._discard(worker)
            if slot:
                self._slow.release()

    def close(self) -> None:
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()
        if self._template is not None:
            self._template.close()
