"""kg serve's query processes: forked from a template that holds the graph, in a fast and a slow lane."""

from __future__ import annotations

import os
import threading
import time
from functools import partial

import pytest

from kg.query import load_store
from kg.query.bounded import ProcessTemplate
from kg.serve import Job, Limits, ProcessExecutor
from kg.serve.protocol import execute
from kg.serve.workers import _process_context

from .conftest import DATA

FIXTURE = DATA / "query_fixture.ttl"
CHEAP = "SELECT ?c WHERE { ?c a jkt:Country } ORDER BY ?c"
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="query processes are forked on POSIX only")


def ask(worker, sparql, timeout=10.0):
    return worker.call(partial(execute, job=Job(sparql), limits=Limits()), timeout)


def test_template_forks_ready_query_processes():
    template = ProcessTemplate(FIXTURE, context=_process_context())
    try:
        assert template.wait_ready(60) == len(load_store(FIXTURE))
        first, second = template.fork(), template.fork()
        assert first.pid != second.pid != template.process.pid
        assert first.wait_ready(5) == second.wait_ready(5) == len(load_store(FIXTURE))
        assert ask(first, CHEAP).status == ask(second, CHEAP).status == 200
        assert isinstance(first.cpu_seconds(), float)
        first.kill()  # killed and reaped by the template: the pid is gone
        with pytest.raises(ProcessLookupError):
            os.kill(first.pid, 0)
        assert ask(second, CHEAP).body.count(b"https://w3id.org/jk-tech/id/") == 4
        second.kill()
    finally:
        template.close()
    assert not template.alive()


def test_expensive_queries_move_to_the_slow_lane_and_cheap_ones_stay_fast():
    # The first query's time limit leaves room for the second to use its CPU on a loaded machine.
    limits = Limits(timeout=8, fast_seconds=0.2)
    executor = ProcessExecutor(FIXTURE, limits, workers=1)
    try:
        answers: dict[int, object] = {}

        def expensive(k):
            answers[k] = executor.run(Job(f"{EXPENSIVE} # {k}"))

        first = threading.Thread(target=expensive, args=(1,))
        first.start()
        time.sleep(0.6)  # the first is in the slow lane now, its fast-lane place taken
        started = time.monotonic()
        assert executor.run(Job(CHEAP)).status == 200
        assert time.monotonic() - started < 1.5
        second = threading.Thread(target=expensive, args=(2,))
        second.start()
        second.join(15)  # the slow lane (one place) is full: stopped once it has used its CPU
        assert answers[2].status == 503 and "long queries are running already" in answers[2].text
        assert executor.run(Job(CHEAP)).status == 200
        first.join(15)
        assert answers[1].status == 503 and "timed out after 8 s" in answers[1].text
        assert Job(f"{EXPENSIVE} # 1") in executor._known_slow and Job(CHEAP) not in executor._known_slow
        assert executor.run(Job(CHEAP)).status == 200
    finally:
        executor.close()
