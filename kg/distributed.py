"""Extraction on a Dask cluster: ``kg build --dask ADDRESS``.

The same idea as kg.parallel across machines: the corpus is cut into chunks of consecutive
documents, each chunk is extracted by a Dask worker, and the results are taken back in corpus
order, so the facts, the warnings and every output byte are those of a build in one process.
A worker loads the spaCy pipeline once, on its first chunk, and keeps it for every later chunk
(and every later build sent to the same cluster). Each chunk carries a fingerprint of the
extraction code, pattern files, gazetteer and model versions; a worker whose installation
differs refuses it, because its facts could differ.

``ADDRESS`` is a scheduler's address (``tcp://host:8786``) or ``local:N``: a cluster of N worker
processes on this machine, started for the build and closed after it. dask and distributed are
an optional extra (``pip install 'kg[dask]'``), imported only here and only when used.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import math
import os
import re
import threading
from contextlib import ExitStack, contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Iterator

from ._version import __version__
from .cache import EXTRACTION_MODULES, MODEL
from .errors import KGError
from .resources import GAZETTEER_PATH, PACKAGE_DIR, PATTERNS_DIR

if TYPE_CHECKING:
    from .corpus import Article
    from .facts import DocumentFacts

#: Seconds to reach a scheduler, and then to wait for its first worker.
CONNECT_TIMEOUT = 10.0
#: The most documents a chunk holds (as kg.parallel); fewer when that leaves a worker idle.
CHUNK_DOCS = 8
INSTALL_HINT = "install them with pip install 'kg[dask]' (or the project's requirements.lock)"
_LOCAL = re.compile(r"local:(\d+)")

# The worker's state: the pipeline, loaded on first use; how often it was loaded and how many
# documents it extracted (for tests and for a look at a cluster: ``client.run(worker_state)``).
_NLP = None
_LOADS = 0
_DOCUMENTS = 0
_LOCK = threading.Lock()  # a worker with several threads loads and runs one pipeline at a time


def _import_distributed():
    try:
        import distributed
    except ImportError as err:
        raise KGError(f"--dask needs the packages dask and distributed, which are not installed ({err}); {INSTALL_HINT}") from None
    return distributed


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "missing"


@lru_cache(maxsize=1)
def extraction_fingerprint() -> str:
    """A hash of what shapes extraction besides the document, wherever kg is installed.

    Files are named relative to their folder, so two machines with the same kg give the same hash.
    """
    digest = hashlib.sha256()
    for part in (__version__, _version("spacy"), MODEL, _version(MODEL)):
        digest.update(part.encode() + b"\0")
    files = [("gazetteer", GAZETTEER_PATH)]
    files += [(f"patterns/{p.relative_to(PATTERNS_DIR).as_posix()}", p)
              for p in PATTERNS_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    files += [(f"{name}.py", PACKAGE_DIR / f"{name}.py") for name in EXTRACTION_MODULES]
    files += [(f"extract/{p.name}", p) for p in (PACKAGE_DIR / "extract").glob("*.py")]
    for name, path in sorted(files):
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.exists() else b"missing")
    return digest.hexdigest()


def _worker_nlp():
    """The worker's pipeline: loaded on the first chunk, kept for the worker's lifetime."""
    global _NLP, _LOADS
    if _NLP is None:
        from .nlp import make_nlp

        _NLP = make_nlp()
        _LOADS += 1
    return _NLP


def worker_state() -> dict[str, int]:
    """This process's id, how many times it loaded the pipeline and how many documents it extracted."""
    return {"pid": os.getpid(), "loads": _LOADS, "documents": _DOCUMENTS}


def _extract_chunk(articles: list[Article], extract: Callable, fingerprint: str) -> tuple[list[DocumentFacts], list[str]]:
    """Run on a worker: the facts and warnings of consecutive articles."""
    global _DOCUMENTS
    if extraction_fingerprint() != fingerprint:
        raise KGError(f"the worker with process {os.getpid()} runs another kg, spaCy or model "
                      "(other extraction code, patterns or gazetteer); install the same kg on every worker")
    warnings: list[str] = []
    with _LOCK:
        documents = extract(articles, nlp=_worker_nlp(), warn=warnings.append)
        _DOCUMENTS += len(documents)
    return documents, warnings


def chunk_size(documents: int, slots: int) -> int:
    """Documents per chunk: at most CHUNK_DOCS, and a number of chunks that is a multiple of the
    worker threads (at least two each), so that no worker is left alone with the last chunk.

    >>> chunk_size(40, 2), chunk_size(5, 2), chunk_size(4, 2), chunk_size(1000, 4)
    (7, 2, 1, 8)
    """
    slots = max(1, slots)
    chunks = slots * max(2, math.ceil(documents / (slots * CHUNK_DOCS)))
    return max(1, math.ceil(documents / chunks))


def local_workers(scheduler: str) -> int | None:
    """N of ``local:N``; None for the address of a scheduler.

    >>> local_workers("local:2"), local_workers("tcp://10.0.0.5:8786")
    (2, None)
    """
    match = _LOCAL.fullmatch(scheduler.strip())
    if match:
        if int(match[1]) < 1:
            raise KGError(f"--dask {scheduler}: a local cluster needs at least one worker (local:1, local:2, ...)")
        return int(match[1])
    if scheduler.strip().startswith("local:"):
        raise KGError(f"--dask {scheduler!r}: write local:N for N local workers, or a scheduler address such as tcp://host:8786")
    return None


@contextmanager
def dask_client(scheduler: str) -> Iterator:
    """A ``distributed.Client`` of the scheduler at ``scheduler`` (or of a new ``local:N`` cluster)
    with at least one worker; closed (the local cluster too) on leaving."""
    distributed = _import_distributed()
    workers = local_workers(scheduler)
    with ExitStack() as stack:
        if workers is not None:
            cluster = stack.enter_context(distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address="127.0.0.1:0", worker_dashboard_address=None, silence_logs=logging.ERROR))
            address = cluster.scheduler_address
        else:
            address = scheduler.strip()
            _probe(distributed, address)
        try:
            client = stack.enter_context(distributed.Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False))
        except Exception as err:  # noqa: BLE001 - answered the probe, then failed: said in one line
            raise KGError(f"cannot connect to the Dask scheduler at {scheduler} ({_reason(err)})") from None
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError):
            raise KGError(f"the Dask scheduler at {scheduler} has no workers; start some with "
                          f"'dask worker {scheduler} --nthreads 1' where kg is installed") from None
        yield client


def _probe(distributed, address: str) -> None:
    """Fail in one line, within about CONNECT_TIMEOUT, unless a Dask scheduler answers at ``address``.

    A first connection and handshake, made before a Client exists (a Client that fails to start
    takes its own time to close, and a service other than Dask's can answer anything).
    """
    import asyncio

    async def handshake() -> None:
        comm = await distributed.comm.connect(address, timeout=CONNECT_TIMEOUT)
        await comm.close()

    try:
        asyncio.run(asyncio.wait_for(handshake(), CONNECT_TIMEOUT))
    except ValueError as err:
        raise KGError(f"--dask {address!r} is not a scheduler address ({_reason(err)}); "
                      "write tcp://host:8786, or local:N for N local workers") from None
    except (OSError, TimeoutError, asyncio.TimeoutError) as err:
        raise KGError(f"cannot reach a Dask scheduler at {address} within {CONNECT_TIMEOUT:g} s ({_reason(err)}); "
                      "start one with 'dask scheduler', or use --dask local:N") from None
    except Exception as err:  # noqa: BLE001 - e.g. the dashboard's HTTP port, whose answer is no Dask message
        raise KGError(f"what answers at {address} is not a Dask scheduler ({type(err).__name__}); "
                      "give the scheduler's address (port 8786 by default, not the dashboard's)") from None


def _reason(err: BaseException) -> str:
    return " ".join(str(err).split())[:200] or type(err).__name__


def extract_dask(
    articles: list[Article],
    extract: Callable,
    *,
    scheduler: str,
    progress: Callable[[int, int], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> list[DocumentFacts]:
    """``extract(articles, nlp=..., warn=...)`` (a module-level function: ``build.extract_documents``)
    over chunks of the articles on the Dask cluster at ``scheduler``; the same facts in the same order.

    Progress is reported as chunks complete (in any order); warnings come in corpus order.
    """
    if not articles:
        return []
    distributed = _import_distributed()
    fingerprint = extraction_fingerprint()
    with dask_client(scheduler) as client:
        size = chunk_size(len(articles), sum(client.nthreads().values()))
        chunks = [articles[i : i + size] for i in range(0, len(articles), size)]
        futures = client.map(_extract_chunk, chunks, extract=extract, fingerprint=fingerprint, pure=False)
        order = {future.key: n for n, future in enumerate(futures)}
        results: list[tuple[list[DocumentFacts], list[str]] | None] = [None] * len(chunks)
        done = emitted = 0
        try:
            for future in distributed.as_completed(futures, loop=client.loop):
                n = order[future.key]
                results[n] = _result(future, scheduler)
                future.release()
                done += len(chunks[n])
                while emitted < len(results) and results[emitted] is not None:
                    for line in results[emitted][1]:  # type: ignore[index]
                        if warn:
                            warn(line)
                    emitted += 1
                if progress:
                    progress(done, len(articles))
        finally:
            client.cancel([f for f in futures if not f.done()])
    return [facts for chunk in results for facts in chunk[0]]  # type: ignore[index]


def _result(future, scheduler: str):
    """A chunk's result; what went wrong on the cluster as a KGError."""
    try:
        return future.result()
    except KGError as err:
        raise KGError(f"a Dask worker of {scheduler} failed: {err}") from None
    except ImportError as err:
        raise KGError(f"a Dask worker of {scheduler} cannot run kg ({err}); install the same kg on every worker") from None
    except Exception as err:  # noqa: BLE001 - a worker that died or left, named as such; a bug in kg still shows
        if type(err).__module__.startswith("distributed"):
            raise KGError(f"the Dask cluster at {scheduler} lost a chunk of documents ({type(err).__name__}: {err}); "
                          "check the workers' logs and memory") from None
        raise
