"""Readable names for the IRIs of an answer: English labels from the graph, looked up in the store.

``labels_for(store, iris)`` prefers ``skos:prefLabel`` in English, then ``rdfs:label`` in English
or without a language, then any label; IRIs without one are left out (readers fall back to a
short name). ``kg query`` tables and ``kg.query`` rows attach them to their answer.
"""

from __future__ import annotations

from typing import Any, Iterable

import pyoxigraph as ox

from .stores import KGStore

_PREF = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def _rank(predicate: int, literal: ox.Literal) -> tuple[int, int, str]:
    lang = literal.language or ""
    return (0 if lang == "en" else 1 if not lang else 2, predicate, literal.value)


def labels_for(store: Any, iris: Iterable[str]) -> dict[str, str]:
    """IRI -> its best English label, for the IRIs that have one."""
    base = store.merged if isinstance(store, KGStore) else store
    labels: dict[str, str] = {}
    for iri in sorted(set(iris)):
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            continue
        best = None
        for index, predicate in enumerate((_PREF, _LABEL)):
            for quad in base.quads_for_pattern(node, predicate, None):
                if isinstance(quad.object, ox.Literal):
                    rank = _rank(index, quad.object)
                    best = rank if best is None or rank < best else best
        if best is not None:
            labels[iri] = best[2]
    return labels


def result_iris(result: Any) -> set[str]:
    """Every IRI of a SELECT answer's cells."""
    return {term.value for row in result.rows for term in row if isinstance(term, ox.NamedNode)}
