"""A plain-text source -> a document: its header kept if it has one, else the title from its first line."""

from __future__ import annotations

from ..corpus import _parse_header
from ..rawtext import decode_document
from .document import Document, first_line_title, sha256


def text_document(data: bytes, *, name: str, media_type: str = "text/plain", url: str | None = None) -> Document:
    """The body of a text file exactly as given (its ``Key: value`` header, if any, becomes metadata)."""
    decoded = decode_document(data, name)
    meta, pos = _parse_header(decoded.text, name)
    body = decoded.text[pos:].rstrip()
    document = Document(
        text=body,
        media_type=media_type,
        sha256=sha256(data),
        id=meta.get("id"),
        title=meta.get("title") or first_line_title(body),
        source=meta.get("source") or url,
        publisher=meta.get("publisher"),
        author=meta.get("author"),
        date=meta.get("date"),
        language=meta.get("language"),
        license=meta.get("license"),
    )
    document.notes.extend(decoded.notes)
    if not meta.get("title") and document.title:
        document.notes.append("title taken from the first line")
    return document
