"""Compact JSON-LD with kg's @context: a term for each class and property of the ontology.

Keys and nodes are sorted and each named graph is one ``@graph``, so the same graph always gives
the same bytes.
"""

from __future__ import annotations

import json
from functools import lru_cache

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .namespace import JKT, PREFIXES, ontology_graph, prefixed_name


@lru_cache(maxsize=1)
def jsonld_context() -> dict:
    """The JSON-LD @context: kg's prefixes plus a term for each class and property of the ontology.

    Object properties are coerced to IRIs ("@type": "@id"); datatype properties whose range is
    one XSD datatype other than xsd:string are coerced to it, so their values read as strings.
    """
    context: dict = dict(sorted(PREFIXES.items()))
    ontology = ontology_graph()
    for name in sorted(JKT.__annotations__):
        iri = JKT[name]
        compact = f"jkt:{name}"
        if (iri, RDF.type, OWL.ObjectProperty) in ontology:
            context[name] = {"@id": compact, "@type": "@id"}
        elif name[0].islower():
            ranges = list(ontology.objects(iri, RDFS.range))
            term: dict = {"@id": compact}
            if len(ranges) == 1 and str(ranges[0]).startswith(str(XSD)) and ranges[0] != XSD.string:
                term["@type"] = _compact(ranges[0])
            context[name] = term
        else:
            context[name] = compact
    return context


def _compact(iri: str) -> str:
    """A compact IRI (prefix:name) for an IRI under one of kg's prefixes, else the IRI itself.

    >>> _compact("https://w3id.org/jk-tech/id/south-korea")
    'jke:south-korea'
    """
    # "p://x" would read as an absolute IRI, not as a compact one.
    return prefixed_name(iri, local=lambda rest: not rest.startswith("//")) or str(iri)


def _jsonld_terms() -> tuple[dict[str, tuple[str, str | None]], dict[str, str]]:
    """Property IRI -> (term, coercion) and class IRI -> term, from the context."""
    properties, classes = {}, {}
    for term, definition in jsonld_context().items():
        if term in PREFIXES:
            continue
        if isinstance(definition, str):
            classes[str(JKT[term])] = term
        else:
            coercion = definition.get("@type")
            properties[str(JKT[term])] = (term, coercion)
    return properties, classes


def _jsonld_value(term: Literal | URIRef | BNode, coercion: str | None):
    """A JSON-LD value for an RDF term, and whether it may use the property's term key."""
    if isinstance(term, BNode):
        return {"@id": f"_:{term}"}, coercion is None
    if isinstance(term, URIRef):
        if coercion == "@id":
            return _compact(term), True
        return {"@id": _compact(term)}, coercion is None
    if term.language:
        return {"@value": str(term), "@language": term.language}, coercion is None
    if term.datatype is None:
        return str(term), coercion is None
    datatype = _compact(term.datatype)
    if coercion == datatype:
        return str(term), True
    return {"@value": str(term), "@type": datatype}, coercion is None


def _jsonld_nodes(triples) -> list[dict]:
    properties, classes = _jsonld_terms()
    nodes: dict[str, dict[str, list]] = {}
    for s, p, o in triples:
        node = nodes.setdefault(f"_:{s}" if isinstance(s, BNode) else _compact(s), {})
        if p == RDF.type and isinstance(o, URIRef):
            node.setdefault("@type", []).append(classes.get(str(o), _compact(o)))
            continue
        term, coercion = properties.get(str(p), (None, None))
        value, fits = _jsonld_value(o, coercion)
        if term is None or not fits:
            key = _compact(p)
            if key == str(p) or key in jsonld_context():
                key = str(p)
            value, _ = _jsonld_value(o, None)
        else:
            key = term
        node.setdefault(key, []).append(value)
    result = []
    for node_id in sorted(nodes):
        node = {"@id": node_id}
        for key, values in nodes[node_id].items():
            values = sorted(values, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
            node[key] = values[0] if len(values) == 1 else values
        result.append(node)
    return result


def jsonld_bytes(graph: Graph | Dataset) -> bytes:
    """Compact JSON-LD with kg's @context, sorted keys and nodes; one @graph per named graph."""
    if isinstance(graph, Dataset):
        top: dict[str, dict] = {}
        named = []
        for context in graph.graphs():
            if context.identifier == DATASET_DEFAULT_GRAPH_ID:
                top.update((node["@id"], node) for node in _jsonld_nodes(context))
            elif len(context):
                named.append(context)
        for context in named:
            name = _compact(context.identifier)
            top.setdefault(name, {"@id": name})["@graph"] = _jsonld_nodes(context)
        body = [top[key] for key in sorted(top)]
    else:
        body = _jsonld_nodes(graph)
    document = {"@context": jsonld_context(), "@graph": body}
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
