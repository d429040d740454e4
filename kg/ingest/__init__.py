"""Turn what researchers collect into corpus documents: saved web pages, PDF releases, RSS and
Atom feeds, plain text (with or without a header), and URLs of any of these.

``convert`` reads one source's bytes into ``Document``s (a feed gives one per entry);
``kg.ingest.add.add_sources`` fetches or reads sources, converts them, drops duplicates and
writes each document into the corpus as a UTF-8 text file whose header carries its metadata
and provenance (``Format``, ``Original``, ``Hash``, ``Retrieved``). ``kg build`` reads only those
text files, so offsets index a stored text that never changes with a library's version.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import CorpusError
from .document import Document

#: File name endings ``kg add`` converts, and the kind of each.
SUFFIXES = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
    ".txt": "text",
    ".md": "text",
    ".text": "text",
}
MEDIA = {"html": "text/html", "pdf": "application/pdf", "text": "text/plain"}


def sniff(data: bytes, *, suffix: str = "", media_type: str | None = None) -> str:
    """The kind of a source ('html', 'pdf', 'feed' or 'text'): by signature, then media type, then file name."""
    from .fetch import MEDIA_TYPES

    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf-"):
        return "pdf"
    if head.startswith(b"<?xml") or head.startswith(b"<rss") or head.startswith(b"<feed") or head.startswith(b"<rdf:rdf"):
        if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
            return "feed"
        if b"<html" in head:
            return "html"
    if head.startswith(b"<!doctype html") or head.startswith(b"<html"):
        return "html"
    if media_type in MEDIA_TYPES and MEDIA_TYPES[media_type] != "feed":
        return MEDIA_TYPES[media_type]
    if suffix.lower() in SUFFIXES:
        return SUFFIXES[suffix.lower()]
    if media_type in MEDIA_TYPES:
        return MEDIA_TYPES[media_type]
    return "text"


def convert(data: bytes, *, name: str, suffix: str = "", media_type: str | None = None, url: str | None = None) -> list[Document]:
    """The documents of one source; a CorpusError (one line, naming ``name``) if it holds none."""
    if not data.strip():
        raise CorpusError(f"{name}: the source is empty")
    kind = sniff(data, suffix=suffix, media_type=media_type)
    if kind == "pdf":
        from .pdf import pdf_document

        documents = [pdf_document(data, name=name)]
    elif kind == "html":
        from .html import html_document

        documents = [html_document(data, name=name, url=url)]
    elif kind == "feed":
        from .feed import feed_documents

        documents = feed_documents(data, name=name, url=url)
    else:
        from .text import text_document

        documents = [text_document(data, name=name, media_type=media_type or "text/plain", url=url)]
    for document in documents:
        if document.original is None:
            document.original = url or Path(name).name
        if url and not document.source:
            document.source = url
    return documents


__all__ = ["Document", "SUFFIXES", "convert", "sniff"]
