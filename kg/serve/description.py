"""What the endpoint says about itself: the SPARQL 1.1 Service Description, and CORS headers for browsers."""

from __future__ import annotations

import re
from typing import Any

from ..errors import QueryError
from ..query import GRAPH_FORMATS
from .protocol import MEDIA_TYPES, Limits, Request, Response, negotiate


#: What a CORS preflight may ask for, and how long a browser may cache the answer.
CORS_METHODS = "GET, POST, OPTIONS"


CORS_HEADERS = "Content-Type, Accept"


CORS_MAX_AGE = "600"


_ORIGIN = re.compile(r"https?://[A-Za-z0-9.\-]+(:\d{1,5})?|https?://\[[0-9A-Fa-f:.]+\](:\d{1,5})?")


_HOST = re.compile(r"[A-Za-z0-9.\-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?")


SD = "http://www.w3.org/ns/sparql-service-description#"


FORMATS_NS = "http://www.w3.org/ns/formats/"


VOID = "http://rdfs.org/ns/void#"


#: sd:resultFormat values: the W3C format IRIs of the media types the endpoint answers with.
SD_RESULT_FORMATS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "JSON-LD", "RDF_XML",
)


SD_TYPES = {"text/turtle": "ttl", "application/x-turtle": "ttl", "application/ld+json": "jsonld", "application/n-triples": "nt", "application/rdf+xml": "xml"}


def parse_origins(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """``--cors`` values: origins such as https://yasgui.org (scheme, host, optional port), or ``*``."""
    origins = []
    for value in values:
        origin = value.strip().rstrip("/")
        if origin != "*" and not _ORIGIN.fullmatch(origin):
            raise QueryError(f"--cors {value!r}: not an origin; give scheme, host and optional port, such as https://yasgui.org or http://localhost:3000")
        origins.append(origin.lower())
    return tuple(origins)


def cors_headers(allowed: tuple[str, ...], request: Request) -> dict[str, str]:
    """CORS headers for the request's Origin: none unless ``allowed`` (``--cors``) lists it or ``*``."""
    if not allowed:
        return {}
    origin = request.header("Origin").strip()
    headers = {"Vary": "Origin"}
    if not origin or ("*" not in allowed and origin.lower() not in allowed):
        return headers
    headers["Access-Control-Allow-Origin"] = "*" if "*" in allowed else origin
    headers["Access-Control-Expose-Headers"] = "X-KG-Truncated"
    if request.method.upper() == "OPTIONS":
        headers.update({
            "Access-Control-Allow-Methods": CORS_METHODS,
            "Access-Control-Allow-Headers": CORS_HEADERS,
            "Access-Control-Max-Age": CORS_MAX_AGE,
        })
    return headers


def service_description(endpoint: str, limits: Limits, dataset: tuple[int | None, list[str]]) -> list[Any]:
    """The triples of a SPARQL 1.1 Service Description (https://www.w3.org/TR/sparql11-service-description/)."""
    import pyoxigraph as ox

    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    sd = lambda name: ox.NamedNode(SD + name)  # noqa: E731
    service, default_dataset, default_graph = ox.BlankNode("service"), ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    features = ["UnionDefaultGraph", *(["BasicFederatedQuery"] if limits.allow_service else [])]
    triples = [
        ox.Triple(service, rdf_type, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        *(ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS_NS + name)) for name in SD_RESULT_FORMATS),
        *(ox.Triple(service, sd("feature"), sd(name)) for name in features),
        ox.Triple(service, sd("defaultDataset"), default_dataset),
        ox.Triple(default_dataset, rdf_type, sd("Dataset")),
        ox.Triple(default_dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, rdf_type, sd("Graph")),
    ]
    triples_count, names = dataset
    if triples_count is not None:
        triples.append(ox.Triple(default_graph, ox.NamedNode(VOID + "triples"), ox.Literal(str(triples_count), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))))
    for i, name in enumerate(names):
        named = ox.BlankNode(f"graph{i}")
        triples += [
            ox.Triple(default_dataset, sd("namedGraph"), named),
            ox.Triple(named, rdf_type, sd("NamedGraph")),
            ox.Triple(named, sd("name"), ox.NamedNode(name)),
        ]
    return triples


def description_response(request: Request, path: str, base_url: str, limits: Limits, dataset: tuple[int | None, list[str]]) -> Response:
    """The Service Description as the request asks for it: Turtle, or JSON-LD (and others) on request.

    The endpoint is named from the request's Host header when it is a plain host, else ``base_url``.
    """
    import pyoxigraph as ox

    fmt = negotiate(request.header("Accept"), SD_TYPES, "ttl")
    host = request.header("Host").strip()
    base = f"http://{host}" if _HOST.fullmatch(host) else base_url
    triples = service_description(base + path, limits, dataset)
    prefixes = {"sd": SD, "format": FORMATS_NS, "void": VOID} if fmt in ("ttl", "xml") else None
    body = ox.serialize(triples, format=GRAPH_FORMATS[fmt], prefixes=prefixes)
    return Response(200, MEDIA_TYPES[("graph", fmt)], body)
