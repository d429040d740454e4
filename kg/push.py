"""``kg push``: send a built graph to any SPARQL 1.1 store by the Graph Store HTTP Protocol.

Each named graph of the file is sent with one ``PUT ENDPOINT?graph=IRI`` (N-Triples), the default
graph, if it holds anything, with ``PUT ENDPOINT?default``. PUT replaces a graph's content, so
pushing again after a rebuild replaces every graph and never duplicates a triple. Credentials
come from an environment variable (never the command line, where other users can read them):
``user:password`` for HTTP Basic, or ``Bearer TOKEN``.
"""

from __future__ import annotations

import base64
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from .errors import KGError
from .store import load_oxigraph


@dataclass(frozen=True)
class Upload:
    """One PUT of the push: the graph's IRI (None for the default graph), its URL and its N-Triples."""

    graph: str | None
    url: str
    body: bytes
    triples: int


def graph_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol URL of a graph (``?graph=`` IRI, or ``?default``).

    >>> graph_url("http://localhost:7878/store", "https://w3id.org/jk-tech/doc/a")
    'http://localhost:7878/store?graph=https%3A%2F%2Fw3id.org%2Fjk-tech%2Fdoc%2Fa'
    """
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}default" if graph is None else f"{endpoint}{separator}graph={quote(graph, safe='')}"


def plan(path: Path | str | None, endpoint: str) -> list[Upload]:
    """The uploads that push a graph file: one per named graph, plus the default graph if not empty."""
    scheme = urlsplit(endpoint).scheme
    if scheme not in ("http", "https"):
        raise KGError(f"{endpoint}: the endpoint must be an http:// or https:// Graph Store Protocol URL (for Oxigraph: http://HOST:7878/store)")
    path, store = load_oxigraph(path)
    names: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = sorted(store.named_graphs(), key=str)
    names.append(ox.DefaultGraph())
    uploads = []
    for name in names:
        if isinstance(name, ox.BlankNode):
            raise KGError(f"{path}: a graph named by a blank node cannot be addressed in a store; name it with an IRI")
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, name)]
        if not triples and isinstance(name, ox.DefaultGraph):
            continue
        lines = sorted(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8").splitlines())
        body = ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
        iri = None if isinstance(name, ox.DefaultGraph) else name.value
        uploads.append(Upload(iri, graph_url(endpoint, iri), body, len(lines)))
    return uploads


def auth_header(variable: str | None) -> str | None:
    """The Authorization header from an environment variable: ``user:password`` or ``Bearer TOKEN``."""
    if not variable:
        return None
    value = os.environ.get(variable)
    if not value:
        raise KGError(f"--auth-env {variable}: the environment variable is not set or empty; export {variable}='user:password' (or 'Bearer TOKEN')")
    if value.startswith("Bearer "):
        return value
    if ":" not in value:
        raise KGError(f"--auth-env {variable}: expected 'user:password' or 'Bearer TOKEN'")
    return "Basic " + base64.b64encode(value.encode("utf-8")).decode("ascii")


def send(upload: Upload, authorization: str | None, timeout: float) -> int:
    """PUT one graph; return the HTTP status. Errors name the graph, the status and what the store said."""
    headers = {"Content-Type": "application/n-triples; charset=utf-8"}
    if authorization:
        headers["Authorization"] = authorization
    request = urllib.request.Request(upload.url, data=upload.body, method="PUT", headers=headers)
    what = upload.graph or "the default graph"
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as err:
        said = err.read(300).decode("utf-8", errors="replace").strip().splitlines()
        raise KGError(f"PUT {what}: the store answered {err.code} {err.reason}" + (f" ({said[0]})" if said else "")) from None
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise KGError(f"PUT {what}: cannot reach {urlsplit(upload.url).netloc} ({reason}); is the store running?") from None


def push(path: Path | str | None, endpoint: str, *, auth_env: str | None = None, dry_run: bool = False, timeout: float = 120.0) -> list[Upload]:
    """Push every graph of a file to a store (or, with ``dry_run``, only plan it); return the uploads."""
    authorization = auth_header(auth_env)
    uploads = plan(path, endpoint)
    if not dry_run:
        for upload in uploads:
            send(upload, authorization, timeout)
    return uploads
