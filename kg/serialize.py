"""RDF files from graphs: deterministic bytes in Turtle, TriG, N-Triples, N-Quads, JSON-LD and RDF/XML.

``serialize(graph, fmt)`` gives the bytes of one format (kg.formats.RDF_FORMATS). Every file first
passes ``check_graph``: each IRI must be a valid absolute IRI and each string encodable, so kg
refuses to write a file other tools would reject or misread. Writing files is kg.export's job.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, RDFS

from .errors import GraphError
from .formats import RDF_FORMATS
from .jsonld import jsonld_bytes
from .namespace import JKT, ONTOLOGY_IRI, ONTOLOGY_VERSION
from .rdfgraph import plain_graph, quads
from .rdfwrite import ordered_quads, ordered_triples, sorted_lines, write_rdf


# RFC 3987: an IRI has a scheme and never contains spaces, controls, <>"{}|^`\ or surrogates.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


_BAD_IRI_CHAR = re.compile('[\x00-\x20<>"{}|^`\\\\\x7f-\x9f\ud800-\udfff]')


_SURROGATE = re.compile("[\ud800-\udfff]")


# Characters XML 1.0 cannot carry at all, not even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def turtle_header(description: str, corpus: str | None = None) -> str:
    """The comment block that starts every Turtle / TriG file kg writes."""
    corpus_line = f"# Corpus: {corpus}\n" if corpus else ""
    return (
        f"# {description}\n"
        f"{corpus_line}"
        f"# Ontology: {ONTOLOGY_IRI} version {ONTOLOGY_VERSION}\n"
        "# Written by kg; the same corpus always gives the same bytes.\n\n"
    )


def build_info(graph: Graph | Dataset) -> tuple[str | None, int | None]:
    """The corpus and document count a built graph records in its provenance (jkt:Extraction)."""

    def value(subject, predicate):
        return next((o for _, _, o, _ in quads(graph, (subject, predicate, None))), None)

    for activity in sorted({s for s, _, _, _ in quads(graph, (None, RDF.type, JKT.Extraction))}):
        label, count = value(activity, RDFS.label), value(activity, JKT.documentCount)
        corpus = str(label).removeprefix("kg build of ") if label is not None else None
        return corpus, int(count) if count is not None else None
    return None, None


def describe(graph: Graph | Dataset) -> str:
    """A one-line description of a graph for file headers (the corpus gets a line of its own)."""
    _, count = build_info(graph)
    return f"kg knowledge graph of {count} documents" if count is not None else "kg knowledge graph"


def iri_problem(iri: str) -> str | None:
    """Why a string is not a valid absolute IRI, or None if it is one.

    >>> iri_problem("https://w3id.org/jk-tech/id/日本") is None
    True
    >>> iri_problem("https://w3id.org/jk-tech/id/south korea")
    "contains ' ' (U+0020) at position 33"
    >>> iri_problem("south-korea")
    'has no scheme (such as https:)'
    """
    match = _BAD_IRI_CHAR.search(iri)
    if match:
        char = match.group()
        return f"contains {char!r} (U+{ord(char):04X}) at position {match.start()}"
    if not _SCHEME.match(iri):
        return "has no scheme (such as https:)"
    return None


def check_graph(graph: Graph | Dataset, *, xml: bool = False) -> None:
    """Raise GraphError if the graph holds a term no standard RDF file can carry faithfully.

    Invalid IRIs (spaces, newlines, ``<>"{}|^`\\``, no scheme) and strings with lone surrogates
    (not encodable as UTF-8) are refused, as are, for RDF/XML, characters XML 1.0 forbids.
    Writing them would give files that other tools reject, or that rdflib itself reads back
    differently (a dropped triple, a "?" in place of a character).
    """
    for s, p, o, g in quads(graph):
        for role, term in (("graph name", g), ("subject", s), ("predicate", p), ("object", o)):
            if term is None or isinstance(term, BNode):
                continue
            where = f"in the triple of subject <{s}>" if role != "subject" else ""
            if isinstance(term, Literal):
                if term.datatype is not None and (problem := iri_problem(str(term.datatype))):
                    raise GraphError(f"the datatype IRI <{term.datatype}> {where} {problem}; refusing to write a corrupt file")
                text = str(term)
                bad = _NOT_XML.search(text) if xml else _SURROGATE.search(text)
                if bad:
                    char = bad.group()
                    kind = "a lone surrogate" if "\ud800" <= char <= "\udfff" else "a character XML 1.0 cannot represent"
                    raise GraphError(
                        f"the literal {text[:40]!r}… {where} (predicate <{p}>) contains {kind}, U+{ord(char):04X}, "
                        f"at position {bad.start()}; fix the source text or export another format"
                    )
                continue
            if problem := iri_problem(str(term)):
                raise GraphError(
                    f"the {role} IRI <{term}> {where} is not a valid absolute IRI: it {problem}; "
                    "kg mints IRIs from canonical ids, so fix the id or source URL it came from"
                    .replace("  ", " ")
                )


def serialize(graph: Graph | Dataset, fmt: str, *, description: str | None = None) -> bytes:
    """Serialise a graph or dataset in one of RDF_FORMATS, deterministically.

    A Dataset keeps its named graphs in TriG, N-Quads and JSON-LD and is merged into one graph
    for Turtle, N-Triples and RDF/XML.
    """
    if fmt not in RDF_FORMATS:
        raise GraphError(f"unknown RDF format {fmt!r}; use one of {', '.join(RDF_FORMATS)}")
    if RDF_FORMATS[fmt].quads and not isinstance(graph, Dataset):
        raise GraphError(f"format {fmt!r} needs named graphs; export the dataset (out/graph.trig)")
    if fmt in OXIGRAPH_WRITES:
        return _serialize_ox(graph, fmt, description)
    check_graph(graph, xml=fmt == "xml")
    try:
        return _serialize(graph, fmt)
    except RecursionError:  # rdflib's Turtle writers recurse into nested blank nodes
        raise GraphError(f"cannot write {fmt}: blank nodes are nested too deeply; export N-Triples or N-Quads instead") from None


def _serialize(graph: Graph | Dataset, fmt: str) -> bytes:
    if fmt == "jsonld":
        return jsonld_bytes(graph)
    return plain_graph_bytes(graph, fmt)


def _serialize_ox(graph: Graph | Dataset, fmt: str, description: str | None) -> bytes:
    """Turtle, TriG, N-Triples or N-Quads written by Oxigraph, checked as ``check_graph`` checks.

    Oxigraph refuses what kg refuses (invalid IRIs, strings that are not Unicode); the terms it
    accepts are checked once each, and any refusal is reported by ``check_graph`` with its details.
    """
    return serialize_quads(checked_ox_quads(graph, fmt), fmt, description=description)


def checked_ox_quads(graph: Graph | Dataset, fmt: str = "trig") -> list[ox.Quad]:
    """The graph's quads in pyoxigraph, refused with ``check_graph``'s message if any term cannot be written."""
    try:
        quads = ox_quads(graph)
    except (ValueError, TypeError, UnicodeError) as err:
        check_graph(graph)
        raise GraphError(f"cannot write {fmt}: {err}") from None
    if _first_iri_problem(quads):
        check_graph(graph)
    return quads


def checked_part(name: URIRef, triples: list[tuple]) -> list[ox.Quad]:
    """One named graph's triples (rdflib terms) as pyoxigraph quads, refused as ``checked_ox_quads`` refuses."""
    graph = ox.NamedNode(name)
    try:
        quads = [ox.Quad(_ox_term(s), _ox_term(p), _ox_term(o), graph) for s, p, o in triples]
    except (ValueError, TypeError, UnicodeError):
        quads = None
    if quads is None or _first_iri_problem(quads):
        part = Dataset()
        named = part.graph(name)
        for triple in triples:
            named.add(triple)
        quads = checked_ox_quads(part)  # raises with the offending term
    return quads


def _first_iri_problem(quads: list[ox.Quad]) -> str | None:
    iris = {t.value for q in quads for t in (q.subject, q.predicate, q.object, q.graph_name) if isinstance(t, ox.NamedNode)}
    iris.update(q.object.datatype.value for q in quads if isinstance(q.object, ox.Literal))
    return next((f"<{iri}> {problem}" for iri in sorted(iris) if (problem := iri_problem(iri))), None)


def quads_build_info(quads: list[ox.Quad]) -> tuple[str | None, int | None]:
    """``build_info`` of pyoxigraph quads: the corpus and document count of the build's provenance."""
    rdf_type, extraction = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(JKT.Extraction))
    activities = sorted({q.subject.value for q in quads if q.predicate == rdf_type and q.object == extraction})
    if not activities:
        return None, None
    activity = ox.NamedNode(activities[0])
    label = next((q.object.value for q in quads if q.subject == activity and q.predicate.value == str(RDFS.label)), None)
    count = next((q.object.value for q in quads if q.subject == activity and q.predicate.value == str(JKT.documentCount)), None)
    return (label.removeprefix("kg build of ") if label is not None else None), (int(count) if count is not None else None)


def serialize_quads(quads: list[ox.Quad], fmt: str, *, description: str | None = None) -> bytes:
    """Turtle, TriG, N-Triples or N-Quads of pyoxigraph quads (already checked), in kg's order."""
    corpus, count = quads_build_info(quads)
    description = description or (f"kg knowledge graph of {count} documents" if count is not None else "kg knowledge graph")
    header = turtle_header(description, corpus).encode("utf-8")
    if fmt == "trig":
        return write_rdf(ordered_quads(quads), fmt, header=header)  # type: ignore[return-value]
    if fmt == "nq":
        return sorted_lines(write_rdf(quads, fmt))  # type: ignore[arg-type]
    if fmt == "nt":
        return sorted_lines(write_rdf(list({q.triple for q in quads}), fmt))  # type: ignore[arg-type]
    return write_rdf(ordered_triples(quads), fmt, header=header)  # type: ignore[return-value]


def serialize_file(path: Path | str | None, fmt: str) -> bytes:
    """The graph file ``path`` (default out/) in one of RDF_FORMATS: the bytes of ``serialize(load_graph(path), fmt)``.

    Turtle, TriG, N-Triples and N-Quads go from Oxigraph's parser to its serialiser without
    rdflib, so that a graph of a million triples exports in seconds.
    """
    from .store import load_graph, parse_quads

    if fmt not in OXIGRAPH_WRITES:
        return serialize(load_graph(path), fmt)
    quads = parse_quads(path)
    if problem := _first_iri_problem(quads):
        raise GraphError(f"{path}: the IRI {problem}; refusing to write a corrupt file")
    return serialize_quads(quads, fmt)


def plain_graph_bytes(graph: Graph | Dataset, fmt: str) -> bytes:
    """RDF/XML (or another rdflib format) of the graph's triples, subjects in a stable order."""
    name = RDF_FORMATS[fmt].rdflib
    plain = _sorted_graph(graph)
    try:
        return plain.serialize(format=name, encoding="utf-8")
    except RecursionError:
        raise
    except Exception as err:  # e.g. RDF/XML cannot split a predicate IRI into namespace and name
        raise GraphError(f"cannot write {fmt}: {err}; export Turtle or N-Triples instead") from None


#: The formats Oxigraph writes (in kg's order, with kg's prefixes); rdflib writes the others.
OXIGRAPH_WRITES = ("ttl", "trig", "nt", "nq")


@lru_cache(maxsize=1 << 16)  # classes, properties, entities and documents recur in every graph
def _ox_term(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(term)
    if isinstance(term, BNode):
        return ox.BlankNode(term)
    if term.language:
        return ox.Literal(term, language=term.language)
    if term.datatype is not None:
        return ox.Literal(term, datatype=ox.NamedNode(term.datatype))
    return ox.Literal(term)


def ox_quads(graph: Graph | Dataset) -> list[ox.Quad]:
    """The graph's triples as pyoxigraph quads (named graphs kept for a Dataset)."""
    default = ox.DefaultGraph()
    names: dict = {}
    result = []
    for s, p, o, g in quads(graph):
        name = names.get(g)
        if name is None:
            name = names[g] = default if g is None or g == DATASET_DEFAULT_GRAPH_ID else _ox_term(getattr(g, "identifier", g))
        result.append(ox.Quad(_ox_term(s), _ox_term(p), _ox_term(o), name))
    return result


class _SortedGraph(Graph):
    """A Graph whose subjects and predicate-object pairs iterate in N3 order.

    rdflib's RDF/XML writer walks ``subjects()``, whose order follows the store's hashing and so
    changes with PYTHONHASHSEED. N3 strings give a total order (rdflib's own ordering of Literals
    of different datatypes is not one).
    """

    def subjects(self, predicate=None, object=None, unique: bool = False):
        found = set(super().subjects(predicate, object, unique=True))
        return iter(sorted(found, key=lambda term: term.n3()))

    def predicate_objects(self, subject=None, unique: bool = False):
        pairs = set(super().predicate_objects(subject, unique=True))
        return iter(sorted(pairs, key=lambda pair: (pair[0].n3(), pair[1].n3())))


def _sorted_graph(graph: Graph | Dataset) -> Graph:
    """The triples (of all named graphs) in one fresh graph that iterates in a stable order."""
    return plain_graph(graph, factory=_SortedGraph)
