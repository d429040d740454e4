"""A converted source: the body text to store and the metadata that becomes its header."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from ..rawtext import CONTROL, INVISIBLE

#: Header keys in the order ``kg add`` writes them (kg.corpus reads each of them).
HEADER_KEYS = (
    ("id", "Id"),
    ("title", "Title"),
    ("source", "Source"),
    ("publisher", "Publisher"),
    ("author", "Author"),
    ("date", "Date"),
    ("language", "Language"),
    ("license", "License"),
    ("media_type", "Format"),
    ("original", "Original"),
    ("sha256", "Hash"),
    ("retrieved", "Retrieved"),
)
#: Metadata a document should have; ``missing()`` names those it lacks.
EXPECTED = ("title", "date", "source", "publisher")


@dataclass
class Document:
    """One document made from a source (a page, a PDF, a feed entry, a text file).

    ``text`` is the body as it will be stored, after the header; ``sha256`` is the hash of the
    original bytes (a whole feed for its entries), ``original`` the address or file name read,
    ``media_type`` the original's format (``text/html``, ``application/pdf``, ...).
    """

    text: str
    media_type: str
    sha256: str
    original: str | None = None
    title: str | None = None
    source: str | None = None
    publisher: str | None = None
    author: str | None = None
    date: str | None = None
    language: str | None = None
    license: str | None = None
    retrieved: str | None = None
    id: str | None = None
    notes: list[str] = field(default_factory=list)

    def missing(self) -> list[str]:
        """The expected metadata this document lacks (title, date, source, publisher)."""
        return [key for key in EXPECTED if not getattr(self, key)]

    def header(self) -> str:
        lines = []
        for attr, key in HEADER_KEYS:
            value = getattr(self, attr)
            if attr == "sha256" and value:
                value = f"sha256:{value}"
            value = one_line(value) if value else None
            if value:
                lines.append(f"{key}: {value}")
        return "\n".join(lines) + "\n\n"

    def render(self) -> str:
        """The corpus file: the header, a blank line, the body and a final line break."""
        return self.header() + self.text.rstrip("\n") + "\n"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def one_line(value: str) -> str:
    """A header value: one line, no control or invisible characters, spaces collapsed."""
    return " ".join(INVISIBLE.sub("", CONTROL.sub(" ", value)).split())


def clean_text(text: str) -> str:
    """Body text ready to store: line breaks normalised, control and invisible characters out,
    trailing spaces cut, at most one blank line between paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = INVISIBLE.sub("", text.replace("\u00ad", ""))
    text = CONTROL.sub(" ", text.replace("\t", " "))
    lines = [line.rstrip() for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return text.strip("\n")


def slug(text: str, limit: int = 60) -> str:
    """A document id made from a title or a file name: lowercase ASCII words joined by '-'.

    >>> slug("Chile–Peru Fisheries Forum Opens (Ministry, May 2021)")
    'chile-peru-fisheries-forum-opens-ministry-may-2021'
    """
    ascii_text = "".join(
        c if c.isascii() else (unicodedata.normalize("NFKD", c).encode("ascii", "ignore").decode() or " ") for c in text
    )
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or (words[0][:limit] if words else "")


def first_line_title(text: str, limit: int = 150) -> str | None:
    """The first non-blank line of ``text``, cut at a word boundary to ``limit`` characters."""
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            if len(line) <= limit:
                return line
            cut = line[:limit].rsplit(" ", 1)[0]
            return cut.rstrip(",;:-") + "…"
    return None
