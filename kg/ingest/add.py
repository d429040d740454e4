"""``kg add``: fetch or read sources, convert them and store each document in the corpus.

All sources are converted first; only if every one succeeded (or ``keep_going`` is set) are the
documents written, each through a temporary file linked into place, so a file of the corpus is
never overwritten and a failed run leaves the corpus as it was. A document whose address
(tracking parameters aside) or text (spacing aside) is already in the corpus, or came earlier in
the same run (the same story in two feeds), is skipped and said so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ..corpus import CorpusError, find_documents, parse_article, read_article
from ..errors import KGError
from ..files import write_new
from . import SUFFIXES, convert
from .document import Document, slug
from ..repeats import clean_url, text_key, url_key
from .fetch import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, fetch

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass
class Added:
    path: Path
    document: Document


@dataclass
class AddResult:
    added: list[Added] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def is_url(source: str) -> bool:
    """True for anything with a scheme (http:, https:, file:, ftp:, ...), which fetch then checks."""
    return bool(_SCHEME.match(source)) and not Path(source).exists() and not re.match(r"[A-Za-z]:[\\/]", source)


def add_sources(
    sources: list[str],
    corpus: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    doc_id: str | None = None,
    keep_going: bool = False,
    dry_run: bool = False,
) -> AddResult:
    result = AddResult()
    documents: list[Document] = []
    for source in sources:
        try:
            documents.extend(_documents_of(source, timeout=timeout, max_bytes=max_bytes))
        except KGError as err:
            result.errors.append(str(err))
    if result.errors and not keep_going:
        return result
    if doc_id is not None:
        if len(documents) != 1:
            raise CorpusError(f"--id {doc_id!r} names one document, but the sources gave {len(documents)}; leave --id out")
        documents[0].id = doc_id
    corpus = Path(corpus)
    if corpus.exists() and not corpus.is_dir():
        raise CorpusError(f"{corpus}: not a directory; give the corpus directory with --corpus")
    seen_keys, used_ids = _corpus_keys(corpus)
    planned: list[tuple[Path, Document, str]] = []
    for document in documents:
        keys = [f"text:{text_key(document.text)}"] + ([f"url:{url_key(document.source)}"] if document.source else [])
        earlier = next((seen_keys[k] for k in keys if k in seen_keys), None)
        if earlier is not None:
            what = "text" if keys[0] in seen_keys else "address"
            result.skipped.append(f"{_label(document)}: same {what} as {earlier}")
            continue
        document.id = _unique_id(document, used_ids, corpus)
        path = corpus / f"{document.id}.txt"
        text = document.render()
        parsed = parse_article(text, str(path))  # what kg build will read: must parse, with this body
        if parsed.text[parsed.body_start :].strip() != document.text.strip():
            raise CorpusError(f"{_label(document)}: the stored text would not read back as converted; please report this source")
        planned.append((path, document, text))
        for key in keys:
            seen_keys.setdefault(key, str(path))
        used_ids.add(document.id)
    if dry_run:
        result.added = [Added(path, document) for path, document, _ in planned]
        return result
    try:
        for path, document, text in planned:
            result.added.append(Added(_store(path, text), document))
    except CorpusError:
        for added in result.added:  # all or nothing: take back what this run stored
            added.path.unlink(missing_ok=True)
        raise
    return result


def _documents_of(source: str, *, timeout: float, max_bytes: int) -> list[Document]:
    if is_url(source):
        fetched = fetch(source, timeout=timeout, max_bytes=max_bytes)
        address = without_credentials(fetched.final_url)
        documents = convert(
            fetched.data,
            name=address,
            suffix=Path(urlsplit(address).path).suffix,
            media_type=fetched.media_type,
            url=address,
        )
        for document in documents:
            document.retrieved = fetched.retrieved
            if fetched.final_url != source:
                document.notes.append(f"redirected from {without_credentials(source)}")
        return documents
    path = Path(source)
    if not path.exists():
        raise CorpusError(f"{source}: no such file or directory, and not an http(s) address")
    files = _files_in(path) if path.is_dir() else [path]
    if not files:
        raise CorpusError(f"{source}: no web pages, PDFs, feeds or text files in this directory ({', '.join(sorted(SUFFIXES))})")
    documents = []
    for file in files:
        try:
            size = file.stat().st_size
            if size > max_bytes:
                raise CorpusError(f"{file}: {size:,} bytes, more than the limit of {max_bytes:,}; raise --max-bytes to add it")
            data = file.read_bytes()
        except OSError as err:
            raise CorpusError(f"{file}: cannot read the file ({err.strerror}); check that it exists and is readable") from None
        documents.extend(convert(data, name=str(file), suffix=file.suffix))
    return documents


def without_credentials(url: str) -> str:
    """The address without a user name or password, which must not be stored in the corpus.

    >>> without_credentials("https://user:secret@example.org/a?b=1")
    'https://example.org/a?b=1'
    """
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _files_in(directory: Path) -> list[Path]:
    return [
        p
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.lower().startswith("readme") and not p.name.startswith(".")
    ]


def _corpus_keys(corpus: Path) -> tuple[dict[str, str], set[str]]:
    """Addresses and texts already in the corpus (key -> file), and the ids in use."""
    keys: dict[str, str] = {}
    ids: set[str] = set()
    if not corpus.is_dir():
        return keys, ids
    for file in find_documents([corpus]):
        ids.add(file.stem.lower())
        try:
            article = read_article(file)
        except KGError:
            continue
        ids.add(article.id)
        keys.setdefault(f"text:{text_key(article.text[article.body_start:article.body_end])}", str(file))
        if article.source:
            keys.setdefault(f"url:{url_key(article.source)}", str(file))
    return keys, ids


def _unique_id(document: Document, used: set[str], corpus: Path) -> str:
    base = document.id
    if not base:
        base = slug(document.title or "") or slug(Path((document.original or "document").split("#")[0].split("?")[0]).stem) or "document"
        year = (document.date or "")[:4]
        if year and year not in base:
            base = f"{base}-{year}"
    candidate, number = base, 1
    while candidate in used or (corpus / f"{candidate}.txt").exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _store(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically and never over an existing file."""
    try:
        return write_new(path, text.encode("utf-8"))
    except FileExistsError:
        raise CorpusError(f"{path}: a file of this name appeared meanwhile; nothing was overwritten, run kg add again") from None
    except OSError as err:
        raise CorpusError(f"{path}: cannot write ({err.strerror or err}); free space or choose another --corpus") from None


def _label(document: Document) -> str:
    return document.original or document.title or "document"


def describe(added: Added) -> str:
    """One line about a stored document: where, what, and which metadata it lacks."""
    document = added.document
    parts = [document.media_type]
    if document.date:
        parts.append(document.date)
    missing = document.missing()
    if missing:
        parts.append("missing: " + ", ".join(missing))
    notes = "; ".join(document.notes)
    return f"{added.path}: {document.title or '(untitled)'!r} ({', '.join(parts)})" + (f"; {notes}" if notes else "")


__all__ = ["AddResult", "add_sources", "clean_url", "describe", "is_url"]
