"""Claims -> RDF: the claims named graph, shared by all documents.

Each claim (``claims.Claim``) becomes a ``jkt:Claim`` (a ``schema:Claim``) that links the
assertions or figures that support it (``jkt:supportedBy``) and carries what a reader weighs it
by: the number of independent documents, publishers and publisher countries, the first and last
report dates, the reference periods, the modality, the source agents (``prov:wasAttributedTo``)
and the claims it conflicts with. Conflicting figures and assertions are linked to each other
too (``jkt:conflictsWith``, both ways), and near-duplicate documents to the story they repeat.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from .claims import Claim, ClaimSet, build_claims
from .facts import DocumentFacts
from .gazetteer import Gazetteer
from .graph import MODALITIES, Triples, assertion_iri, clean_label, figure_iri, period_literal, unit_iri
from .namespace import CLAIM, JKT, MEASURE, QUDT, SCHEMA, document_iri, entity_iri, ontology_graph

#: The named graph of claims.
CLAIMS_GRAPH = URIRef("https://w3id.org/jk-tech/graph/claims")


@lru_cache(maxsize=1)
def contradicting_properties() -> frozenset[tuple[str, str]]:
    """Pairs of property local names declared ``jkt:contradicts`` in the ontology."""
    ontology = ontology_graph()
    prefix = str(JKT._NS)
    return frozenset(
        (str(a).removeprefix(prefix), str(b).removeprefix(prefix))
        for a, b in ontology.subject_objects(JKT.contradicts)
    )


def claim_iri(claim: Claim) -> URIRef:
    return CLAIM[claim.id]


def add_claims(dataset: Dataset, documents: list[DocumentFacts], gazetteer: Gazetteer | None = None) -> ClaimSet:
    """Group the documents' facts into claims and write them into the dataset's claims graph."""
    claims, triples = claims_part(documents, gazetteer)
    graph = dataset.graph(CLAIMS_GRAPH)
    for triple in triples:
        graph.add(triple)
    return claims


def claims_part(documents: list[DocumentFacts], gazetteer: Gazetteer | None = None) -> tuple[ClaimSet, Triples]:
    """The documents' facts grouped into claims, and the triples of the claims graph."""
    claims = build_claims(documents, gazetteer, contradicting_properties())
    labels = {entity.id: entity.label for facts in documents for entity in facts.entities}
    triples = Triples()
    write_claims(triples, claims, labels)
    return claims, triples


def write_claims(graph: "Graph | Triples", claims: ClaimSet, labels: dict[str, str] | None = None) -> None:
    """Write the claims, their conflicts and the near-duplicate links into ``graph``.

    ``labels`` (entity id -> label) make relation claims readable: "Japan tradesWith South Korea".
    """
    labels = labels or {}
    by_id = {claim.id: claim for claim in claims.claims}
    for claim in claims.claims:
        node = claim_iri(claim)
        graph.add((node, RDF.type, JKT.Claim))
        graph.add((node, JKT.modality, MODALITIES[claim.modality]))
        if claim.kind == "figure":
            _figure_claim(graph, node, claim)
        else:
            _relation_claim(graph, node, claim, labels)
        graph.add((node, JKT.sourceCount, Literal(len(claim.documents))))
        graph.add((node, JKT.publisherCount, Literal(len(claim.publishers))))
        graph.add((node, JKT.publisherCountryCount, Literal(len(claim.countries))))
        for country in claim.countries:
            graph.add((node, JKT.publisherCountry, JKT.OtherCountry if country == "other" else entity_iri(country)))
        if claim.first_reported:
            graph.add((node, JKT.firstReported, period_literal(claim.first_reported)))
            graph.add((node, JKT.lastReported, period_literal(claim.last_reported)))
        for period in claim.periods:
            graph.add((node, JKT.referencePeriod, period_literal(period.removeprefix("reported:"))
                       if period != "reported:unknown" else Literal("unknown")))
        for agent in sorted(set(claim.agents) | set(claim.publisher_entities)):
            graph.add((node, PROV.wasAttributedTo, entity_iri(agent)))
        for other in sorted(claim.conflicts):
            graph.add((node, JKT.conflictsWith, claim_iri(by_id[other])))
    for first, second in claims.figure_conflicts:
        graph.add((figure_iri(first), JKT.conflictsWith, figure_iri(second)))
        graph.add((figure_iri(second), JKT.conflictsWith, figure_iri(first)))
    for first, second in claims.relation_conflicts:
        graph.add((assertion_iri(first), JKT.conflictsWith, assertion_iri(second)))
        graph.add((assertion_iri(second), JKT.conflictsWith, assertion_iri(first)))
    for duplicate, original in sorted(claims.duplicates.items()):
        graph.add((document_iri(duplicate), JKT.duplicateOf, document_iri(original)))


def _figure_claim(graph: "Graph | Triples", node: URIRef, claim: Claim) -> None:
    best = claim.value
    graph.add((node, RDF.type, JKT.FigureClaim))
    label = f"{best.text} ({best.measure_text or best.measure or best.unit})"
    graph.add((node, RDFS.label, Literal(label if claim.modality == "fact" else f"{label} ({claim.modality})")))
    graph.add((node, SCHEMA.value, Literal(Decimal(best.value), datatype=XSD.decimal)))
    graph.add((node, QUDT.unit, unit_iri(best.unit)))
    graph.add((node, JKT.figureKind, JKT.Change if best.kind == "change" else JKT.Level))
    if best.measure:
        graph.add((node, SCHEMA.measuredProperty, MEASURE[best.measure]))
    for subject in sorted(set(best.subjects)):
        graph.add((node, SCHEMA.observationAbout, entity_iri(subject)))
    for technology in sorted(set(best.technologies)):
        graph.add((node, JKT.technology, entity_iri(technology)))
    for figure in claim.figures:
        graph.add((node, JKT.supportedBy, figure_iri(figure)))


def _relation_claim(graph: "Graph | Triples", node: URIRef, claim: Claim, labels: dict[str, str]) -> None:
    first = claim.relations[0]
    graph.add((node, RDF.type, JKT.RelationClaim))
    graph.add((node, RDF.subject, entity_iri(first.subject_id)))
    graph.add((node, RDF.predicate, JKT[first.predicate]))
    graph.add((node, RDF.object, entity_iri(first.object_id)))
    subject, obj = (clean_label(labels.get(i, i)) for i in (first.subject_id, first.object_id))
    label = f"{subject} {first.predicate} {obj}"
    graph.add((node, RDFS.label, Literal(label if claim.modality == "fact" else f"{label} ({claim.modality})")))
    for relation in claim.relations:
        graph.add((node, JKT.supportedBy, assertion_iri(relation)))
