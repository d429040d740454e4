"""Fetch a URL for ``kg add``: http(s) only, a timeout, a size limit, known content types.

Redirects are followed by hand (at most ``MAX_REDIRECTS``), each hop checked like the first, so
a redirect to ``file:`` or ``ftp:`` is refused too. Every failure is a CorpusError with one line
that says what happened and to which address.
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

from ..errors import CorpusError

MAX_REDIRECTS = 5
DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_BYTES = 20_000_000
USER_AGENT = "kg/0.1 (knowledge-graph ingest; +https://w3id.org/jk-tech/)"
#: Media types kg can convert, and the kind of document each is.
MEDIA_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/xml": "feed",
    "text/xml": "feed",
    "text/plain": "text",
    "text/markdown": "text",
}
ACCEPT = "text/html, application/xhtml+xml, application/pdf, application/rss+xml, application/atom+xml, application/xml;q=0.9, text/plain;q=0.8"


@dataclass
class Fetched:
    url: str  # the address asked for
    final_url: str  # after redirects
    data: bytes
    media_type: str
    retrieved: str  # UTC time of the answer, ISO 8601


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D401 - urllib's API
        return None





def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise CorpusError(f"{url}: only http and https addresses are fetched, not {parts.scheme or 'a relative path'!r}")
    if not parts.hostname:
        raise CorpusError(f"{url}: the address has no host name")


def fetch(url: str, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES) -> Fetched:
    """GET ``url``; the whole exchange, redirects included, must end within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        check_url(current)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise CorpusError(f"{url}: no complete answer within {timeout:g} s; try again or raise --timeout")
        request = urllib.request.Request(current, headers={"User-Agent": USER_AGENT, "Accept": ACCEPT})
        try:
            response = urllib.request.build_opener(_NoRedirect()).open(request, timeout=remaining)
        except urllib.error.HTTPError as err:
            if err.code in (301, 302, 303, 307, 308) and err.headers.get("Location"):
                current = urljoin(current, err.headers["Location"])
                err.close()
                continue
            err.close()
            raise CorpusError(f"{current}: the server answered HTTP {err.code} {err.reason}; check the address") from None
        except (socket.timeout, TimeoutError):
            raise CorpusError(f"{current}: no answer within {timeout:g} s; try again or raise --timeout") from None
        except urllib.error.URLError as err:
            reason = err.reason
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise CorpusError(f"{current}: no answer within {timeout:g} s; try again or raise --timeout") from None
            raise CorpusError(f"{current}: cannot reach the server ({getattr(reason, 'strerror', None) or reason}); check the address and the network") from None
        except (OSError, ValueError) as err:
            raise CorpusError(f"{current}: cannot fetch ({err}); check the address and the network") from None
        with response:
            media_type = (response.headers.get_content_type() or "").lower()
            if media_type not in MEDIA_TYPES:
                raise CorpusError(
                    f"{current}: content type {media_type or 'unknown'!r} is not a web page, PDF, feed or text; kg add reads "
                    + ", ".join(sorted({t for t in MEDIA_TYPES if '/x' not in t}))
                )
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise CorpusError(f"{current}: {int(declared):,} bytes, more than the limit of {max_bytes:,}; raise --max-bytes to fetch it")
            data = _read(response, current, deadline, timeout, max_bytes)
        return Fetched(url, current, data, media_type, datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    raise CorpusError(f"{url}: more than {MAX_REDIRECTS} redirects; give the final address")


def _read(response, url: str, deadline: float, timeout: float, max_bytes: int) -> bytes:
    chunks, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise CorpusError(f"{url}: the answer did not arrive within {timeout:g} s; try again or raise --timeout")
        try:
            chunk = response.read(65536)
        except (socket.timeout, TimeoutError):
            raise CorpusError(f"{url}: the answer stalled; nothing arrived within {timeout:g} s") from None
        except OSError as err:
            raise CorpusError(f"{url}: the connection broke while reading ({err})") from None
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise CorpusError(f"{url}: the answer is larger than the limit of {max_bytes:,} bytes; raise --max-bytes to fetch it")
        chunks.append(chunk)
