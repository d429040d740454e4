"""Facts -> RDF. rdflib starts here; IRIs are minted from canonical ids and offsets only.

``dataset_parts`` gives the build's named graphs one at a time as lists of triples (the build's
provenance, the shared entity descriptions, then one graph per document, named by the document's
IRI), so that the writers never hold the whole corpus as rdflib objects; ``facts_to_dataset``
gathers them in an rdflib ``Dataset`` for the Python API and the tests.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Iterator

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from ._version import __version__
from .facts import DocumentFacts, Entity, Figure, Relation
from .gazetteer import Gazetteer, default_gazetteer
from .namespace import (
    ASSERTION,
    BUILD,
    CUR,
    FIGURE,
    ITSRDF,
    JKT,
    MEASURE,
    NIF,
    ONTOLOGY_IRI,
    QUDT,
    SCHEMA,
    UNIT,
    WD,
    bind_prefixes,
    document_iri,
    entity_iri,
    span_iri,
)

SOFTWARE = URIRef("https://w3id.org/jk-tech/software/kg")
BUILD_GRAPH = URIRef("https://w3id.org/jk-tech/graph/build")
#: The shared descriptions of entities (types, labels, Wikidata links), once for the whole build.
ENTITIES_GRAPH = URIRef("https://w3id.org/jk-tech/graph/entities")
#: Units that are not currencies -> QUDT unit IRIs.
UNITS = {
    "percent": UNIT.PERCENT,
    "percentage-point": UNIT.PERCENT,
    "count": UNIT.NUM,
    "year": UNIT.YR,
    "month": UNIT.MO,
    "week": UNIT.WK,
    "day": UNIT.DAY,
    "hour": UNIT.HR,
    "minute": UNIT.MIN,
    "rank": UNIT.NUM,
    "tonne": UNIT.TONNE,
    "multiple": UNIT.UNITLESS,
}


#: Characters never kept in a label: controls, and format characters (zero-width, bidi, soft hyphen).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def clean_label(text: str) -> str:
    """A label as shown: NFC, without invisible characters, whitespace runs as one space.

    >>> clean_label("Cafe\\u0301\\u200b  Lumie\\u0300re\\n")
    'Café Lumière'
    """
    text = _UNPRINTABLE.sub("", unicodedata.normalize("NFC", text))
    return " ".join(text.split())


@dataclass(frozen=True)
class BuildInfo:
    """What the provenance of a build records. ``time`` is an ISO 8601 UTC timestamp."""

    time: str
    corpus: str = "corpus"
    software_version: str = __version__


def build_id(documents: Iterable[DocumentFacts]) -> str:
    """A stable id for a build: a hash of the documents' ids and texts."""
    digest = hashlib.sha256()
    for facts in sorted(documents, key=lambda d: d.article.id):
        digest.update(facts.article.id.encode() + b"\0" + facts.article.text.encode() + b"\0")
    return digest.hexdigest()[:16]


def sentence_iri(article_id: str, start: int, end: int) -> URIRef:
    return span_iri(article_id, start, end)


def figure_iri(figure: Figure) -> URIRef:
    return FIGURE[f"{figure.article_id}/{figure.start}-{figure.end}"]


def assertion_iri(relation: Relation) -> URIRef:
    key = "|".join((relation.article_id, str(relation.sentence_start), relation.subject_id, relation.predicate, relation.object_id))
    return ASSERTION[f"{relation.article_id}/{hashlib.sha1(key.encode()).hexdigest()[:16]}"]


def unit_iri(unit: str) -> URIRef:
    """QUDT IRI for a unit name or an ISO 4217 currency code.

    >>> unit_iri("USD")
    rdflib.term.URIRef('http://qudt.org/vocab/currency/USD')
    >>> unit_iri("percent")
    rdflib.term.URIRef('http://qudt.org/vocab/unit/PERCENT')
    """
    if unit in UNITS:
        return UNITS[unit]
    if len(unit) == 3 and unit.isupper():
        return CUR[unit]
    return UNIT.NUM


def period_literal(period: str) -> Literal:
    """A typed literal for an ISO 8601 period.

    >>> period_literal("2025").datatype == XSD.gYear
    True
    >>> period_literal("2026-01").datatype == XSD.gYearMonth
    True
    """
    if len(period) == 4 and period.isdigit():
        return Literal(period, datatype=XSD.gYear)
    if len(period) == 7 and period[4] == "-" and period[5:].isdigit():
        return Literal(period, datatype=XSD.gYearMonth)
    if len(period) == 10 and period[4] == "-" and period[7] == "-":
        return Literal(period, datatype=XSD.date)
    return Literal(period)


def _add_entity(graph: "Graph | Triples", entity, gazetteer: Gazetteer) -> None:
    node = entity_iri(entity.id)
    label = clean_label(entity.label) or entity.id
    graph.add((node, RDF.type, JKT[entity.type]))
    graph.add((node, RDFS.label, Literal(label, lang="en")))
    graph.add((node, SKOS.prefLabel, Literal(label, lang="en")))
    graph.add((node, JKT.inGazetteer, Literal(entity.in_gazetteer)))
    if entity.wikidata:
        graph.add((node, OWL.sameAs, WD[entity.wikidata]))
    entry = gazetteer.entries.get(entity.id) if entity.in_gazetteer else None
    if entry is None:
        return
    for alt in entry.alt_labels:
        if alt != entry.label:
            graph.add((node, SKOS.altLabel, Literal(alt, lang="en")))
    for lang, label in entry.labels:
        graph.add((node, SKOS.prefLabel, Literal(label, lang=lang)))
    if entry.type in ("Technology", "Industry"):
        graph.add((node, SKOS.inScheme, JKT.Technologies if entry.type == "Technology" else JKT.Industries))
        if entry.broader:
            graph.add((node, SKOS.broader, entity_iri(entry.broader)))


def merge_entities(documents: Iterable[DocumentFacts]) -> list[Entity]:
    """One description per entity id across all documents: one type, one label.

    A name found by the statistical model can be typed differently in two documents ("TOKYO" in
    a dateline, "Tokyo" in a sentence); the description most documents give wins, a gazetteer
    entry over any other, then the first in sort order, so the graph never gives one entity two
    classes.
    """
    votes: dict[str, Counter] = {}
    for facts in documents:
        for entity in facts.entities:
            votes.setdefault(entity.id, Counter())[entity] += 1
    return [min(counter, key=lambda e: (not e.in_gazetteer, -counter[e], e)) for _, counter in sorted(votes.items())]


def _add_document(graph: "Graph | Triples", facts: DocumentFacts, activity: URIRef) -> URIRef:
    article = facts.article
    doc = document_iri(article.id)
    graph.add((doc, RDF.type, JKT.Document))
    graph.add((doc, NIF.isString, Literal(article.text)))
    graph.add((doc, DCTERMS.identifier, Literal(article.id)))
    graph.add((doc, RDFS.label, Literal(clean_label(article.title or "") or article.id)))
    if article.title:
        graph.add((doc, DCTERMS.title, Literal(article.title)))
    if article.source:
        graph.add((doc, DCTERMS.source, URIRef(article.source) if _is_iri(article.source) else Literal(article.source)))
    if article.publisher:
        graph.add((doc, DCTERMS.publisher, Literal(article.publisher)))
    if article.date:
        graph.add((doc, DCTERMS.date, period_literal(article.date)))
    graph.add((doc, DCTERMS.language, Literal(article.language)))
    if article.license:
        graph.add((doc, DCTERMS.license, Literal(article.license)))
    if article.author:
        graph.add((doc, DCTERMS.creator, Literal(article.author)))
    if article.media_type:  # the format of the original the stored text was made from (kg add)
        graph.add((doc, DCTERMS.format, Literal(article.media_type)))
    derived = article.derived_from
    if derived and (_is_iri(derived) or derived.startswith("ni:///")):
        graph.add((doc, PROV.wasDerivedFrom, URIRef(derived)))
    if article.retrieved:
        graph.add((doc, DCTERMS.dateSubmitted, period_literal(article.retrieved[:10])))
    graph.add((doc, NIF.beginIndex, Literal(article.body_start, datatype=XSD.nonNegativeInteger)))
    graph.add((doc, NIF.endIndex, Literal(article.body_end, datatype=XSD.nonNegativeInteger)))
    for sentence in facts.sentences:
        node = sentence_iri(article.id, sentence.start, sentence.end)
        graph.add((node, RDF.type, JKT.Sentence))
        graph.add((node, NIF.anchorOf, Literal(sentence.text)))
        graph.add((node, NIF.beginIndex, Literal(sentence.start, datatype=XSD.nonNegativeInteger)))
        graph.add((node, NIF.endIndex, Literal(sentence.end, datatype=XSD.nonNegativeInteger)))
        graph.add((node, NIF.referenceContext, doc))
    sentence_end = {s.start: s.end for s in facts.sentences}
    for mention in facts.mentions:
        node = span_iri(article.id, mention.start, mention.end)
        graph.add((node, RDF.type, JKT.Mention))
        graph.add((node, NIF.anchorOf, Literal(mention.text)))
        graph.add((node, NIF.beginIndex, Literal(mention.start, datatype=XSD.nonNegativeInteger)))
        graph.add((node, NIF.endIndex, Literal(mention.end, datatype=XSD.nonNegativeInteger)))
        graph.add((node, NIF.referenceContext, doc))
        graph.add((node, NIF.sentence, sentence_iri(article.id, mention.sentence_start, sentence_end[mention.sentence_start])))
        graph.add((node, ITSRDF.taIdentRef, entity_iri(mention.entity_id)))
        graph.add((node, PROV.wasGeneratedBy, activity))
    return doc


def _is_iri(text: str) -> bool:
    return (
        text.startswith(("http://", "https://"))
        and not any(c in text for c in ' <>"{}|\\^`\n\r\t')
        and not _UNPRINTABLE.search(text)
    )


#: Modality labels of ``extract/modality.py`` -> individuals of jkt:Modality.
MODALITIES = {
    "fact": JKT.Fact, "plan": JKT.Plan, "forecast": JKT.Forecast,
    "hedged": JKT.Hedged, "opinion": JKT.Opinion, "negated": JKT.Negated,
}


def _add_modality(graph: "Graph | Triples", node: URIRef, fact: Figure | Relation) -> None:
    """The fact's modality, the cue that decided it, and the source agent the sentence names."""
    graph.add((node, JKT.modality, MODALITIES[fact.modality]))
    if fact.modality_cue:
        graph.add((node, JKT.modalityCue, Literal(fact.modality_cue)))
    if fact.agent:
        graph.add((node, PROV.wasAttributedTo, entity_iri(fact.agent)))
    if fact.agent_text:
        graph.add((node, JKT.attributedToText, Literal(clean_label(fact.agent_text))))


def _add_figure(graph: "Graph | Triples", figure: Figure, sentence: URIRef, activity: URIRef) -> None:
    node = figure_iri(figure)
    graph.add((node, RDF.type, JKT.Figure))
    graph.add((node, SCHEMA.value, Literal(Decimal(figure.value), datatype=XSD.decimal)))
    graph.add((node, QUDT.unit, unit_iri(figure.unit)))
    if unit_iri(figure.unit).startswith(str(CUR)):
        graph.add((node, SCHEMA.currency, Literal(figure.unit)))
    graph.add((node, JKT.surfaceText, Literal(figure.text)))
    graph.add((node, JKT.figureKind, JKT.Change if figure.kind == "change" else JKT.Level))
    graph.add((node, RDFS.label, Literal(f"{figure.text} ({figure.measure_text or figure.measure or figure.unit})")))
    if figure.measure:
        graph.add((node, SCHEMA.measuredProperty, MEASURE[figure.measure]))
    if figure.measure_text:
        graph.add((node, JKT.measureText, Literal(figure.measure_text)))
    for subject in figure.subjects:
        graph.add((node, SCHEMA.observationAbout, entity_iri(subject)))
    for technology in figure.technologies:
        graph.add((node, JKT.technology, entity_iri(technology)))
    if figure.population:
        graph.add((node, JKT.population, Literal(figure.population)))
    if figure.counted:
        graph.add((node, JKT.countedThing, Literal(figure.counted)))
    if figure.period:
        graph.add((node, JKT.period, period_literal(figure.period)))
    if figure.qualifier:
        graph.add((node, JKT.qualifier, Literal(figure.qualifier)))
    if figure.compared_to:
        start, end = figure.compared_to
        graph.add((node, JKT.comparedTo, FIGURE[f"{figure.article_id}/{start}-{end}"]))
    graph.add((node, JKT.confidence, Literal(Decimal(str(figure.confidence)), datatype=XSD.decimal)))
    if figure.rule:
        graph.add((node, JKT.rule, Literal(figure.rule)))
    _add_modality(graph, node, figure)
    graph.add((node, PROV.wasDerivedFrom, sentence))
    graph.add((node, PROV.wasGeneratedBy, activity))


def _add_relation(graph: "Graph | Triples", relation: Relation, sentence: URIRef, activity: URIRef) -> None:
    subject, predicate, obj = entity_iri(relation.subject_id), JKT[relation.predicate], entity_iri(relation.object_id)
    if relation.modality != "negated":  # a denied relation is kept as an assertion, never as a direct triple
        graph.add((subject, predicate, obj))
    node = assertion_iri(relation)
    graph.add((node, RDF.type, JKT.Assertion))
    graph.add((node, RDF.subject, subject))
    graph.add((node, RDF.predicate, predicate))
    graph.add((node, RDF.object, obj))
    graph.add((node, JKT.confidence, Literal(Decimal(str(relation.confidence)), datatype=XSD.decimal)))
    if relation.trigger:
        graph.add((node, JKT.trigger, Literal(relation.trigger)))
    if relation.rule:
        graph.add((node, JKT.rule, Literal(relation.rule)))
    for item in relation.items:
        graph.add((node, JKT.item, entity_iri(item)))
    for field in relation.fields:
        graph.add((node, JKT.field, entity_iri(field)))
    if relation.period:
        graph.add((node, JKT.period, period_literal(relation.period)))
    _add_modality(graph, node, relation)
    graph.add((node, PROV.wasDerivedFrom, sentence))
    graph.add((node, PROV.wasGeneratedBy, activity))


class Triples(list):
    """A named graph being made: its triples in a list, added with ``add`` as to an rdflib Graph (no index)."""

    def add(self, triple: tuple) -> "Triples":
        self.append(triple)
        return self


def facts_to_dataset(documents: list[DocumentFacts], info: BuildInfo, gazetteer: Gazetteer | None = None) -> Dataset:
    """The build's named graphs (``dataset_parts``) in one rdflib Dataset with kg's prefixes."""
    dataset = bind_prefixes(Dataset())
    for name, triples in dataset_parts(documents, info, gazetteer):
        graph = dataset.graph(name)
        for triple in triples:
            graph.add(triple)
    return dataset


def dataset_parts(documents: list[DocumentFacts], info: BuildInfo, gazetteer: Gazetteer | None = None) -> Iterator[tuple[URIRef, Triples]]:
    """The build's named graphs, one at a time: the build's provenance, the entities, then each document.

    A document's graph holds what that document says (its text, sentences, mentions, figures,
    relations); what is true of an entity whichever document names it (type, labels, Wikidata
    link, broader concept) lives once in ``ENTITIES_GRAPH``, so that a store's union default
    graph returns each entity once. Documents come in the order of their ids.
    """
    gazetteer = gazetteer or default_gazetteer()
    activity = BUILD[build_id(documents)]
    ordered = sorted(documents, key=lambda d: d.article.id)
    build = Triples()
    build.add((activity, RDF.type, JKT.Extraction))
    build.add((activity, RDFS.label, Literal(f"kg build of {info.corpus}")))
    build.add((activity, PROV.wasAssociatedWith, SOFTWARE))
    build.add((activity, PROV.endedAtTime, Literal(info.time, datatype=XSD.dateTime)))
    build.add((activity, JKT.documentCount, Literal(len(documents))))
    build.add((activity, PROV.used, ONTOLOGY_IRI))
    build.add((SOFTWARE, RDF.type, PROV.SoftwareAgent))
    build.add((SOFTWARE, RDFS.label, Literal("kg")))
    build.add((SOFTWARE, SCHEMA.softwareVersion, Literal(info.software_version)))
    for facts in ordered:
        build.add((activity, PROV.used, document_iri(facts.article.id)))
    yield BUILD_GRAPH, build
    entities = Triples()
    for entity in merge_entities(documents):
        _add_entity(entities, entity, gazetteer)
    yield ENTITIES_GRAPH, entities
    for facts in ordered:
        graph = Triples()
        _add_document(graph, facts, activity)
        ends = {s.start: s.end for s in facts.sentences}
        for figure in facts.figures:
            _add_figure(graph, figure, sentence_iri(figure.article_id, figure.sentence_start, ends[figure.sentence_start]), activity)
        for relation in facts.relations:
            _add_relation(graph, relation, sentence_iri(relation.article_id, relation.sentence_start, ends[relation.sentence_start]), activity)
        yield document_iri(facts.article.id), graph
