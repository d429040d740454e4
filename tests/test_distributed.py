"""kg build --dask: extraction on a Dask cluster gives the bytes of a build in one process."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

import kg.build
import kg.distributed
from kg.build import build_graph
from kg.cli import cli
from kg.errors import KGError

from .conftest import CORPUS, ROOT

#: Documents of corpus/ copied for the builds: few, so that the tests stay short.
DOCUMENTS = 4
OUTPUTS = ("graph.ttl", "graph.trig", "graph.html")


def _kg(args: list[str], cwd, seed: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture()
def small_corpus(tmp_path):
    target = tmp_path / "corpus"
    target.mkdir()
    for path in sorted(CORPUS.glob("*.txt"))[:DOCUMENTS]:
        shutil.copy2(path, target / path.name)
    return target


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes of one thread each, on this machine: (address, client)."""
    import distributed

    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR) as local, \
            distributed.Client(local, set_as_default=False) as client:
        yield local.scheduler_address, client


def _states(client) -> dict[str, dict[str, int]]:
    return client.run(kg.distributed.worker_state)


@pytest.mark.slow
def test_a_two_worker_cluster_gives_the_bytes_of_a_plain_build_and_loads_the_model_once_per_worker(small_corpus, tmp_path, cluster):
    address, client = cluster
    plain = _kg(["build", "corpus", "--out", str(tmp_path / "plain"), "-q"], cwd=tmp_path, seed="1")
    assert plain.returncode == 0, plain.stderr
    before = _states(client)
    assert all(state["loads"] == 0 for state in before.values()), before
    for n, seed in enumerate(["4242", "77"]):  # two builds sent to the same workers
        done = _kg(["build", str(small_corpus), "--out", str(tmp_path / f"dask{n}"), "--dask", address, "--no-cache", "-q"], cwd=ROOT, seed=seed)
        assert done.returncode == 0, done.stderr
        for name in OUTPUTS:
            assert (tmp_path / f"dask{n}" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes(), f"{name} differs"
    states = _states(client)
    # both workers extracted documents; each loaded the pipeline once, for all its chunks of both builds
    assert sum(state["documents"] for state in states.values()) == 2 * DOCUMENTS
    assert [state["loads"] for state in states.values()] == [1, 1], states
    assert all(state["documents"] > 0 for state in states.values()), states
    assert len({state["pid"] for state in states.values()} | {os.getpid()}) == 3


@pytest.mark.slow
def test_progress_by_chunk_and_warnings_in_corpus_order(tmp_path, cluster, nlp):
    address, client = cluster
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    long_run = " ".join(["the committee kept talking about supply chains and export rules"] * 60)  # no full stop: cut
    for n in range(5):
        body = f"Officials in Seoul and Tokyo met for round {n} of talks.\n\n" + (long_run if n in (1, 3) else "")
        (corpus / f"d{n}.txt").write_text(f"Id: d{n}\nTitle: Round {n}\nDate: 2024-0{n + 1}-01\n\n{body}\n", encoding="utf-8")
    calls: list[tuple[int, int]] = []
    result = build_graph([corpus], dask=address, progress=lambda done, total: calls.append((done, total)))
    local = build_graph([corpus], nlp=nlp)
    assert result.documents == local.documents
    assert result.warnings == local.warnings
    assert [w.split(":")[0] for w in result.warnings if "cut into sentences" in w] == [str(corpus / "d1.txt"), str(corpus / "d3.txt")]
    # one call per chunk (5 documents on 2 worker threads: 2, 2 and 1), counting up to all documents
    assert [total for _, total in calls] == [5, 5, 5]
    assert sorted(done for done, _ in calls)[-1] == 5 and len({done for done, _ in calls}) == 3
    assert all(state["loads"] == 1 for state in _states(client).values())


@pytest.mark.slow
def test_local_cluster_with_the_cache_sends_only_new_documents(small_corpus, tmp_path):
    plain = _kg(["build", "corpus", "--out", str(tmp_path / "plain"), "--no-cache", "-q"], cwd=tmp_path, seed="3")
    assert plain.returncode == 0, plain.stderr
    out = tmp_path / "out"
    first = _kg(["build", "corpus", "--out", str(out), "--dask", "local:2", "-q"], cwd=tmp_path, seed="5")
    assert first.returncode == 0, first.stderr
    assert first.stderr == plain.stderr  # the same warnings, and nothing from Dask
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (tmp_path / "plain" / name).read_bytes(), f"{name} differs"
    # every document is in the cache: no cluster is needed, not even a reachable one
    again = _kg(["build", "corpus", "--out", str(out), "--dask", f"tcp://127.0.0.1:{_free_port()}", "-q"], cwd=tmp_path, seed="6")
    assert again.returncode == 0, again.stderr
    assert (out / "graph.trig").read_bytes() == (tmp_path / "plain" / "graph.trig").read_bytes()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_an_unreachable_scheduler_is_one_line_exit_2_in_bounded_time_and_writes_nothing(small_corpus, tmp_path):
    out = tmp_path / "out"
    start = time.monotonic()
    done = _kg(["build", str(small_corpus), "--out", str(out), "--dask", f"tcp://127.0.0.1:{_free_port()}"], cwd=tmp_path, seed="1", timeout=120)
    assert time.monotonic() - start < kg.distributed.CONNECT_TIMEOUT + 30
    assert done.returncode == 2, done.stderr
    assert "cannot reach a Dask scheduler" in done.stderr and "dask scheduler" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout and len(done.stderr.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.slow
def test_a_scheduler_without_workers_is_an_error_not_a_wait(small_corpus):
    import distributed

    from kg.corpus import load_corpus

    articles = load_corpus([small_corpus]).articles[:1]
    with distributed.LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR) as empty:
        start = time.monotonic()
        with pytest.raises(KGError, match="has no workers; start some with 'dask worker"):
            kg.distributed.extract_dask(articles, kg.build.extract_documents, scheduler=empty.scheduler_address)
        assert time.monotonic() - start < kg.distributed.CONNECT_TIMEOUT + 20


BLOCKED = """
import sys
sys.modules["dask"] = sys.modules["distributed"] = None  # as if neither were installed
import kg.build, kg.cli, kg.distributed
assert "distributed" not in sys.modules or sys.modules["distributed"] is None
sys.argv = ["kg", *sys.argv[1:]]
kg.cli.main()
"""


def test_dask_without_dask_installed_is_one_line_and_exit_2(small_corpus, tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", BLOCKED, "build", str(small_corpus), "--out", str(out), "--dask", "local:2"]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("Error: --dask needs the packages dask and distributed") and "kg[dask]" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not out.exists()
    # without --dask, kg does not import them
    check = subprocess.run([sys.executable, "-c", BLOCKED, "build", "--help"], env=env, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0 and "--dask ADDRESS" in check.stdout, check.stderr


@pytest.mark.parametrize("args, message", [
    (["--dask", "local:2", "--jobs", "2"], "--dask and --jobs are exclusive"),
    (["--dask", "local:0"], "at least one worker"),
    (["--dask", "local:two"], "write local:N"),
])
def test_bad_dask_options_are_usage_errors(runner, tmp_path, args, message):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text("Id: a\nTitle: A\n\nSeoul and Tokyo met.\n", encoding="utf-8")
    result = runner.invoke(cli, ["build", str(tmp_path / "c"), "--out", str(tmp_path / "out"), "-q", *args])
    assert result.exit_code == 2 and message in result.output, result.output
    assert not (tmp_path / "out" / "graph.ttl").exists()


def test_a_worker_with_other_extraction_code_refuses_its_chunk():
    with pytest.raises(KGError, match="install the same kg on every worker"):
        kg.distributed._extract_chunk([], extract=None, fingerprint="another kg")
    assert kg.distributed._LOADS == 0  # refused before the model is loaded
