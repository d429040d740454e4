"""Read corpus documents: a small metadata header, then the body exactly as published.

A document is a UTF-8 ``.txt`` or ``.md`` file. It starts with ``Key: value`` lines (or a
``---`` fenced block of them) and a blank line; then comes the body. Known keys: ``id``,
``title``, ``source`` (or ``url``), ``publisher``, ``date`` (ISO 8601: ``2026``, ``2026-01`` or
``2026-01-15``), ``language`` and ``license`` (or ``licence``). A file without a header is read as
a body only; its id is the file name without extension.

Scraping debris (comment prompts, share buttons, cookie notices; see
``extract/patterns/debris.json``) is removed at ingest without touching the stored file: a
trailing run of debris lines is cut off, debris lines inside the body are blanked with spaces of
the same length. Every offset therefore stays valid against the stored text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .errors import CorpusError
from .lexicon import load_patterns

SUFFIXES = (".txt", ".md")
_KEYS = {
    "id": "id",
    "title": "title",
    "source": "source",
    "url": "source",
    "publisher": "publisher",
    "date": "date",
    "language": "language",
    "lang": "language",
    "license": "license",
    "licence": "license",
}
_HEADER_LINE = re.compile(r"([A-Za-z][A-Za-z ]{0,20}):[ \t]*(.*)")
_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,120}")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


@dataclass(frozen=True)
class Article:
    """One corpus document. ``text`` is the stored file, decoded, character for character."""

    id: str
    path: str
    text: str
    body_start: int
    body_end: int
    title: str | None = None
    source: str | None = None
    publisher: str | None = None
    date: str | None = None
    language: str = "en"
    license: str | None = None
    removed: tuple[tuple[int, int], ...] = field(default=())

    @property
    def body(self) -> str:
        """The cleaned body: ``text[body_start:body_end]`` with debris lines blanked.

        Index ``i`` of the body is index ``body_start + i`` of the stored text.
        """
        chars = list(self.text[self.body_start : self.body_end])
        for start, end in self.removed:
            for i in range(start - self.body_start, end - self.body_start):
                if chars[i] not in "\r\n":
                    chars[i] = " "
        return "".join(chars)

    @property
    def year(self) -> int | None:
        """The publication year, if the header gives a date."""
        return int(self.date[:4]) if self.date else None


@lru_cache(maxsize=1)
def _debris_patterns() -> tuple[re.Pattern[str], ...]:
    data = load_patterns("debris")
    return tuple(re.compile(p, re.IGNORECASE) for p in data["line_patterns"])


def is_debris(line: str) -> bool:
    """True if a whole line is scraping debris.

    >>> is_debris("Please log in or register to join the discussion")
    True
    >>> is_debris("Comments")
    True
    >>> is_debris("Bilateral trade reached $88.3 billion in 2025.")
    False
    """
    stripped = line.strip()
    return bool(stripped) and any(p.fullmatch(stripped) for p in _debris_patterns())


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each line in text[start:end], without the line break."""
    spans = []
    for match in re.finditer(r"[^\r\n]*", text[start:end]):
        if match.start() == match.end() and spans and spans[-1][1] == start + match.start():
            continue
        spans.append((start + match.start(), start + match.end()))
    return spans


def parse_article(text: str, path: str) -> Article:
    """Parse the stored text of one document."""
    meta: dict[str, str] = {}
    pos = 0
    lines = text.splitlines(keepends=True)
    if lines and lines[0].strip() == "---":
        pos = len(lines[0])
        for line in lines[1:]:
            pos += len(line)
            if line.strip() == "---":
                break
            _header_entry(line, meta, path)
        else:
            raise CorpusError(f"{path}: the '---' metadata block is never closed; add a '---' line after it")
    elif lines and _is_header_line(lines[0]):
        for line in lines:
            if not line.strip():
                pos += len(line)
                break
            if not _is_header_line(line):
                break
            _header_entry(line, meta, path)
            pos += len(line)
    # skip blank lines before the body
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    body_start = pos
    body_end = len(text)
    removed: list[tuple[int, int]] = []
    line_spans = [s for s in _lines(text, body_start, body_end)]
    # cut a trailing run of blank and debris lines
    while line_spans:
        s, e = line_spans[-1]
        if text[s:e].strip() and not is_debris(text[s:e]):
            break
        line_spans.pop()
    body_end = line_spans[-1][1] if line_spans else body_start
    for s, e in line_spans:
        if is_debris(text[s:e]):
            removed.append((s, e))
    if not text[body_start:body_end].strip():
        raise CorpusError(f"{path}: the document has no body text after its header; add the article text")
    doc_id = meta.pop("id", None) or _default_id(path)
    if not _ID.fullmatch(doc_id):
        raise CorpusError(
            f"{path}: id {doc_id!r} is not a valid document id; use lowercase letters, digits, '.', '_' or '-'"
        )
    date = meta.get("date")
    if date is not None and not _DATE.fullmatch(date):
        raise CorpusError(f"{path}: date {date!r} is not ISO 8601; write it as YYYY, YYYY-MM or YYYY-MM-DD")
    return Article(
        id=doc_id,
        path=path,
        text=text,
        body_start=body_start,
        body_end=body_end,
        title=meta.get("title"),
        source=meta.get("source"),
        publisher=meta.get("publisher"),
        date=date,
        language=meta.get("language", "en"),
        license=meta.get("license"),
        removed=tuple(removed),
    )


def _is_header_line(line: str) -> bool:
    match = _HEADER_LINE.fullmatch(line.rstrip("\r\n"))
    return bool(match) and match.group(1).strip().lower() in _KEYS


def _header_entry(line: str, meta: dict[str, str], path: str) -> None:
    match = _HEADER_LINE.fullmatch(line.rstrip("\r\n"))
    if not match:
        if line.strip():
            raise CorpusError(f"{path}: header line {line.strip()!r} is not 'Key: value'")
        return
    key = _KEYS.get(match.group(1).strip().lower())
    if key and match.group(2).strip():
        meta[key] = match.group(2).strip()


def _default_id(path: str) -> str:
    stem = Path(path).stem.lower()
    return re.sub(r"[^a-z0-9._-]+", "-", stem).strip("-") or "doc"


def read_article(path: Path) -> Article:
    """Read and parse one document file."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise CorpusError(f"{path}: cannot read the file ({err.strerror}); check that it exists and is readable") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CorpusError(
            f"{path}: not valid UTF-8 at byte {err.start} ({err.reason}); re-save the file as UTF-8"
        ) from None
    if text.startswith("\ufeff"):
        raise CorpusError(f"{path}: starts with a byte-order mark; save it as UTF-8 without BOM")
    return parse_article(text, str(path))


def find_documents(paths: Iterable[Path]) -> list[Path]:
    """Expand directories into their document files (sorted); check that every path exists."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise CorpusError(f"{path}: no such file or directory; pass a corpus directory or document files")
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.lower().startswith("readme")
            )
        else:
            found.append(path)
    return found


def read_corpus(paths: Iterable[Path | str]) -> list[Article]:
    """Read every document under the given files and directories, sorted by id."""
    paths = [Path(p) for p in paths]
    files = find_documents(paths)
    if not files:
        where = ", ".join(str(p) for p in paths) or "(no paths given)"
        raise CorpusError(f"No articles found in {where}; expected *.txt or *.md files")
    articles = [read_article(f) for f in files]
    seen: dict[str, str] = {}
    for article in articles:
        if article.id in seen:
            raise CorpusError(
                f"{article.path}: id {article.id!r} is also used by {seen[article.id]}; give each document its own id"
            )
        seen[article.id] = article.path
    return sorted(articles, key=lambda a: a.id)
