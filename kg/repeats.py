"""Documents that repeat each other: the same body twice, the same story with other spacing, one page at two addresses.

``corpus.load_corpus`` skips a second file with the same body and warns about a near-duplicate
(the same text or source but for spacing or URL parameters); ``kg add`` skips a source already
stored (by address or text); ``claims.near_duplicates`` then finds stories retold with small
changes, which never count as corroboration.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:  # corpus imports this module
    from .corpus import Article


def body_hash(article: Article) -> str:
    """A hash of the body as stored: two files with the same article text share it."""
    return hashlib.sha256(article.text[article.body_start : article.body_end].encode("utf-8", "surrogatepass")).hexdigest()


def drop_repeated_bodies(articles: list[Article], warnings: list[str]) -> list[Article]:
    """Keep the first article (by id) of each body text; warn about the others."""
    kept: dict[str, Article] = {}
    for article in articles:
        first = kept.setdefault(body_hash(article), article)
        if first is not article:
            warnings.append(f"{article.path}: same text as {first.path} (id {first.id!r}); skipped")
    return list(kept.values())


_URL_QUERY = re.compile(r"(https?://[^\s?#]+)[?#]\S*")
#: Query parameters that track a reader, not name a page.
TRACKING = re.compile(r"(utm_[a-z]+|fbclid|gclid|dclid|mc_cid|mc_eid|ref|ref_src|cmpid|ocid|rss|feed)", re.I)


def without_url_queries(text: str) -> str:
    """The text with the query strings and fragments of its URLs left out (tracking parameters in links)."""
    return _URL_QUERY.sub(r"\1", text)


def clean_url(url: str) -> str:
    """The address without tracking parameters and fragment.

    >>> clean_url("https://news.example.org/a?utm_source=rss&id=3#top")
    'https://news.example.org/a?id=3'
    """
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.fullmatch(k)])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def url_key(url: str) -> str:
    """A key equal for two addresses of the same page (scheme, case of the host, 'www.', a final '/' aside)."""
    parts = urlsplit(clean_url(url))
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/') or '/'}" + (f"?{parts.query}" if parts.query else "")


def text_key(text: str) -> str:
    """A hash equal for two texts that differ only in spacing and case."""
    return hashlib.sha256(" ".join(text.lower().split()).encode("utf-8", "surrogatepass")).hexdigest()


def story_key(article: Article) -> str:
    """A fingerprint that ignores case, spacing and URL query strings (tracking parameters)."""
    return text_key(without_url_queries(article.text[article.body_start : article.body_end]))


def flag_near_duplicates(articles: list[Article], warnings: list[str]) -> None:
    """Warn about documents that tell the same story with other spacing or tracking parameters; keep both."""
    first_by_key: dict[str, Article] = {}
    for article in articles:
        keys = [story_key(article)] + ([f"source:{url_key(article.source)}"] if article.source else [])
        earlier = next((first_by_key[k] for k in keys if k in first_by_key), None)
        if earlier is not None:
            warnings.append(
                f"{article.path}: near-duplicate of {earlier.path} (id {earlier.id!r}): the same text or source "
                "but for spacing or URL parameters; both are kept with their own provenance"
            )
        for key in keys:
            first_by_key.setdefault(key, article)
