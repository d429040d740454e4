"""Documents of one corpus that repeat each other: the same body twice, or the same story with other spacing.

``corpus.load_corpus`` skips a second file with the same body and warns about a near-duplicate
(the same text or source but for spacing or URL parameters); ``claims.near_duplicates`` then finds
stories retold with small changes, which never count as corroboration.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

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


def story_key(article: Article) -> str:
    """A fingerprint that ignores case, spacing and URL query strings (tracking parameters)."""
    body = _URL_QUERY.sub(r"\1", article.text[article.body_start : article.body_end])
    return hashlib.sha256(" ".join(body.lower().split()).encode("utf-8", "surrogatepass")).hexdigest()


def _source_key(article: Article) -> str | None:
    return _URL_QUERY.sub(r"\1", article.source).rstrip("/").lower() if article.source else None


def flag_near_duplicates(articles: list[Article], warnings: list[str]) -> None:
    """Warn about documents that tell the same story with other spacing or tracking parameters; keep both."""
    first_by_key: dict[str, Article] = {}
    for article in articles:
        keys = [story_key(article)] + ([f"source:{_source_key(article)}"] if article.source else [])
        earlier = next((first_by_key[k] for k in keys if k in first_by_key), None)
        if earlier is not None:
            warnings.append(
                f"{article.path}: near-duplicate of {earlier.path} (id {earlier.id!r}): the same text or source "
                "but for spacing or URL parameters; both are kept with their own provenance"
            )
        for key in keys:
            first_by_key.setdefault(key, article)
