"""Which documents are the same: by address (tracking parameters aside) or by text (spacing and case aside)."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: Query parameters that track a reader, not name a page.
TRACKING = re.compile(r"(utm_[a-z]+|fbclid|gclid|dclid|mc_cid|mc_eid|ref|ref_src|cmpid|ocid|rss|feed)", re.I)


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
