"""build_graph(): corpus -> spaCy Docs -> facts; write_outputs(): the facts as RDF files in out/, in bounded memory."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from functools import cached_property
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from rdflib import Dataset

from .corpus import Article, load_corpus
from .errors import KGError
from .rdfwrite import write_rdf
from .serialize import checked_ox_quads, checked_part, quads_build_info, turtle_header
from .files import OutputSet, output_lock, remove_stale_temporaries
from .facts import DocumentFacts
from .claimgraph import CLAIMS_GRAPH, add_claims, claims_part
from .graph import BuildInfo, dataset_parts, facts_to_dataset
from .rdfgraph import plain_graph

if TYPE_CHECKING:
    from spacy.tokens import Doc

ProgressCallback = Callable[[int, int], None]
WarnCallback = Callable[[str], None]
#: A batch given to ``nlp.pipe`` holds at most this many documents or characters (bounded memory).
BATCH_DOCS = 32
BATCH_CHARS = 200_000


class BuildResult:
    """What a build produced: the documents' facts, the warnings and, once written, the files.

    The RDF is made from the facts one named graph at a time (``quad_parts``) when the files
    are written, so a large corpus is never held as rdflib objects; ``dataset`` (every named
    graph in one rdflib Dataset) is made only when asked for. A result may also be made from a
    ``dataset`` directly, which is then what is written.
    """

    def __init__(
        self,
        dataset: Dataset | None = None,
        documents: Iterable[DocumentFacts] = (),
        seconds: float = 0.0,
        files: list[Path] | None = None,
        warnings: list[str] | None = None,
        info: BuildInfo | None = None,
    ) -> None:
        self.documents = list(documents)
        self.seconds = seconds
        self.files = files if files is not None else []
        self.warnings = warnings if warnings is not None else []
        self.info = info
        self._given = dataset
        self.triple_count: int | None = None  # set once the files are written

    @cached_property
    def dataset(self) -> Dataset:
        """Every named graph of the build in one rdflib Dataset (made on first use)."""
        if self._given is not None:
            return self._given
        dataset = facts_to_dataset(self.documents, self.info or BuildInfo(time="", corpus=""))
        add_claims(dataset, self.documents)
        return dataset

    @cached_property
    def graph(self):
        """All triples of the dataset as one plain graph (what graph.ttl holds)."""
        return plain_graph(self.dataset)

    @property
    def corpus(self) -> str | None:
        """The corpus as the build's provenance names it; None for a result made from a dataset."""
        return self.info.corpus if self.info is not None and self._given is None else None

    def quad_parts(self) -> Iterator[list]:
        """The build's quads (pyoxigraph), one named graph at a time, checked for terms no file can carry."""
        if self._given is not None or self.info is None:
            yield checked_ox_quads(self.dataset)
            return
        for name, triples in dataset_parts(self.documents, self.info):
            yield checked_part(name, triples)
        yield checked_part(CLAIMS_GRAPH, claims_part(self.documents)[1])

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
            "triples": self.triple_count if self.triple_count is not None else len(self.graph),
            "warnings": len(self.warnings),
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


def extract_documents(
    articles: list[Article],
    nlp=None,
    progress: ProgressCallback | None = None,
    warn: WarnCallback | None = None,
    *,
    jobs: int = 1,
    dask: str | None = None,
) -> list[DocumentFacts]:
    """Run the spaCy pipeline over the articles and collect their facts.

    A body longer than ``nlp.chunk_limit(nlp)`` is cut at paragraph or sentence ends into parts
    processed as separate Docs, whose facts are merged with their offsets shifted; batches are
    bounded in documents and characters, so memory stays bounded however large a document is.
    ``warn`` receives a line for each chunked document and each document with over-long
    sentences cut by ``kg_sentence_cap``. With ``jobs`` above 1 the documents are extracted in
    that many processes (kg.parallel), with ``dask`` (a scheduler address or ``local:N``) on a
    Dask cluster (kg.distributed), with the same result.
    """
    from .facts import doc_to_facts
    from .nlp import chunk_limit, make_nlp

    if dask:
        from .distributed import extract_dask

        return extract_dask(articles, extract_documents, scheduler=dask, progress=progress, warn=warn)
    nlp = nlp or make_nlp()
    if jobs > 1 and len(articles) > 1:
        from .parallel import extract_parallel

        return extract_parallel(articles, extract_documents, nlp, jobs, progress=progress, warn=warn)
    parts: list[DocumentFacts] = []
    cuts = 0
    documents = []
    for doc, (index, offset, count) in _processed(nlp, articles, chunk_limit(nlp)):
        article = articles[index]
        # each part becomes plain facts at once: no Doc outlives its batch
        parts.append(doc_to_facts(doc, replace(article, body_start=article.body_start + offset)))
        cuts += doc.user_data.get("kg_sentence_cuts", 0)
        if len(parts) < count:
            continue
        documents.append(merge_facts(article, parts))
        if warn:
            _warn_about_parts(article, count, cuts, warn)
        parts, cuts = [], 0
        if progress:
            progress(len(documents), len(articles))
    return documents


def _processed(nlp, articles: list[Article], limit: int) -> Iterator[tuple[Doc, tuple[int, int, int]]]:
    """Annotated Docs of every part of every body, with (article index, offset in body, parts)."""
    from .nlp import chunk_spans, make_doc

    def pieces() -> Iterator[tuple[str, Article, tuple[int, int, int]]]:
        for index, article in enumerate(articles):
            spans = chunk_spans(article.body, limit)
            for start, end in spans:
                yield article.body[start:end], article, (index, start, len(spans))

    batch: list[tuple[Doc, tuple[int, int, int]]] = []
    chars = 0
    for text, article, context in pieces():
        batch.append((make_doc(nlp, text, year=article.year, date=article.date, doc_id=article.id), context))
        chars += len(text)
        if len(batch) >= BATCH_DOCS or chars >= BATCH_CHARS:
            yield from nlp.pipe(batch, as_tuples=True, batch_size=len(batch))
            batch, chars = [], 0
    if batch:
        yield from nlp.pipe(batch, as_tuples=True, batch_size=len(batch))


def _warn_about_parts(article: Article, count: int, cuts: int, warn: WarnCallback) -> None:
    if count > 1:
        warn(f"{article.path}: {len(article.body):,} characters, processed in {count} parts; "
             "phrases such as 'both countries' are resolved within each part")
    if cuts:
        warn(f"{article.path}: over-long text without a full stop cut into sentences at {cuts} place{'s' if cuts != 1 else ''}")


def merge_facts(article: Article, parts: list[DocumentFacts]) -> DocumentFacts:
    """One DocumentFacts from the facts of consecutive parts of an article (offsets already shifted)."""
    if len(parts) == 1:
        return replace(parts[0], article=article)
    entities: dict[str, object] = {}
    for part in parts:
        for entity in part.entities:
            entities.setdefault(entity.id, entity)
    return DocumentFacts(
        article=article,
        sentences=tuple(sorted(s for p in parts for s in p.sentences)),
        entities=tuple(sorted(entities.values())),  # type: ignore[type-var]
        mentions=tuple(sorted({m for p in parts for m in p.mentions})),
        figures=tuple(sorted({f for p in parts for f in p.figures})),
        relations=tuple(sorted({r for p in parts for r in p.relations})),
    )


def build_graph(
    paths: Iterable[Path | str],
    *,
    nlp=None,
    progress: ProgressCallback | None = None,
    encoding: str | None = None,
    max_bytes: int | None = None,
    jobs: int = 1,
    cache_dir: Path | None = None,
    dask: str | None = None,
) -> BuildResult:
    """Read the corpus under ``paths`` and build its knowledge graph in memory.

    ``encoding`` decodes files that are not UTF-8; ``max_bytes`` refuses larger files; ``jobs``
    processes extract documents in parallel (0: one per core), with the same result; with
    ``cache_dir`` (``out/.kg-cache``) documents extracted by an earlier build are taken from
    there (kg.cache) and only new or changed ones are extracted. The
    result's ``warnings`` list what ingest and extraction skipped, repaired or cut.
    """
    start = time.perf_counter()
    corpus = load_corpus(paths, encoding=encoding, max_bytes=max_bytes)
    articles, warnings = corpus.articles, list(corpus.warnings)
    if jobs == 0:
        from .parallel import default_jobs

        jobs = default_jobs()
    documents = extract_cached(articles, cache_dir, nlp=nlp, progress=progress, warn=warnings.append, jobs=jobs, dask=dask)
    info = BuildInfo(time=build_time(articles), corpus=corpus_label(articles))
    return BuildResult(documents=documents, info=info, seconds=time.perf_counter() - start, warnings=warnings)


def extract_cached(
    articles: list[Article],
    cache_dir: Path | None,
    *,
    nlp=None,
    progress: ProgressCallback | None = None,
    warn: WarnCallback,
    jobs: int = 1,
    dask: str | None = None,
) -> list[DocumentFacts]:
    """``extract_documents`` through the extraction cache in ``cache_dir`` (None: no cache).

    Cached documents are not extracted again (the model is not even loaded when all are); new
    ones are extracted and stored; entries of documents no longer in the corpus are removed.
    Facts and warnings come in corpus order, as without a cache.
    """
    if cache_dir is None:
        return extract_documents(articles, nlp=nlp, progress=progress, warn=warn, jobs=jobs, dask=dask)
    from .cache import ExtractionCache

    cache = ExtractionCache(cache_dir)
    found: dict[str, tuple[DocumentFacts, list[str]]] = {}
    missing = []
    for article in articles:
        hit = cache.get(article)
        if hit is None:
            missing.append(article)
        else:
            found[article.id] = hit
    if missing:
        lines: list[str] = []
        extracted = extract_documents(missing, nlp=nlp, progress=progress, warn=lines.append, jobs=jobs, dask=dask)
        entries = [(facts, [line for line in lines if line.startswith(f"{facts.article.path}:")]) for facts in extracted]
        cache.put(entries)
        found.update((facts.article.id, (facts, lines)) for facts, lines in entries)
    cache.prune()
    documents = []
    for article in articles:
        facts, lines = found[article.id]
        documents.append(facts)
        for line in lines:
            warn(line)
    return documents


def corpus_label(articles: Iterable[Article]) -> str:
    """The corpus directories as outputs name them: relative to the working directory, else by name only.

    Outputs never carry absolute paths or host names, so the same corpus gives the same bytes
    wherever it is built from.
    """
    names = set()
    for article in articles:
        folder = Path(article.path).parent
        try:
            names.add(folder.resolve().relative_to(Path.cwd().resolve()).as_posix() or ".")
        except ValueError:
            names.add(folder.name or ".")
    return ", ".join(sorted(names))


def write_outputs(result: BuildResult, out_dir: Path, *, html: bool = True, store: bool = True) -> list[Path]:
    """Write graph.ttl, graph.trig, the page and the Oxigraph database, then replace those of ``out_dir`` as one set.

    Memory stays bounded however large the corpus: quads go, one named graph at a time, into
    sorted runs (``kg.sortedruns``) that are merged straight into the Turtle and TriG files;
    Oxigraph's bulk loader reads those files into the database (``out_dir/store``, which
    ``kg query``, ``kg serve`` and ``kg stats`` open instead of parsing graph.trig); the page is
    drawn from the database. Everything is written under temporary names and renamed into place
    only when all is written, so a failed build (even a full disk) leaves the previous outputs
    intact and no partial file. A lock file keeps a second build from writing to the same
    directory at the same time, and temporaries left by killed builds are removed.
    """
    from .sortedruns import SortedRuns, extend_together
    from .store import STORE_NAME, StoreWriter, open_union

    start = time.perf_counter()
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise KGError(f"{out_dir}: exists and is not a directory; choose another --out")
    description = f"kg knowledge graph of {len(result.documents)} documents"
    with output_lock(out_dir), OutputSet() as output:
        remove_stale_temporaries(out_dir)
        quads = SortedRuns(lambda: output.scratch(out_dir))
        triples = SortedRuns(lambda: output.scratch(out_dir), triples=True)
        corpus = result.corpus
        for part in result.quad_parts():
            if corpus is None:
                corpus, _ = quads_build_info(part)
            extend_together(quads, triples, part)
        database = None
        if store or html:  # the page is drawn from the database
            keep = lambda directory: None  # noqa: E731 (filled below, while the files are written)
            database = StoreWriter(output.directory(out_dir / STORE_NAME, keep) if store else output.scratch_directory(out_dir, keep))
        output.file(out_dir / "graph.ttl", lambda stream: write_rdf(
            triples.merged(database and database.tap(triples.statement_format)), "ttl", stream,
            header=turtle_header(description, corpus).encode()))
        trig = output.file(out_dir / "graph.trig", lambda stream: write_rdf(
            quads.merged(database and database.tap(quads.statement_format)), "trig", stream,
            header=turtle_header(description + ", one named graph per document", corpus).encode()))
        result.triple_count = triples.count
        if database is not None:
            database.close(trig)
        if html:
            from .viz import render_html

            output.file(out_dir / "graph.html", render_html(open_union(database.directory)).encode("utf-8"))
        result.files = output.commit()
    result.seconds += time.perf_counter() - start
    return result.files
