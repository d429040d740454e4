"""The ontology's terms as a closed rdflib namespace, and the prefixes used in every graph.

``ontology/jkt.ttl`` is the source of truth; ``tests/test_ontology.py`` fails when this class and
the file disagree, so a misspelt term fails loudly instead of minting a new IRI.

>>> JKT.Country
rdflib.term.URIRef('https://w3id.org/jk-tech/ontology#Country')
>>> entity_iri("south-korea")
rdflib.term.URIRef('https://w3id.org/jk-tech/id/south-korea')
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Mapping

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/jk-tech/"
ONTOLOGY_IRI = URIRef(BASE + "ontology")
ONTOLOGY_VERSION = "0.1.0"


class JKT(DefinedNamespace):
    """Japan–South Korea technology ontology (https://w3id.org/jk-tech/ontology#)."""

    _fail = True
    _NS = Namespace(BASE + "ontology#")

    Agent: URIRef  # An entity that can act
    Assertion: URIRef  # One extracted relation, reified with rdf:subject, rdf:predicate and rdf:object, derived (p
    Change: URIRef  # A figure that states a change, e.g
    Company: URIRef  # A firm, such as a chipmaker, a materials supplier or a robot maker.
    Country: URIRef  # A sovereign state, acting through its government, firms and people
    Document: URIRef  # A corpus document
    Entity: URIRef  # Anything the articles speak about that has a canonical identity in the graph
    Event: URIRef  # Something that happens over time
    Extraction: URIRef  # One build of the graph
    Figure: URIRef  # A number reported in an article
    FigureKind: URIRef  # Whether a figure is a level (a stock or share at a time) or a change (growth, fall).
    Industries: URIRef  # The concept scheme of industries.
    Industry: URIRef  # A sector of economic activity, such as semiconductors or robotics; a concept in the jkt:In
    Initiative: URIRef  # A policy, alliance, agreement, programme or legal instrument, such as the Chip 4 initiativ
    Level: URIRef  # A figure that states an amount or share at a time, e.g
    Measure: URIRef  # What a figure measures; a concept in the jkt:Measures scheme.
    Measures: URIRef  # The concept scheme of measures reported as figures.
    Mention: URIRef  # A span of text that refers to an entity (itsrdf:taIdentRef), with its offsets, sentence (n
    Organization: URIRef  # A body that is not a firm
    Person: URIRef  # A named person mentioned in an article.
    Place: URIRef  # A geographic place named in an article that is not known to be a country or region (e.g
    Product: URIRef  # A named commercial product or product line.
    Region: URIRef  # A geographic or geopolitical region made of several places, such as Northeast Asia or the 
    Sentence: URIRef  # A sentence of a document
    Survey: URIRef  # A poll or survey whose results are reported as figures, such as the Nikkei–Maeil Business 
    Technologies: URIRef  # The concept scheme of technologies and materials.
    Technology: URIRef  # A technology, material or product category, such as DRAM, photoresists or chip packaging; 
    comparedTo: URIRef  # An earlier figure of the same measure that this figure is compared with (e.g
    competesWith: URIRef  # The subject competes with the object, or seeks alternatives to it.
    complainsTo: URIRef  # The subject files a complaint with the object (e.g
    conductedBy: URIRef  # The subject (a survey, study or dialogue) is carried out by the object.
    confidence: URIRef  # The extractor's confidence in an assertion or figure, between 0 and 1 (a calibrated prior 
    controlsExportsOf: URIRef  # The subject subjects exports of the object (a technology, material or product) to export contr
    cooperatesWith: URIRef  # The subject and the object cooperate; the fields of cooperation are given with jkt:field o
    countedThing: URIRef  # For counts, what is counted (e.g
    documentCount: URIRef  # The number of documents an extraction used.
    dominates: URIRef  # The subject leads or dominates the market for the object.
    field: URIRef  # A field (industry or technology) in which a cooperation or investment takes place.
    figureKind: URIRef  # Level or change.
    hasMarketShareIn: URIRef  # The subject holds a (reported) share of the market for the object, a technology or industr
    exports: URIRef  # The subject sells the object (a technology, material, product or industry's goods) abroad.
    holdsPositionIn: URIRef  # The subject, a person, holds an office or post in the object, an organisation or a country
    imports: URIRef  # The subject buys the object (a technology, material, product or industry's goods) from abroad.
    importsFrom: URIRef  # The subject buys goods from the object; the goods are given with jkt:item on the assertion.
    holdsDialogueWith: URIRef  # The subject and the object hold talks, a dialogue or a summit.
    imposesExportControlsOn: URIRef  # The subject restricts exports to the object; the controlled items are given with jkt:item 
    inGazetteer: URIRef  # True if the entity comes from the curated gazetteer; false if it was found by the statisti
    investsIn: URIRef  # The subject invests in the object
    item: URIRef  # A good or technology a relation is about, such as the materials covered by export controls
    jointlyDevelops: URIRef  # The subject develops the object (a technology or industry) together with a partner.
    leads: URIRef  # The subject leads or initiated an initiative or alliance (e.g
    liftsExportControlsOn: URIRef  # The subject removes or eases export restrictions towards the object.
    measureText: URIRef  # The noun phrase of the sentence that says what is measured, as written.
    memberOf: URIRef  # The subject takes part in an initiative, alliance or organisation as a member.
    partOf: URIRef  # The subject is a part of the object (a place of a region, an event of a larger event).
    normalizesRelationsWith: URIRef  # The subject and the object establish, normalise or restore diplomatic or trade relations
    participatesIn: URIRef  # The subject takes part in an event
    period: URIRef  # The reference period of a figure as an ISO 8601 year (xsd:gYear), month (xsd:gYearMonth), 
    population: URIRef  # The group a figure is about when it is not a named entity, e.g
    publishedBy: URIRef  # The subject (a survey or report) is published by the object.
    qualifier: URIRef  # A qualifier stated with a figure, e.g
    relatedTo: URIRef  # Top property of all typed relations extracted from text.
    removesFromWhiteList: URIRef  # The subject removes the object from its list of trusted trading partners (the trade white 
    restoresToWhiteList: URIRef  # The subject adds the object back to its trade white list.
    role: URIRef  # The title of the office an assertion of jkt:holdsPositionIn is about, as written (e.g
    rule: URIRef  # The name of the extraction rule that produced the assertion or figure.
    suppliesTo: URIRef  # The subject supplies or exports goods (jkt:item on the assertion) to the object.
    surfaceText: URIRef  # The figure as written in the article, e.g
    technology: URIRef  # The technology or industry a figure is about, when one is named.
    tradesWith: URIRef  # The subject and the object trade goods or services with each other.
    trigger: URIRef  # The word or phrase of the sentence that signalled the relation (e.g
    visits: URIRef  # The subject, a person or delegation, travels to the object, a country or place.
    withdrawsComplaintTo: URIRef  # The subject withdraws a complaint it had filed with the object.
    Claim: URIRef  # What one or more documents report, with its supports and counts of independent sources
    FigureClaim: URIRef  # A claim that a measure has a value
    RelationClaim: URIRef  # A claim that a relation holds
    Modality: URIRef  # How a sentence states a fact
    Fact: URIRef  # Stated as having happened or being the case
    Plan: URIRef  # An intent, decision or agreement about future action
    Forecast: URIRef  # A prediction
    Hedged: URIRef  # Stated without commitment
    Opinion: URIRef  # An evaluation, belief or survey finding
    Negated: URIRef  # Denied; never asserted as a direct triple
    OtherCountry: URIRef  # Publishers outside Japan, South Korea and the United States, or of unknown country
    modality: URIRef  # The modality of an assertion or figure
    modalityCue: URIRef  # The word that decided the modality
    attributedToText: URIRef  # The words that name the source the sentence gives for a fact
    supportedBy: URIRef  # An assertion or figure that reports the claim
    sourceCount: URIRef  # The number of documents that report the claim, near-duplicates counted once
    publisherCount: URIRef  # The number of distinct publishers of the claim
    publisherCountryCount: URIRef  # The number of distinct publisher countries of the claim
    publisherCountry: URIRef  # A country of a publisher that reports the claim
    firstReported: URIRef  # The earliest date of a document that reports the claim
    lastReported: URIRef  # The latest date of a document that reports the claim
    referencePeriod: URIRef  # The time the claim is about
    conflictsWith: URIRef  # Figures or relations (and their claims) that disagree
    contradicts: URIRef  # Two properties that cannot both hold at the same time
    duplicateOf: URIRef  # A document that tells the same story as an earlier one


#: Entities (canonical ids from the gazetteer or the NER linker).
ENTITY = Namespace(BASE + "id/")
#: Documents; sentences and mentions are NIF offset IRIs under a document: doc/{id}#char=b,e
DOC = Namespace(BASE + "doc/")
#: Figures, assertions and builds.
FIGURE = Namespace(BASE + "figure/")
ASSERTION = Namespace(BASE + "assertion/")
BUILD = Namespace(BASE + "build/")
#: Claims: one fact as all documents report it (kg/claims.py).
CLAIM = Namespace(BASE + "claim/")
#: Measures (concepts of ontology/measures.ttl).
MEASURE = Namespace(BASE + "measure/")

NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")
SCHEMA = Namespace("https://schema.org/")
QUDT = Namespace("http://qudt.org/schema/qudt/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
CUR = Namespace("http://qudt.org/vocab/currency/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")

#: Prefix -> namespace, bound on every graph kg writes (no ns1: in the output).
PREFIXES: dict[str, str] = {
    "jkt": str(JKT._NS),
    "jke": str(ENTITY),
    "jkd": str(DOC),
    "jkf": str(FIGURE),
    "jka": str(ASSERTION),
    "jkb": str(BUILD),
    "jkc": str(CLAIM),
    "jkm": str(MEASURE),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": str(SCHEMA),
    "nif": str(NIF),
    "itsrdf": str(ITSRDF),
    "qudt": str(QUDT),
    "unit": str(UNIT),
    "cur": str(CUR),
    "wd": str(WD),
    "wdt": str(WDT),
    "sh": "http://www.w3.org/ns/shacl#",
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind kg's prefixes on a graph (replacing rdflib's defaults) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def prefixed_name(iri: str, prefixes: Mapping[str, str] = PREFIXES, *, local: Callable[[str], bool] | None = None) -> str | None:
    """``prefix:local`` for an IRI under one of ``prefixes`` (the longest namespace wins), else None.

    ``local`` decides which local parts a prefixed name may have (SPARQL and JSON-LD differ);
    a namespace whose local part it refuses is not used.

    >>> prefixed_name("https://w3id.org/jk-tech/id/south-korea")
    'jke:south-korea'
    >>> prefixed_name("https://example.org/x") is None
    True
    """
    best = None
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(prefixes[best])):
            if local is None or local(iri[len(namespace):]):
                best = prefix
    return None if best is None else f"{best}:{iri[len(prefixes[best]):]}"


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """``ontology/jkt.ttl`` parsed once per process; shared, so never change it."""
    from .errors import KGError
    from .resources import ONTOLOGY_PATH

    try:
        return Graph().parse(ONTOLOGY_PATH, format="turtle")
    except (OSError, SyntaxError) as err:
        raise KGError(f"{ONTOLOGY_PATH}: cannot read the ontology ({err}); reinstall kg") from None


def entity_iri(entity_id: str) -> URIRef:
    """The IRI of an entity, from its canonical id."""
    return ENTITY[entity_id]


def document_iri(article_id: str) -> URIRef:
    """The IRI of a document."""
    return DOC[article_id]


def span_iri(article_id: str, begin: int, end: int) -> URIRef:
    """The NIF (RFC 5147) IRI of a span of a document.

    >>> span_iri("seed", 0, 12)
    rdflib.term.URIRef('https://w3id.org/jk-tech/doc/seed#char=0,12')
    """
    return URIRef(f"{DOC}{article_id}#char={begin},{end}")
