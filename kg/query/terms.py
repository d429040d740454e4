"""RDF terms for queries: kg's predeclared prefixes, prefixed names, ``--bind`` values, pyoxigraph <-> Python.

>>> compact("https://w3id.org/jk-tech/id/japan")
'jke:japan'
>>> parse_binding("japan", kind="entity")
<NamedNode value=https://w3id.org/jk-tech/id/japan>
>>> parse_binding('"2025"^^xsd:gYear')
<Literal value=2025 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#gYear>>
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox

from ..errors import QueryError
from ..namespace import ENTITY, MEASURE, prefixed_name
from ..namespace import PREFIXES as KG_PREFIXES
from ..store import XSD_STRING, to_rdflib


#: Prefixes every query may use without declaring them: kg's own plus common vocabularies.
PREFIXES: dict[str, str] = {
    **KG_PREFIXES,
    "dc": "http://purl.org/dc/elements/1.1/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "wikibase": "http://wikiba.se/ontology#",
    "bd": "http://www.bigdata.com/rdf#",
    "p": "http://www.wikidata.org/prop/",
    "ps": "http://www.wikidata.org/prop/statement/",
    "pq": "http://www.wikidata.org/prop/qualifier/",
}




_CANONICAL_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")


def compact(iri: str) -> str:
    """An IRI as a prefixed name when one of kg's prefixes covers it, else ``<iri>``."""
    return prefixed_name(iri, PREFIXES, local=_sparql_local) or f"<{iri}>"


def _sparql_local(local: str) -> bool:
    """Whether a prefixed name may end in this local part (kept simple: no escapes, no trailing dot)."""
    return local == "" or re.fullmatch(r"[A-Za-z0-9_]([A-Za-z0-9_./-]*[A-Za-z0-9_-])?", local) is not None


def _expand(name: str) -> str | None:
    prefix, _, local = name.partition(":")
    if prefix in PREFIXES and re.fullmatch(r"[A-Za-z0-9_.\-]*", local):
        return PREFIXES[prefix] + local
    return None


def _named_node(iri: str, where: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as err:
        raise QueryError(f"{where}: {iri!r} is not a valid IRI ({err})") from None


def parse_binding(value: str, *, kind: str | None = None, name: str = "value") -> Any:
    """Parse a ``--bind`` value: ``<iri>``, ``prefix:name``, ``"lex"@lang``, ``"lex"^^type``, else a literal.

    For entity parameters a canonical id such as ``japan`` means ``jke:japan``; for measure
    parameters ``bilateral-trade`` means ``jkm:bilateral-trade``.
    """
    where = f"--bind {name}"
    if value.startswith("<") and value.endswith(">"):
        return _named_node(value[1:-1], where)
    typed = re.fullmatch(r'"(.*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(<[^<>]*>|[A-Za-z][\w.-]*:[\w.-]*))?', value, re.S)
    if typed:
        lexical, lang, datatype = typed.groups()
        if lang:
            return ox.Literal(lexical, language=lang)
        if datatype:
            iri = datatype[1:-1] if datatype.startswith("<") else _expand(datatype)
            if iri is None:
                raise QueryError(f"{where}: unknown prefix in datatype {datatype!r}; use <full-iri> or a known prefix")
            return ox.Literal(lexical, datatype=_named_node(iri, where))
        return ox.Literal(lexical)
    if ":" in value and not value.startswith(":"):
        iri = _expand(value)
        if iri is not None:
            return _named_node(iri, where)
    if kind == "entity" and _CANONICAL_ID.fullmatch(value):
        return ox.NamedNode(str(ENTITY) + value)
    if kind == "measure" and _CANONICAL_ID.fullmatch(value):
        return ox.NamedNode(str(MEASURE) + value)
    if kind == "iri":
        raise QueryError(f"{where}: expected an IRI (<...> or prefix:name), got {value!r}")
    return ox.Literal(value)


def to_ox(term: Any, *, kind: str | None = None, name: str = "value") -> Any:
    """An rdflib term, a pyoxigraph term, a string (parsed as by ``--bind``) or a Python value -> pyoxigraph term."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple)):
        return term
    if isinstance(term, URIRef):
        return _named_node(str(term), name)
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, str) and not isinstance(term, Literal):
        return parse_binding(term, kind=kind, name=name)
    literal = term if isinstance(term, Literal) else Literal(term)
    if literal.language:
        return ox.Literal(str(literal), language=literal.language)
    if literal.datatype:
        return ox.Literal(str(literal), datatype=ox.NamedNode(str(literal.datatype)))
    return ox.Literal(str(literal))


def to_python(term: Any) -> Any:
    """A pyoxigraph term -> a plain Python value: IRIs as rdflib URIRef (a str), literals as int, Decimal, str, date..."""
    from rdflib import Literal

    value = to_rdflib(term)
    if isinstance(value, Literal):
        python = value.toPython()
        return str(value) if isinstance(python, Literal) else python
    return value


def term_text(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def term_json(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
        return {"type": "triple", "value": {k: term_json(v) for k, v in parts.items()}}
    raise TypeError(f"not an RDF term: {term!r}")
