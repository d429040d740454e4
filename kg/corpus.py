"""Read corpus documents: a small metadata header, then the body exactly as published.

A document is a UTF-8 ``.txt`` or ``.md`` file. It starts with ``Key: value`` lines (or a
``---`` fenced block of them) and a blank line; then comes the body. Known keys: ``id``,
``title``, ``source`` (or ``url``), ``publisher``, ``date`` (ISO 8601: ``2026``, ``2026-01`` or
``2026-01-15``), ``language`` and ``license`` (or ``licence``), and the provenance ``kg add`` writes
(``author``, ``format``, ``original``, ``hash``, ``retrieved``; see ``kg.ingest``). A file without a
header is read as a body only; its id is the file name without extension, its title its first line.

Decoding (``rawtext.decode_document``): UTF-8; a byte-order mark (UTF-8, UTF-16, UTF-32) is
removed and decides the encoding; other encodings only with ``encoding=`` (``kg build
--encoding``). ``Article.text`` is the decoded file: without its byte-order mark, with control
characters as spaces and lone surrogates as U+FFFD, every other character as published. Every
offset of the graph counts characters (code points) of ``Article.text``.

Scraping debris (comment prompts, share buttons, cookie notices; see
``extract/patterns/debris.json``), HTML tags and zero-width or bidi characters are removed at
ingest without touching the stored file: a trailing run of debris lines is cut off; debris lines,
tags and invisible characters inside the body are blanked with spaces of the same length, and
character references ("&amp;") become their character plus spaces. ``Article.body`` is that
cleaned text, as long as the body slice of ``Article.text``, so every offset stays valid.

``load_corpus`` skips empty documents and documents whose body repeats an earlier one, with a
warning each; it fails only when nothing is left to build.
"""

from __future__ import annotations

import base64
import itertools
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from .errors import CorpusError
from .lexicon import load_patterns
from .rawtext import blank_markup, check_encoding, decode_document
from .repeats import drop_repeated_bodies, flag_near_duplicates

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
    # provenance written by `kg add` (kg.ingest): the original's format, address, hash and fetch time
    "author": "author",
    "format": "media_type",
    "original": "original",
    "hash": "sha256",
    "retrieved": "retrieved",
}
_HEADER_LINE = re.compile(r"([A-Za-z][A-Za-z ]{0,20}):[ \t]*(.*)")
_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,120}")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_HASH = re.compile(r"sha256:([0-9a-fA-F]{64})")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml")


@dataclass(frozen=True)
class Article:
    """One corpus document. ``text`` is the stored file, decoded (see the module docstring).

    ``body`` is the cleaned body the NLP pipeline reads: ``text[body_start:body_end]`` with
    debris lines, HTML and invisible characters blanked; index ``i`` of the body is index
    ``body_start + i`` of the stored text. ``warnings`` say what ingest changed or found.
    """

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
    body: str = field(default="", repr=False)
    warnings: tuple[str, ...] = field(default=(), compare=False)
    author: str | None = None
    media_type: str | None = None
    original: str | None = None
    sha256: str | None = None
    retrieved: str | None = None

    @property
    def derived_from(self) -> str | None:
        """What the stored text was made from, as an IRI for ``prov:wasDerivedFrom``: the http(s)
        address fetched (``Original``), else the original's hash as an RFC 6920 ``ni:`` IRI."""
        if self.original and re.match(r"https?://", self.original):
            return self.original.split("#")[0] if self.media_type not in _FEED_TYPES else self.original
        if self.sha256:
            digest = base64.urlsafe_b64encode(bytes.fromhex(self.sha256)).decode().rstrip("=")
            return f"ni:///sha-256;{digest}"
        return None

    @property
    def year(self) -> int | None:
        """The publication year, if the header gives a date."""
        return int(self.date[:4]) if self.date else None


@lru_cache(maxsize=1)
def _debris_patterns() -> tuple[re.Pattern[str], ...]:
    data = load_patterns("debris")
    return tuple(re.compile(p, re.IGNORECASE) for p in data["line_patterns"])


@lru_cache(maxsize=1)
def _dateline_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in load_patterns("debris").get("dateline_patterns", []))


def dateline_end(line: str) -> int:
    """The length of the wire dateline that opens a line ("SEOUL, Jan. 15 (Yonhap) -- "), else 0.

    >>> dateline_end("TOKYO -- Japan lifted the curbs."), dateline_end("Japan - the curbs were lifted.")
    (9, 0)
    """
    for pattern in _dateline_patterns():
        match = pattern.match(line)
        if match:
            return match.end()
    return 0


def is_debris(line: str) -> bool:
    """True if a whole line is scraping debris.

    >>> is_debris("Please log in or register to join the discussion")
    True
    >>> is_debris("Comments")
    True
    >>> is_debris("Chip exports reached $41.7 billion in 2022.")
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
    """Parse the (decoded) stored text of one document; an ``EmptyDocument`` if it has no body."""
    meta, pos = _parse_header(text, path)
    headerless = not meta
    body, removed, notes = _clean_body(text[pos:])
    if not body.strip():
        raise EmptyDocument(f"{path}: the document has no body text" + (" after its header" if pos else ""))
    doc_id = meta.pop("id", None) or _default_id(path)
    if not _ID.fullmatch(doc_id):
        raise CorpusError(
            f"{path}: id {doc_id!r} is not a valid document id; use lowercase letters, digits, '.', '_' or '-'"
        )
    date = meta.get("date")
    if date is not None and not _DATE.fullmatch(date):
        raise CorpusError(f"{path}: date {date!r} is not ISO 8601; write it as YYYY, YYYY-MM or YYYY-MM-DD")
    title = meta.get("title")
    if headerless:
        # no header at all: the first line is the title (kg add writes a header with it)
        title = _first_line(body)
        missing = [key for key in ("date", "source", "publisher") if key not in meta]
        notes.append(
            "no metadata header: title taken from its first line; no " + ", no ".join(missing)
            + "; add a 'Key: value' header (at least 'Date: YYYY-MM-DD', so that periods such as 'last year' resolve) or use kg add"
        )
    elif date is None:
        notes.append("no date in its header; add 'Date: YYYY-MM-DD' so that periods such as 'last year' resolve")
    digest = meta.get("sha256")
    if digest is not None:
        match = _HASH.fullmatch(digest)
        if not match:
            notes.append(f"Hash {digest!r} is not 'sha256:' and 64 hexadecimal digits; ignored")
        digest = match.group(1).lower() if match else None
    return Article(
        id=doc_id,
        path=path,
        text=text,
        body_start=pos,
        body_end=pos + len(body),
        title=title,
        source=meta.get("source"),
        publisher=meta.get("publisher"),
        date=date,
        language=meta.get("language", "en"),
        license=meta.get("license"),
        removed=tuple((pos + s, pos + e) for s, e in removed),
        body=body,
        warnings=tuple(f"{path}: {note}" for note in notes),
        author=meta.get("author"),
        media_type=meta.get("media_type"),
        original=meta.get("original"),
        sha256=digest,
        retrieved=meta.get("retrieved"),
    )


def _first_line(body: str, limit: int = 150) -> str | None:
    """The first non-blank line of a body (spaces collapsed), cut at a word to ``limit`` characters."""
    for line in body.splitlines():
        line = " ".join(line.split())
        if line:
            return line if len(line) <= limit else line[:limit].rsplit(" ", 1)[0] + "…"
    return None


def _parse_header(text: str, path: str) -> tuple[dict[str, str], int]:
    """The header's known keys and the offset where the body starts (after blank lines)."""
    meta: dict[str, str] = {}
    pos = 0
    lines = _iter_lines(text)
    first = next(lines, "")
    if first.strip() == "---":
        pos = len(first)
        for line in lines:
            pos += len(line)
            if line.strip() == "---":
                break
            _header_entry(line, meta, path)
        else:
            raise CorpusError(f"{path}: the '---' metadata block is never closed; add a '---' line after it")
    elif _is_header_line(first):
        for line in itertools.chain([first], lines):
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
    return meta, pos


def _iter_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their line breaks, lazily (a corpus file may be large)."""
    for match in re.finditer("[^\r\n\u2028\u2029]*(?:\r\n|[\r\n\u2028\u2029]|\\Z)", text):
        if match.group():
            yield match.group()


def _clean_body(region: str) -> tuple[str, list[tuple[int, int]], list[str]]:
    """The cleaned body of ``region`` (text after the header), its debris lines, and notes.

    Markup is blanked first, so a debris line wrapped in tags is still recognised. A trailing
    run of blank and debris lines is cut off; debris lines inside the body are blanked, and so is
    the dateline that opens a wire story's line.
    """
    blanked = blank_markup(region)
    cleaned = blanked.text
    line_spans = _lines(cleaned, 0, len(cleaned))
    while line_spans:
        s, e = line_spans[-1]
        if cleaned[s:e].strip() and not is_debris(cleaned[s:e]):
            break
        line_spans.pop()
    end = line_spans[-1][1] if line_spans else 0
    removed = [(s, e) for s, e in line_spans if is_debris(cleaned[s:e])]
    removed += [(s, s + n) for s, e in line_spans if (n := dateline_end(cleaned[s:e]))]
    removed.sort()
    pieces, last = [], 0
    for s, e in removed:
        pieces += [cleaned[last:s], " " * (e - s)]
        last = e
    pieces.append(cleaned[last:end])
    return "".join(pieces), removed, blanked.notes()


class EmptyDocument(CorpusError):
    """A document without body text: skipped with a warning by ``load_corpus``."""


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


def read_article(path: Path, *, encoding: str | None = None, max_bytes: int | None = None) -> Article:
    """Read, decode and parse one document file (see ``rawtext.decode_document``)."""
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise CorpusError(
                f"{path}: {size:,} bytes, more than --max-bytes {max_bytes:,}; split the file or raise --max-bytes"
            )
        data = path.read_bytes()
    except OSError as err:
        raise CorpusError(f"{path}: cannot read the file ({err.strerror}); check that it exists and is readable") from None
    if not data:
        raise EmptyDocument(f"{path}: the file is empty")
    decoded = decode_document(data, str(path), encoding)
    if not decoded.text.strip():
        raise EmptyDocument(f"{path}: the file holds only " + ("a byte-order mark" if not decoded.text else "whitespace"))
    article = parse_article(decoded.text, str(path))
    notes = tuple(f"{path}: {note}" for note in decoded.notes)
    return replace(article, warnings=notes + article.warnings)


#: What kg build leaves to `kg add` (kg.ingest): saved web pages, PDFs, feeds.
CONVERTIBLE = (".html", ".htm", ".xhtml", ".pdf", ".rss", ".atom")


def _convertible_files(paths: Iterable[Path]) -> list[Path]:
    """Files in the corpus directories that `kg add` converts but kg build does not read."""
    return [
        p
        for path in paths
        if path.is_dir()
        for p in sorted(path.rglob("*"))
        if p.is_file() and p.suffix.lower() in CONVERTIBLE
    ]


def _named_markup(paths: Iterable[Path]) -> list[str]:
    """Warnings for web pages and feeds named on the command line: read as text, markup blanked."""
    return [
        f"{path}: a saved web page or feed read as plain text (tags blanked, navigation and ads kept); "
        "`kg add` extracts its article and metadata instead"
        for path in paths
        if path.is_file() and path.suffix.lower() in CONVERTIBLE and path.suffix.lower() != ".pdf"
    ]


def find_documents(paths: Iterable[Path]) -> list[Path]:
    """Expand directories into their document files (sorted); check that every path exists.

    A file reached twice (named and inside a named directory) is read once.
    """
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
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


@dataclass
class Corpus:
    """The articles of a corpus, sorted by id, and the warnings of reading them."""

    articles: list[Article]
    warnings: list[str]


def load_corpus(paths: Iterable[Path | str], *, encoding: str | None = None, max_bytes: int | None = None) -> Corpus:
    """Read every document under the given files and directories.

    Empty documents and repeated bodies are skipped with a warning; a CorpusError if nothing is
    left, if a file cannot be decoded or parsed, or if two documents share an id.
    """
    paths = [Path(p) for p in paths]
    encoding = check_encoding(encoding) if encoding else None
    files = find_documents(paths)
    where = ", ".join(str(p) for p in paths) or "(no paths given)"
    unread = _convertible_files(paths)
    if not files:
        hint = f"; convert the {len(unread)} saved pages, PDFs or feeds there with `kg add`" if unread else ""
        raise CorpusError(f"No articles found in {where}; expected *.txt or *.md files{hint}")
    articles, warnings = [], _named_markup(paths)
    if unread:
        names = ", ".join(str(p) for p in unread[:3]) + (", ..." if len(unread) > 3 else "")
        warnings.append(f"{len(unread)} file{'s' if len(unread) != 1 else ''} that kg build does not read ({names}): "
                        "convert saved pages, PDFs and feeds into corpus documents with `kg add FILE...`")
    for file in files:
        try:
            articles.append(read_article(file, encoding=encoding, max_bytes=max_bytes))
        except EmptyDocument as err:
            warnings.append(f"{err}; skipped")
    articles = drop_repeated_bodies(sorted(articles, key=lambda a: (a.id, a.path)), warnings)
    flag_near_duplicates(articles, warnings)
    if not articles:
        raise CorpusError(f"Nothing to build in {where}: every document was skipped ({'; '.join(warnings[:3])})")
    _check_unique_ids(articles)
    for article in articles:
        warnings.extend(article.warnings)
    return Corpus(articles, warnings)


def read_corpus(paths: Iterable[Path | str], *, encoding: str | None = None, max_bytes: int | None = None) -> list[Article]:
    """The articles of ``load_corpus`` (its warnings are dropped), sorted by id."""
    return load_corpus(paths, encoding=encoding, max_bytes=max_bytes).articles


def _check_unique_ids(articles: list[Article]) -> None:
    seen: dict[str, str] = {}
    for article in articles:
        if article.id in seen:
            raise CorpusError(
                f"{article.path}: id {article.id!r} is also used by {seen[article.id]}; give each document its own id"
            )
        seen[article.id] = article.path
