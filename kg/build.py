"""build_graph(): corpus -> spaCy Docs -> facts -> RDF dataset; write_outputs(): files in out/."""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

from rdflib import Dataset

from .corpus import Article, read_corpus
from .errors import GraphError, KGError
from .export import remove_stale_temporaries, serialize, write_all_atomic
from .facts import DocumentFacts
from .graph import BuildInfo, facts_to_dataset, union

ProgressCallback = Callable[[int, int], None]


@dataclass
class BuildResult:
    """What a build produced, with counts for the summary line."""

    dataset: Dataset
    documents: list[DocumentFacts]
    seconds: float = 0.0
    files: list[Path] = field(default_factory=list)

    @cached_property
    def graph(self):
        """All triples of the dataset as one plain graph (what graph.ttl holds)."""
        return union(self.dataset)

    @property
    def counts(self) -> dict[str, int]:
        docs = self.documents
        return {
            "documents": len(docs),
            "sentences": sum(len(d.sentences) for d in docs),
            "entities": len({e.id for d in docs for e in d.entities}),
            "mentions": sum(len(d.mentions) for d in docs),
            "figures": sum(len(d.figures) for d in docs),
            "relations": sum(len(d.relations) for d in docs),
            "triples": len(self.graph),
        }


def build_time(articles: Iterable[Article]) -> str:
    """The time the build records: ``SOURCE_DATE_EPOCH`` if set, else the newest input file's mtime.

    Using the inputs' time rather than the clock keeps two builds of the same corpus identical.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            seconds = int(epoch)
        except ValueError:
            raise KGError(f"SOURCE_DATE_EPOCH={epoch!r} is not an integer number of seconds") from None
    else:
        seconds = max(int(Path(a.path).stat().st_mtime) for a in articles)
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def extract_documents(articles: list[Article], nlp=None, progress: ProgressCallback | None = None) -> list[DocumentFacts]:
    """Run the spaCy pipeline over the articles (batched with nlp.pipe) and collect their facts."""
    from .facts import doc_to_facts
    from .nlp import make_doc, make_nlp

    nlp = nlp or make_nlp()
    documents = []
    bodies = ((make_doc(nlp, article.body, year=article.year, date=article.date, doc_id=article.id), article) for article in articles)
    for i, (doc, article) in enumerate(nlp.pipe(bodies, as_tuples=True, batch_size=32), 1):
        documents.append(doc_to_facts(doc, article))
        if progress:
            progress(i, len(articles))
    return documents


def build_graph(paths: Iterable[Path | str], *, nlp=None, progress: ProgressCallback | None = None) -> BuildResult:
    """Read the corpus under ``paths`` and build its knowledge graph in memory."""
    start = time.perf_counter()
    articles = read_corpus(paths)
    documents = extract_documents(articles, nlp=nlp, progress=progress)
    corpus = ", ".join(sorted({str(Path(a.path).parent) for a in articles}))
    info = BuildInfo(time=build_time(articles), corpus=corpus)
    dataset = facts_to_dataset(documents, info)
    return BuildResult(dataset=dataset, documents=documents, seconds=time.perf_counter() - start)


LOCK_NAME = ".kg-build.lock"


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold the output directory's lock file (flock, never waits): one build writes to a directory at a time."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(out_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as err:
        raise GraphError(f"{out_dir}: cannot write ({err.strerror}); check the directory or choose another --out") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KGError(f"another kg build is writing to {out_dir}; wait for it to finish or choose another --out") from None
        yield
    finally:
        os.close(fd)  # closing releases the lock; the file stays, so that no two builds lock different files


def write_outputs(result: BuildResult, out_dir: Path, *, html: bool = True) -> list[Path]:
    """Serialise everything, then replace the output files of ``out_dir`` as one set.

    Every file is written to a temporary first and renamed into place only when all are written,
    so a failed build (even a full disk) leaves the previous outputs intact and no partial file.
    A lock file keeps a second build from writing to the same directory at the same time, and
    temporaries left by killed builds are removed.
    """
    out_dir = Path(out_dir)
    description = f"kg knowledge graph of {len(result.documents)} documents"
    outputs: dict[str, bytes] = {
        "graph.ttl": serialize(result.graph, "ttl", description=description),
        "graph.trig": serialize(result.dataset, "trig", description=description + ", one named graph per document"),
    }
    if html:
        from .viz import render_html

        outputs["graph.html"] = render_html(result.graph).encode("utf-8")
    if out_dir.exists() and not out_dir.is_dir():
        raise KGError(f"{out_dir}: exists and is not a directory; choose another --out")
    with output_lock(out_dir):
        remove_stale_temporaries(out_dir)
        result.files = write_all_atomic({out_dir / name: data for name, data in outputs.items()})
    return result.files
