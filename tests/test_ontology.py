"""The ontology file and the code agree; every term is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.namespace import JKT

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "jkt.ttl"
NS = str(JKT._NS)


@pytest.fixture(scope="module")
def ontology():
    return Graph().parse(ONTOLOGY)


def test_namespace_class_mirrors_the_ontology(ontology):
    in_file = {str(s)[len(NS):] for s in ontology.subjects() if str(s).startswith(NS)}
    in_code = {name for name in JKT.__annotations__}
    assert in_file == in_code


def test_every_term_has_label_and_comment(ontology):
    for term in JKT.__annotations__:
        iri = JKT[term]
        assert ontology.value(iri, RDFS.label), term
        assert ontology.value(iri, RDFS.comment), term


def test_properties_have_domain_and_range(ontology):
    for prop in set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(ontology.subjects(RDF.type, OWL.DatatypeProperty)):
        assert ontology.value(prop, RDFS.domain) is not None, prop
        if prop != JKT.period:  # a literal of one of several date types
            assert ontology.value(prop, RDFS.range) is not None, prop


def test_unknown_term_fails_loudly():
    with pytest.raises(AttributeError):
        JKT.memberof  # noqa: B018  (typo: the ontology says memberOf)


def test_code_uses_only_ontology_terms(ontology):
    """Every JKT.x and JKT["x"] in kg/ names a term of the ontology."""
    terms = {str(s)[len(NS):] for s in ontology.subjects() if str(s).startswith(NS)}
    used = set()
    for path in (ROOT / "kg").rglob("*.py"):
        used |= set(re.findall(r"\bJKT\.([A-Za-z_]+)\b", path.read_text(encoding="utf-8")))
    used -= {"_NS", "_fail", "__annotations__"}
    assert used and used <= terms, used - terms


def test_ontology_has_version_and_namespace(ontology):
    onto = URIRef("https://w3id.org/jk-tech/ontology")
    assert (onto, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(onto, OWL.versionInfo) is not None
