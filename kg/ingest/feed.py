"""An RSS or Atom feed -> one document per entry (feedparser).

Each entry gives its title, link (the document's source), publication date (else its update
date), author, and its full content if the feed carries it, else its summary; HTML in the
content becomes plain text with one paragraph per block element. A feed that is not well-formed
XML, or holds no entry with text, is an error. Duplicates are decided later, across every feed
and the corpus, by ``kg.repeats``.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import CorpusError
from .dates import iso_date
from .document import Document, clean_text, sha256
from ..repeats import clean_url

#: Elements whose end is a paragraph break in entry content.
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article", "pre"}


def feed_documents(data: bytes, *, name: str, url: str | None = None) -> list[Document]:
    import feedparser

    # the feed's address resolves relative links of entries (the type lets the XML declaration name the encoding)
    headers = {"content-location": url, "content-type": "application/xml"} if url else None
    parsed = feedparser.parse(data, response_headers=headers)
    version = parsed.get("version") or ""
    if parsed.get("bozo") and not _harmless(parsed.get("bozo_exception")):
        error = parsed.get("bozo_exception")
        where = f" at line {error.getLineNumber()}" if hasattr(error, "getLineNumber") else ""
        raise CorpusError(f"{name}: not a well-formed feed{where} ({_message(error)}); check that the file is the whole RSS or Atom document")
    if not version:
        raise CorpusError(f"{name}: not an RSS or Atom feed (no <rss>, <feed> or <rdf:RDF> root element)")
    channel = parsed.get("feed", {})
    publisher = channel.get("title")
    language = (channel.get("language") or "").split("-")[0].lower() or None
    digest = sha256(data)
    documents = []
    for number, entry in enumerate(parsed.entries, start=1):
        html = _entry_html(entry)
        text = clean_text(fragment_text(html)) if html else ""
        if not text.strip():
            continue
        documents.append(
            Document(
                text=text,
                media_type="application/atom+xml" if version.startswith("atom") else "application/rss+xml",
                sha256=digest,
                original=f"{url or Path(name).name}#entry-{number}",
                title=" ".join((entry.get("title") or "").split()) or None,
                source=clean_url(entry["link"]) if entry.get("link") else None,
                publisher=publisher,
                author=entry.get("author"),
                date=iso_date(entry.get("published_parsed") or entry.get("updated_parsed")),
                language=language,
                license=channel.get("rights") or None,
            )
        )
    if not documents:
        raise CorpusError(f"{name}: the feed has no entry with text ({len(parsed.entries)} entries, none with content or a summary)")
    return documents


def _harmless(error) -> bool:
    """Encoding notices are not errors: the document was read."""
    import feedparser

    return isinstance(error, (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType))


def _message(error) -> str:
    text = str(error) or type(error).__name__
    return text.splitlines()[0]


def _entry_html(entry) -> str:
    """The entry's full content if it has one, else its summary (both may be HTML)."""
    contents = [c.get("value", "") for c in entry.get("content", []) if c.get("value")]
    if contents:
        return max(contents, key=len)
    return entry.get("summary", "") or ""


def fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment: scripts and styles dropped, a paragraph per block element.

    >>> fragment_text("<p>Sony &amp; <b>Toyota</b></p><p>met.</p>")
    'Sony & Toyota\\n\\nmet.'
    """
    from lxml import html as lxml_html

    if "<" not in fragment and "&" not in fragment:
        return fragment
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except Exception:
        return fragment
    for bad in root.xpath(".//script | .//style | .//noscript"):
        bad.drop_tree()
    parts: list[str] = []

    def walk(node) -> None:
        if isinstance(node.tag, str):
            if node.tag in _BLOCKS:
                parts.append("\n\n")
            parts.append(node.text or "")
            for child in node:
                walk(child)
                parts.append(child.tail or "")
            if node.tag in _BLOCKS:
                parts.append("\n\n")

    walk(root)
    paragraphs = [" ".join(p.split()) for p in "".join(parts).split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)
