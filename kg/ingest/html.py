"""A saved web page -> a document: the article's main text and the page's own metadata.

trafilatura finds the main text (navigation, ads, cookie banners, share buttons and comments
left out) and reads the metadata a page declares: ``<meta>`` tags, Open Graph, JSON-LD
(``NewsArticle``: headline, datePublished, author, publisher), ``<link rel="canonical">``.
The language comes from ``<html lang>``, JSON-LD ``inLanguage`` or ``og:locale``. Dates are the
page's declared publication date, never one guessed from the text.
"""

from __future__ import annotations

import json
import re

from ..corpus import is_debris
from ..errors import CorpusError
from .dates import iso_date
from .document import Document, clean_text, sha256

#: Fewer words than this in the main text is no article (a home page, a consent wall, an error page).
MIN_WORDS = 20


def html_document(data: bytes, *, name: str, url: str | None = None) -> Document:
    """The article of a page; a CorpusError if the page holds no article text."""
    import trafilatura

    try:
        result = trafilatura.bare_extraction(
            data,
            url=url,
            favor_precision=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            with_metadata=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as err:  # trafilatura wraps lxml; any failure is a page it cannot read
        raise CorpusError(f"{name}: cannot read this web page ({type(err).__name__}: {err})") from None
    lines = [line for line in clean_text(result.text or "").split("\n")] if result is not None else []
    lines = [line for line in lines if line.strip() and not is_debris(line)]
    words = sum(len(line.split()) for line in lines)
    if words < MIN_WORDS:
        raise CorpusError(
            f"{name}: no article text in this page (only {words} word{'s' if words != 1 else ''} besides navigation, banners and ads); "
            "save the article's own page, not a home, index or consent page"
        )
    page = _page_metadata(data)
    source = result.url or url
    return Document(
        text="\n\n".join(line.strip() for line in lines),
        media_type="text/html",
        sha256=sha256(data),
        title=page.get("headline") or result.title,
        source=source,
        publisher=page.get("publisher") or result.sitename,
        author=result.author,
        date=iso_date(page.get("date")) or iso_date(result.date),
        language=page.get("language"),
        license=page.get("license") or result.license,
    )


def _page_metadata(data: bytes) -> dict[str, str]:
    """What trafilatura does not report: the language, and JSON-LD headline, publisher, date and licence."""
    from lxml import html as lxml_html

    found: dict[str, str] = {}
    try:
        tree = lxml_html.fromstring(data)
    except Exception:
        return found
    for item in _json_ld(tree):
        kind = item.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(str(k).endswith("Article") or k in ("Report", "BlogPosting") for k in kinds):
            continue
        _set(found, "headline", item.get("headline") or item.get("name"))
        _set(found, "date", item.get("datePublished"))
        _set(found, "language", item.get("inLanguage"))
        _set(found, "license", item.get("license"))
        publisher = item.get("publisher")
        if isinstance(publisher, list):
            publisher = publisher[0] if publisher else None
        _set(found, "publisher", publisher.get("name") if isinstance(publisher, dict) else publisher)
    language = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    locale = tree.xpath("string(//meta[@property='og:locale']/@content)")
    _set(found, "language", language or locale.replace("_", "-"))
    license_link = tree.xpath("string(//link[@rel='license']/@href | //a[@rel='license']/@href)")
    _set(found, "license", license_link)
    if "language" in found:
        found["language"] = found["language"].split("-")[0].lower() if re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]+)*", found["language"]) else found.pop("language")
    return found


def _json_ld(tree) -> list[dict]:
    items: list[dict] = []
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text_content())
        except ValueError:
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                items.append(node)
                if "@graph" in node:
                    stack.append(node["@graph"])
    return items


def _set(found: dict[str, str], key: str, value) -> None:
    if key not in found and isinstance(value, str) and value.strip():
        found[key] = value.strip()
