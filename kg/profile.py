"""``kg show ENTITY``: everything the graph says about one entity, as plain data.

``find_entity(store, name)`` resolves an id (``sk-hynix``), a prefixed name or IRI, or any label
or alias in any language (``韓国``, ``SK hynix``), compared after Unicode NFKC normalisation and
case folding, with spaces, hyphens and underscores alike; an unknown name raises ``KGError`` with
the closest names (difflib). ``entity_profile(store, iri)`` gathers labels, type, Wikidata link,
figures grouped by measure and period with their sources, relations grouped by property in both
directions, the documents that mention it, and the claims about it with their corroboration and
conflicts. Every query binds the entity as an RDF term; no name is ever put into query text.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from .errors import KGError
from .query.runner import run_query
from .query.terms import PREFIXES, to_python

ENTITY_NS = PREFIXES["jke"]

_NAMES = """
SELECT ?entity ?name ?kind WHERE {
  { ?entity rdfs:label ?name BIND("label" AS ?kind) }
  UNION { ?entity skos:prefLabel ?name BIND("label" AS ?kind) }
  UNION { ?entity skos:altLabel ?name BIND("alias" AS ?kind) }
  FILTER(STRSTARTS(STR(?entity), "https://w3id.org/jk-tech/id/"))
}"""

_DESCRIPTION = """
SELECT ?entity ?p ?o ?oLabel WHERE {
  ?entity ?p ?o .
  FILTER(?p IN (rdf:type, rdfs:label, skos:prefLabel, skos:altLabel, owl:sameAs, skos:broader))
  OPTIONAL { ?o rdfs:label ?oLabel }
}"""

_FIGURES = """
SELECT ?entity ?figure ?role ?measure ?measureText ?value ?unit ?period ?kind ?text ?modality ?evidence ?document ?id ?title ?publisher ?date
WHERE {
  { ?figure schema:observationAbout ?entity BIND("about" AS ?role) }
  UNION { ?figure jkt:technology ?entity BIND("technology" AS ?role) }
  ?figure a jkt:Figure ; schema:value ?value ; qudt:unit ?unit ; prov:wasDerivedFrom ?sentence .
  ?sentence nif:anchorOf ?evidence ; nif:referenceContext ?document .
  OPTIONAL { ?figure schema:measuredProperty ?measure }
  OPTIONAL { ?figure jkt:measureText ?measureText }
  OPTIONAL { ?figure jkt:period ?period }
  OPTIONAL { ?figure jkt:figureKind ?kind }
  OPTIONAL { ?figure jkt:surfaceText ?text }
  OPTIONAL { ?figure jkt:modality ?modality }
  OPTIONAL { ?document dcterms:identifier ?id }
  OPTIONAL { ?document dcterms:title ?title }
  OPTIONAL { ?document dcterms:publisher ?publisher }
  OPTIONAL { ?document dcterms:date ?date }
}
ORDER BY ?measure ?period ?figure"""

_COMPANIONS = """
SELECT ?entity ?figure ?role ?label WHERE {
  ?figure a jkt:Figure .
  { ?figure schema:observationAbout ?entity } UNION { ?figure jkt:technology ?entity }
  { ?figure schema:observationAbout ?other BIND("about" AS ?role) } UNION { ?figure jkt:technology ?other BIND("technology" AS ?role) }
  ?other rdfs:label ?label .
  FILTER(?other != ?entity)
}
ORDER BY ?figure ?role ?label"""

_RELATIONS = """
SELECT ?entity ?assertion ?direction ?predicate ?other ?otherLabel ?modality ?period ?evidence ?document ?id ?title
WHERE {
  { ?assertion rdf:subject ?entity ; rdf:object ?other BIND("outgoing" AS ?direction) }
  UNION { ?assertion rdf:object ?entity ; rdf:subject ?other BIND("incoming" AS ?direction) }
  ?assertion a jkt:Assertion ; rdf:predicate ?predicate ; prov:wasDerivedFrom ?sentence .
  ?sentence nif:anchorOf ?evidence ; nif:referenceContext ?document .
  OPTIONAL { ?other rdfs:label ?otherLabel }
  OPTIONAL { ?assertion jkt:modality ?modality }
  OPTIONAL { ?assertion jkt:period ?period }
  OPTIONAL { ?document dcterms:identifier ?id }
  OPTIONAL { ?document dcterms:title ?title }
}
ORDER BY ?direction ?predicate ?otherLabel ?assertion"""

_DOCUMENTS = """
SELECT ?entity ?document ?id ?title ?publisher ?date ?source (COUNT(DISTINCT ?mention) AS ?mentions)
WHERE {
  ?mention itsrdf:taIdentRef ?entity ; nif:referenceContext ?document .
  OPTIONAL { ?document dcterms:identifier ?id }
  OPTIONAL { ?document dcterms:title ?title }
  OPTIONAL { ?document dcterms:publisher ?publisher }
  OPTIONAL { ?document dcterms:date ?date }
  OPTIONAL { ?document dcterms:source ?source }
}
GROUP BY ?entity ?document ?id ?title ?publisher ?date ?source
ORDER BY DESC(?mentions) ?id"""

_CLAIMS = """
SELECT ?entity ?claim ?label ?modality ?publishers ?sources ?countries ?firstReported ?lastReported
       (GROUP_CONCAT(DISTINCT ?conflictLabel; separator=" | ") AS ?conflicts)
WHERE {
  { SELECT DISTINCT ?entity ?claim WHERE {
      { ?claim rdf:subject ?entity } UNION { ?claim rdf:object ?entity }
      UNION { ?claim schema:observationAbout ?entity } UNION { ?claim jkt:technology ?entity }
      ?claim a jkt:Claim } }
  ?claim rdfs:label ?label .
  OPTIONAL { ?claim jkt:modality ?modality }
  OPTIONAL { ?claim jkt:publisherCount ?publishers }
  OPTIONAL { ?claim jkt:sourceCount ?sources }
  OPTIONAL { ?claim jkt:publisherCountryCount ?countries }
  OPTIONAL { ?claim jkt:firstReported ?firstReported }
  OPTIONAL { ?claim jkt:lastReported ?lastReported }
  OPTIONAL { ?claim jkt:conflictsWith ?conflict . ?conflict rdfs:label ?conflictLabel }
}
GROUP BY ?entity ?claim ?label ?modality ?publishers ?sources ?countries ?firstReported ?lastReported
ORDER BY DESC(?publishers) ?label"""


def normalise(name: str) -> str:
    """A name compared: NFKC, case folded, spaces, hyphens and underscores alike.

    >>> normalise("ＳＫ  Hynix"), normalise("sk-hynix")
    ('sk hynix', 'sk hynix')
    """
    return re.sub(r"[\s\-_‐‑–]+", " ", unicodedata.normalize("NFKC", name).casefold()).strip()


def _rows(store: Any, sparql: str, entity: str | None = None) -> list[dict[str, Any]]:
    bindings = {"entity": ox.NamedNode(entity)} if entity else None
    result = run_query(store, sparql, bindings)
    return [{v: t for v, t in zip(result.variables, row) if t is not None and (v != "entity" or not entity)} for row in result.rows]


def _value(term: Any) -> Any:
    """A term for JSON: IRIs and dates as strings, decimals as exact strings, integers as ints."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value.rsplit("#", 1)[-1] if term.datatype else ""
        if datatype in ("integer", "nonNegativeInteger", "int", "long"):
            return int(term.value)
        if datatype == "boolean":
            return term.value in ("true", "1")
        return term.value
    return str(to_python(term))


def find_entity(store: Any, name: str) -> str:
    """The IRI of the entity a name, id, prefixed name or IRI denotes; KGError with suggestions if none."""
    rows = _rows(store, _NAMES)
    names: dict[str, set[str]] = defaultdict(set)  # normalised name -> entity IRIs
    shown: dict[str, str] = {}  # normalised name -> the name as written
    english: dict[str, str] = {}
    for row in rows:
        iri, label = row["entity"].value, row["name"].value
        for key in (normalise(label), normalise(iri[len(ENTITY_NS):])):
            names[key].add(iri)
            shown.setdefault(key, label)
        if row["kind"].value == "label" and (row["name"].language in ("en", None)):
            english.setdefault(iri, label)
    wanted = name.strip()
    if wanted.startswith("<") and wanted.endswith(">"):
        wanted = wanted[1:-1]
    if wanted.startswith("jke:"):
        wanted = ENTITY_NS + wanted[4:]
    if wanted.startswith(ENTITY_NS) and wanted in english:
        return wanted
    found = sorted(names.get(normalise(wanted), ()))
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        by_id = [iri for iri in found if normalise(iri[len(ENTITY_NS):]) == normalise(wanted)]
        if len(by_id) == 1:
            return by_id[0]
        choices = ", ".join(f"{english.get(iri, iri)} ({iri[len(ENTITY_NS):]})" for iri in found)
        raise KGError(f"{name!r} names several entities: {choices}; give the id")
    close = difflib.get_close_matches(normalise(wanted), list(names), n=5, cutoff=0.6)
    if not close:  # a part of a name: "hynix" for "SK Hynix"
        close = [key for key in names if normalise(wanted) in key][:5]
    suggestions = []
    for key in close:
        for iri in sorted(names[key]):
            text = f"{english.get(iri, shown[key])} ({iri[len(ENTITY_NS):]})"
            if text not in suggestions:
                suggestions.append(text)
    hint = f"; did you mean {', '.join(suggestions[:5])}?" if suggestions else ""
    raise KGError(f"no entity named {name!r} in the graph{hint} ('kg query entities' lists them all)")


def entity_profile(store: Any, iri: str) -> dict[str, Any]:
    """Everything the graph says about one entity, as JSON-ready data (exact values, full IRIs)."""
    profile: dict[str, Any] = {"iri": iri, "id": iri[len(ENTITY_NS):] if iri.startswith(ENTITY_NS) else iri}
    labels: dict[str, str] = {}
    aliases, types, wikidata, broader = [], [], [], []
    for row in _rows(store, _DESCRIPTION, iri):
        p, o = row["p"].value, row["o"]
        if p.endswith("#type"):
            types.append(o.value)
        elif p.endswith("#label") and (o.language or "en") == "en":
            profile["label"] = o.value
        elif p.endswith("#prefLabel"):
            labels[o.language or "en"] = o.value
        elif p.endswith("#altLabel"):
            aliases.append({"name": o.value, "language": o.language})
        elif p.endswith("#sameAs"):
            wikidata.append(o.value)
        elif p.endswith("#broader"):
            broader.append({"iri": o.value, "label": _value(row.get("oLabel"))})
    profile.setdefault("label", labels.get("en", profile["id"]))
    labels.setdefault("en", profile["label"])
    profile.update(
        labels=dict(sorted(labels.items(), key=lambda kv: ("en", "ja", "ko").index(kv[0]) if kv[0] in ("en", "ja", "ko") else 9)),
        aliases=sorted(aliases, key=lambda a: (a["language"] or "", a["name"])),
        types=sorted(types),
        wikidata=sorted(wikidata),
        broader=broader,
        figures=_figures(store, iri),
        relations=_relations(store, iri),
        documents=[{k: _value(v) for k, v in row.items()} for row in _rows(store, _DOCUMENTS, iri)],
        claims=_claims(store, iri),
    )
    return profile


def _figures(store: Any, iri: str) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    companions: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in _rows(store, _COMPANIONS, iri):
        companions[(row["figure"].value, row["role"].value)].append(row["label"].value)
    for row in _rows(store, _FIGURES, iri):
        item = {k: _value(v) for k, v in row.items() if k not in ("measure", "period")}
        item["about"] = companions.get((row["figure"].value, "about"), [])
        item["technology"] = companions.get((row["figure"].value, "technology"), [])
        measure = _value(row.get("measure")) or (row["measureText"].value if "measureText" in row else "")
        groups[(measure, _value(row.get("period")) or "")].append(item)
    return [{"measure": m, "period": p or None, "figures": items} for (m, p), items in sorted(groups.items(), key=lambda kv: (kv[0][0].rsplit("/", 1)[-1], kv[0][1]))]


def _relations(store: Any, iri: str) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in _rows(store, _RELATIONS, iri):
        key = (row["direction"].value, row["predicate"].value)
        other = row["other"].value
        entry = groups[key].setdefault(other, {"iri": other, "label": _value(row.get("otherLabel")), "modality": [], "evidence": []})
        modality = _value(row.get("modality"))
        if modality and modality not in entry["modality"]:
            entry["modality"].append(modality)
        entry["evidence"].append({"text": row["evidence"].value, "document": _value(row.get("id")) or row["document"].value,
                                  "title": _value(row.get("title")), "period": _value(row.get("period"))})
    return [{"direction": d, "predicate": p, "others": list(others.values())} for (d, p), others in sorted(groups.items())]


def _claims(store: Any, iri: str) -> list[dict[str, Any]]:
    out = []
    for row in _rows(store, _CLAIMS, iri):
        claim = {k: _value(v) for k, v in row.items()}
        claim["conflicts"] = [c for c in (claim.get("conflicts") or "").split(" | ") if c]
        out.append(claim)
    return out
