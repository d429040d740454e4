"""Quads in kg's order, in bounded memory: sorted runs spilled to scratch files, then merged.

A build's quads come one named graph at a time; kg's files list them in one fixed order
(``rdfwrite``: graph, subject in natural order, predicate, object), each once. Sorting them all
in memory would hold the whole corpus at once, so ``SortedRuns`` keeps at most ``run_size`` of
them: each full batch is sorted and written to a scratch file as lines of its sort key and its
N-Quads (or N-Triples) text, and ``merged()`` reads the runs back in one k-way merge, dropping
repeats, and hands Oxigraph's parser a stream to turn into quads again for its serialiser.

Keys are joined with NUL, which no IRI holds and which a literal's N-Triples text always escapes,
so comparing two lines compares their keys field by field, as the in-memory sort does.

>>> import io, pyoxigraph as ox
>>> runs = SortedRuns(lambda: io.BytesIO(), triples=True, run_size=2)
>>> p = ox.NamedNode("urn:p")
>>> runs.extend(ox.Quad(ox.NamedNode(f"urn:s{n}"), p, ox.Literal("x"), ox.NamedNode(f"urn:g{n % 2}")) for n in (10, 9, 10, 2))
>>> [t.subject.value for t in runs.merged()], runs.count
(['urn:s2', 'urn:s9', 'urn:s10'], 3)
"""

from __future__ import annotations

import heapq
import io
from typing import IO, Callable, Iterable, Iterator

import pyoxigraph as ox

from .rdfwrite import RDF_TYPE, natural_key

#: Quads held in memory before a sorted run goes to a scratch file (about 15 MB of lines).
RUN_SIZE = 50_000


class SortedRuns:
    """Quads (or, with ``triples``, the triples of quads: their RDF merge) sorted in kg's order, each once.

    ``scratch()`` gives a new binary file (read and write) for each run that does not fit in memory.
    """

    def __init__(self, scratch: Callable[[], IO[bytes]], *, triples: bool = False, run_size: int | None = None) -> None:
        self._scratch = scratch
        self._triples = triples
        self._run_size = run_size or RUN_SIZE
        self._lines: list[str] = []
        self._runs: list[IO[bytes]] = []
        self.count = 0  # quads or triples given by merged(), once it has run

    @property
    def runs(self) -> int:
        """Sorted runs spilled to scratch files so far."""
        return len(self._runs)

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads (for triple runs: their triples)."""
        for pair in _lines(quads):
            self.add_line(pair[self._triples])

    def add_line(self, line: str) -> None:
        """Add one line of ``_lines``."""
        self._lines.append(line)
        if len(self._lines) >= self._run_size:
            self._spill()

    def _spill(self) -> None:
        stream = self._scratch()
        lines = self._lines
        lines.sort()
        for start in range(0, len(lines), 4096):
            stream.write(("\n".join(lines[start : start + 4096]) + "\n").encode("utf-8"))
        stream.seek(0)
        self._runs.append(stream)
        self._lines = []

    @property
    def statement_format(self) -> ox.RdfFormat:
        """The format of the lines ``merged`` hands its ``tap``: N-Triples, or N-Quads."""
        return ox.RdfFormat.N_TRIPLES if self._triples else ox.RdfFormat.N_QUADS

    def merged(self, tap: Callable[[bytes], None] | None = None) -> Iterator[ox.Quad | ox.Triple]:
        """Every quad (or triple) once, in kg's order, parsed back by Oxigraph as the runs are merged.

        ``tap`` receives each statement as a line of N-Quads (N-Triples) too, for instance to load a store.
        """
        for quad in ox.parse(_LineReader(self._statements(tap)), format=self.statement_format):
            yield quad.triple if self._triples else quad

    def _statements(self, tap: Callable[[bytes], None] | None) -> Iterator[bytes]:
        self._lines.sort()
        memory = (line.encode("utf-8") + b"\n" for line in self._lines)
        previous = None
        self.count = 0
        for line in heapq.merge(memory, *self._runs):
            if line == previous:
                continue
            previous = line
            self.count += 1
            statement = line[line.rindex(b"\0") + 1 : -1] + b" .\n"
            if tap is not None:
                tap(statement)
            yield statement
        self._lines = []
        for stream in self._runs:
            stream.close()
        self._runs = []


def extend_together(by_quad: SortedRuns, by_triple: SortedRuns, quads: Iterable[ox.Quad]) -> None:
    """Add quads to quad runs and their triples to triple runs, making each line's parts once."""
    for quad_line, triple_line in _lines(quads):
        by_quad.add_line(quad_line)
        by_triple.add_line(triple_line)


def _lines(quads: Iterable[ox.Quad]) -> Iterator[tuple[str, str]]:
    """For each quad, its run line and that of its triple: the sort key (``rdfwrite.QuadOrder``'s
    fields), then the N-Quads (N-Triples) text."""
    subjects: dict = {}  # subject -> (natural key, N-Triples text), for this batch of quads
    for quad in quads:
        subject = quad.subject
        known = subjects.get(subject)
        if known is None:
            text = str(subject)
            known = subjects[subject] = (natural_key(text), text)
        predicate, graph = quad.predicate, quad.graph_name
        iri, obj = predicate.value, str(quad.object)
        body = f"{known[0]}\0{'' if predicate == RDF_TYPE else iri}\0{obj}\0{known[1]} <{iri}> {obj}"
        if isinstance(graph, ox.DefaultGraph):
            yield "\0" + body, "\0" + body
        else:
            name = str(graph)
            yield f"~{name}\0{body} {name}", "\0" + body


class _LineReader(io.RawIOBase):
    """A readable binary stream over an iterator of byte strings."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self._pending:
            gathered, size = [], 0
            for chunk in self._chunks:
                gathered.append(chunk)
                size += len(chunk)
                if size >= len(buffer):
                    break
            self._pending = memoryview(b"".join(gathered))
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size
