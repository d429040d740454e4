"""Extraction in several processes: ``kg build --jobs N``.

Documents are independent until the claims step, so the corpus is cut into small consecutive
chunks that a pool of worker processes extracts, each with the pipeline loaded once (forked from
the parent, which loaded it already, so the model is shared copy-on-write). Results are taken
back in corpus order, so the facts, the warnings and therefore every output byte are the same
for any number of jobs.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .corpus import Article
    from .facts import DocumentFacts

#: Documents per task: small enough to balance two workers, large enough to fill nlp.pipe's batches.
CHUNK_DOCS = 8

_NLP = None  # the pipeline of the worker processes, set in the parent before they fork


def default_jobs() -> int:
    """The number of processes ``--jobs 0`` means: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _extract_chunk(task: tuple[Callable, list[Article]]) -> tuple[list[DocumentFacts], list[str]]:
    extract, articles = task
    warnings: list[str] = []
    return extract(articles, nlp=_NLP, warn=warnings.append), warnings


def extract_parallel(
    articles: list[Article],
    extract: Callable,
    nlp,
    jobs: int,
    progress: Callable[[int, int], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> list[DocumentFacts]:
    """``extract(articles, nlp=..., warn=...)`` (a module-level function: ``build.extract_documents``)
    over chunks of the articles in ``jobs`` worker processes; the same facts in the same order."""
    global _NLP
    chunks = [articles[i : i + CHUNK_DOCS] for i in range(0, len(articles), CHUNK_DOCS)]
    _NLP = nlp
    documents: list[DocumentFacts] = []
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(chunks))) as pool:
            for facts, warnings in pool.imap(_extract_chunk, [(extract, chunk) for chunk in chunks]):
                documents.extend(facts)
                for line in warnings:
                    if warn:
                        warn(line)
                if progress:
                    progress(len(documents), len(articles))
    finally:
        _NLP = None
    return documents
