"""The RDF graph as a network: entities as nodes, typed relations as labelled edges (networkx).

Relations are the sub-properties of jkt:relatedTo in the ontology; each edge carries the evidence
of its jkt:Assertion nodes, and figures are attached to the node they are about. The page
(kg.viz), the statistics (kg.stats) and the network files (kg.network_formats) all start from
``to_networkx``; the class styles and node sizes here are shared by the page and GEXF.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any

import networkx as nx
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from .gazetteer import ENTITY_TYPES
from .namespace import ITSRDF, JKT, NIF, QUDT, SCHEMA, ontology_graph
from .rdfgraph import plain_graph


#: At most this many evidence sentences are kept per node and per edge.
MAX_EVIDENCE = 5


#: Entity class -> (colour, vis-network shape); the most specific class comes first, so an entity
#: typed both Country and Place is drawn as a Country.
CLASS_STYLE: dict[str, tuple[str, str]] = {
    "Country": ("#d62728", "star"),
    "Region": ("#ff7f7f", "hexagon"),
    "Survey": ("#8c6d31", "triangle"),
    "Company": ("#1f77b4", "dot"),
    "Organization": ("#9467bd", "square"),
    "Person": ("#e377c2", "triangle"),
    "Industry": ("#2ca02c", "diamond"),
    "Technology": ("#17becf", "diamond"),
    "Product": ("#bcbd22", "hexagon"),
    "Initiative": ("#ff7f0e", "square"),
    "Event": ("#7f7f7f", "triangleDown"),
    "Place": ("#c49c94", "triangleDown"),
}


assert set(CLASS_STYLE) == set(ENTITY_TYPES)


def node_size(degree: int) -> float:
    """Node radius in pixels, growing with the square root of the degree.

    >>> node_size(0), node_size(4)
    (12.0, 22.0)
    """
    return round(min(12.0 + 5.0 * math.sqrt(degree), 48.0), 1)


def relation_labels(ontology: Graph | None = None) -> dict[URIRef, str]:
    """Every property that is rdfs:subPropertyOf* jkt:relatedTo, with its English rdfs:label."""
    ontology = ontology_graph() if ontology is None else ontology
    labels = {}
    for prop in ontology.transitive_subjects(RDFS.subPropertyOf, JKT.relatedTo):
        labels[prop] = _label(ontology, prop) or local_name(prop)
    return labels


def local_name(iri: str) -> str:
    """The part of an IRI after the last '#' or '/'.

    >>> local_name("https://w3id.org/jk-tech/ontology#memberOf")
    'memberOf'
    """
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _label(graph: Graph, node: URIRef) -> str | None:
    """English (or untagged) rdfs:label, else skos:prefLabel, else None."""
    for prop in (RDFS.label, SKOS.prefLabel):
        values = [v for v in graph.objects(node, prop) if isinstance(v, Literal)]
        for lang in ("en", None):
            chosen = sorted(str(v) for v in values if v.language == lang)
            if chosen:
                return chosen[0]
    return None


def _names(graph: Graph, node: URIRef) -> list[str]:
    """Every label and alias of a node, in any language: rdfs:label, skos:prefLabel, skos:altLabel."""
    return sorted({str(v) for prop in (RDFS.label, SKOS.prefLabel, SKOS.altLabel) for v in graph.objects(node, prop) if isinstance(v, Literal)})


def _decimal_text(value: Any) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


#: How units read after a number: "37%", "3 years"; a count needs no unit.
UNIT_TEXT = {"percent": "%", "count": "", "multiple": "×", "year": "years", "month": "months", "week": "weeks", "day": "days", "hour": "hours", "tonne": "tonnes"}


def _unit_text(unit: Any) -> str:
    """A readable unit: '%' for unit:PERCENT, the ISO code for a currency, else the unit's local name."""
    from .graph import UNITS

    if unit is None:
        return ""
    if isinstance(unit, Literal):
        return str(unit)
    names = {iri: name for name, iri in reversed(list(UNITS.items()))}
    return UNIT_TEXT.get(names.get(unit, ""), local_name(unit))


def _figure_text(item: dict[str, Any]) -> str:
    """One line for a figure.

    >>> _figure_text({"value": "37", "unit": "%", "measure": "firms planning new plants", "period": "2024", "kind": "level"})
    '37% firms planning new plants (2024)'
    >>> _figure_text({"value": "-33.4", "unit": "%", "measure": "exports", "period": "", "kind": "change"})
    'change of -33.4% exports'
    """
    value = item["value"]
    try:
        number = Decimal(value)
        if abs(number) >= 10000 and number == number.to_integral_value():
            value = f"{int(number):,}"
    except (InvalidOperation, ValueError):
        pass
    unit = item["unit"]
    amount = f"{value}{unit}" if unit in ("%", "×") else " ".join(x for x in (value, unit) if x)
    text = " ".join(x for x in (amount, item["measure"]) if x)
    if item.get("kind") == "change":
        text = "change of " + text
    return f"{text} ({item['period']})" if item["period"] else text


def http_iri(iri: Any) -> str:
    """The IRI if it is an http(s) IRI, else '' (no javascript:, data: or file: links)."""
    text = str(iri) if iri is not None else ""
    return text if text.lower().startswith(("http://", "https://")) and not any(c in text for c in ' <>"\n\r\t') else ""


class _Evidence:
    """Looks up sentence text, offsets and document titles once per sentence."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._titles: dict[URIRef, str] = {}
        self._sources: dict[URIRef, tuple[str, str]] = {}
        self._sentences: dict[URIRef, dict[str, Any]] = {}  # a sentence is evidence for each entity and relation in it

    def source(self, doc: URIRef) -> tuple[str, str]:
        """The publisher and date of a document, as shown."""
        if doc not in self._sources:
            publisher, date = self.graph.value(doc, DCTERMS.publisher), self.graph.value(doc, DCTERMS.date)
            self._sources[doc] = (str(publisher or ""), str(date or ""))
        return self._sources[doc]

    def title(self, doc: URIRef) -> str:
        if doc not in self._titles:
            title = self.graph.value(doc, DCTERMS.title) or _label(self.graph, doc) or self.graph.value(doc, DCTERMS.identifier)
            self._titles[doc] = str(title) if title is not None else local_name(doc)
        return self._titles[doc]

    def sentence(self, sentence: URIRef) -> dict[str, Any]:
        """The sentence's text, offset and document (title, IRI, publisher, date); a copy the caller may change."""
        found = self._sentences.get(sentence)
        if found is None:
            found = self._sentences[sentence] = self._look_up(sentence)
        return dict(found)

    def _look_up(self, sentence: URIRef) -> dict[str, Any]:
        text = self.graph.value(sentence, NIF.anchorOf)
        doc = self.graph.value(sentence, NIF.referenceContext) or URIRef(str(sentence).split("#", 1)[0])
        begin = self.graph.value(sentence, NIF.beginIndex)
        publisher, date = self.source(doc)
        return {
            "sentence": str(text) if text is not None else "",
            "document": self.title(doc),
            "document_iri": str(doc),
            "offset": int(begin) if begin is not None else 0,
            "publisher": publisher,
            "date": date,
        }


def _modality(graph: Graph, fact: URIRef) -> str:
    """The modality of an assertion or figure as a word ("fact", "plan" ...)."""
    value = graph.value(fact, JKT.modality)
    return local_name(value).lower() if value is not None else "fact"


def _entity_types(graph: Graph) -> dict[URIRef, str]:
    types: dict[URIRef, str] = {}
    order = list(CLASS_STYLE)
    for name in order:
        for node in graph.subjects(RDF.type, JKT[name]):
            if isinstance(node, URIRef) and node not in types:
                types[node] = name
    return types


def to_networkx(graph: Graph | Dataset, *, ontology: Graph | None = None, max_evidence: int = MAX_EVIDENCE) -> nx.MultiDiGraph:
    """Project the RDF graph to a network: entities as nodes, typed relations as labelled edges.

    Node attributes: label, names (every label and alias, any language), type, iri, wikidata,
    degree, mentions, figures, evidence. Edge key
    and ``relation``: the property's local name; ``label``: its rdfs:label from the ontology;
    ``evidence``: the sentences of the matching jkt:Assertion nodes with their document titles;
    ``assertions``, ``document_count`` and ``weight`` (the assertions, at least 1): their numbers.
    """
    if isinstance(graph, Dataset):  # read the union of its named graphs
        graph = plain_graph(graph)
    labels = relation_labels(ontology)
    evidence = _Evidence(graph)
    types = _entity_types(graph)
    nx_graph = nx.MultiDiGraph(relations={local_name(p): label for p, label in sorted(labels.items())})
    for node in sorted(types):
        wikidata = sorted(http_iri(o) for o in graph.objects(node, OWL.sameAs) if "wikidata.org/" in str(o))
        nx_graph.add_node(
            str(node),
            label=_label(graph, node) or local_name(node),
            names=_names(graph, node),
            type=types[node],
            iri=str(node),
            wikidata=next((w for w in wikidata if w), ""),
            figures=[],
            evidence=[],
            mentions=0,
        )
    _add_mentions(graph, nx_graph, evidence, max_evidence)
    _add_figures(graph, nx_graph, evidence)
    _add_relations(graph, nx_graph, labels, evidence, max_evidence)
    for node, degree in nx_graph.degree():
        nx_graph.nodes[node]["degree"] = degree
    return nx_graph


def _add_mentions(graph: Graph, nx_graph: nx.MultiDiGraph, evidence: _Evidence, max_evidence: int) -> None:
    sentences: dict[str, set[URIRef]] = {}
    for mention, entity in graph.subject_objects(ITSRDF.taIdentRef):
        key = str(entity)
        if key not in nx_graph:
            continue
        nx_graph.nodes[key]["mentions"] += 1
        sentence = graph.value(mention, NIF.sentence)
        if isinstance(sentence, URIRef):
            sentences.setdefault(key, set()).add(sentence)
    for key, found in sentences.items():
        items = sorted((evidence.sentence(s) for s in found), key=lambda e: (e["document"], e["offset"], e["document_iri"], e["sentence"]))
        nx_graph.nodes[key]["evidence"] = items[:max_evidence]


def _add_figures(graph: Graph, nx_graph: nx.MultiDiGraph, evidence: _Evidence) -> None:
    for figure in graph.subjects(RDF.type, JKT.Figure):
        subjects = [str(s) for s in graph.objects(figure, SCHEMA.observationAbout) if str(s) in nx_graph]
        if not subjects:
            continue
        value = graph.value(figure, SCHEMA.value)
        unit = graph.value(figure, SCHEMA.currency) or graph.value(figure, QUDT.unit)
        measure = graph.value(figure, SCHEMA.measuredProperty)
        measure_text = graph.value(figure, JKT.measureText)
        period = graph.value(figure, JKT.period)
        kind = graph.value(figure, JKT.figureKind)
        source = graph.value(figure, PROV.wasDerivedFrom)
        found = evidence.sentence(source) if isinstance(source, URIRef) else {"sentence": "", "document": "", "offset": 0}
        item = {
            "value": _decimal_text(value) if value is not None else "",
            "unit": _unit_text(unit),
            "measure": str(measure_text) if measure_text is not None else (local_name(measure).replace("-", " ") if measure else ""),
            "period": str(period or ""),
            "kind": local_name(kind).lower() if kind is not None else "",
            "text": str(graph.value(figure, JKT.surfaceText) or ""),
            "sentence": found["sentence"],
            "document": found["document"],
            "offset": found["offset"],
            "iri": str(figure),
            "modality": _modality(graph, figure),
            "conflicted": (figure, JKT.conflictsWith, None) in graph,
            "publisher": found.get("publisher", ""),
            "date": found.get("date", ""),
        }
        item["display"] = _figure_text(item)
        for subject in subjects:
            nx_graph.nodes[subject]["figures"].append(item)
    for node in nx_graph:
        nx_graph.nodes[node]["figures"].sort(key=lambda f: (f["document"], f["offset"], f["iri"]))


def _add_relations(graph: Graph, nx_graph: nx.MultiDiGraph, labels: dict[URIRef, str], evidence: _Evidence, max_evidence: int) -> None:
    assertions: dict[tuple[str, str, str], list[URIRef]] = {}
    for assertion in graph.subjects(RDF.type, JKT.Assertion):
        key = (str(graph.value(assertion, RDF.subject)), str(graph.value(assertion, RDF.predicate)), str(graph.value(assertion, RDF.object)))
        assertions.setdefault(key, []).append(assertion)
    triples = sorted((str(s), str(p), str(o)) for p in labels for s, o in graph.subject_objects(p))
    for s, p, o in triples:
        if s not in nx_graph or o not in nx_graph:
            continue
        items, confidences, documents, periods, publishers, conflicted = [], [], set(), set(), 0, False
        for assertion in assertions.get((s, p, o), []):
            source = graph.value(assertion, PROV.wasDerivedFrom)
            if isinstance(source, URIRef) and (found := evidence.sentence(source))["sentence"]:
                items.append({**found, "modality": _modality(graph, assertion)})
                documents.add(found["document_iri"])
            if (period := graph.value(assertion, JKT.period)) is not None:
                periods.add(str(period))
            for claim in graph.subjects(JKT.supportedBy, assertion):
                publishers = max(publishers, int(graph.value(claim, JKT.publisherCount) or 0))
                conflicted = conflicted or (claim, JKT.conflictsWith, None) in graph
            confidence = graph.value(assertion, JKT.confidence)
            if confidence is not None:
                confidences.append(float(confidence.toPython()))
        unique = {(e["document"], e["offset"], e["sentence"]): e for e in items}.values()
        items = sorted(unique, key=lambda e: (e["document"], e["offset"], e["document_iri"], e["sentence"]))
        relation = local_name(p)
        nx_graph.add_edge(
            s, o, key=relation,
            relation=relation,
            relation_iri=p,
            label=labels[URIRef(p)],
            evidence=items[:max_evidence],
            assertions=len(assertions.get((s, p, o), [])),
            document_count=len(documents),
            # Gephi and networkx read "weight": the assertions behind the edge, at least the triple itself.
            weight=float(max(1, len(assertions.get((s, p, o), [])))),
            confidence=max(confidences) if confidences else None,
            # independent publishers of the claim behind the edge (near-duplicates counted once)
            sources=max(publishers, 1),
            conflicted=conflicted,
            periods=sorted(periods),
        )
