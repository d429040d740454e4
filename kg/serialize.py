"""RDF files from graphs: deterministic bytes in Turtle, TriG, N-Triples, N-Quads, JSON-LD and RDF/XML.

``serialize(graph, fmt)`` gives the bytes of one format (kg.formats.RDF_FORMATS). Every file first
passes ``check_graph``: each IRI must be a valid absolute IRI and each string encodable, so kg
refuses to write a file other tools would reject or misread. Writing files is kg.export's job.
"""

from __future__ import annotations

import io
import re

from rdflib import BNode, Dataset, Graph, Literal
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, RDFS
from rdflib.plugins.serializers.turtle import TurtleSerializer

from .errors import GraphError
from .formats import RDF_FORMATS
from .jsonld import jsonld_bytes
from .namespace import JKT, ONTOLOGY_IRI, ONTOLOGY_VERSION, PREFIXES
from .rdfgraph import plain_graph, quads


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
    check_graph(graph, xml=fmt == "xml")
    try:
        return _serialize(graph, fmt, description)
    except RecursionError:  # rdflib's Turtle writers recurse into nested blank nodes
        raise GraphError(f"cannot write {fmt}: blank nodes are nested too deeply; export N-Triples or N-Quads instead") from None


def _serialize(graph: Graph | Dataset, fmt: str, description: str | None) -> bytes:
    name = RDF_FORMATS[fmt].rdflib
    corpus, _ = build_info(graph)
    header = turtle_header(description or describe(graph), corpus).encode("utf-8")
    if fmt == "trig":
        return header + _trig(graph)
    if fmt == "jsonld":
        return jsonld_bytes(graph)
    if fmt == "nq":
        return _sorted_lines(graph.serialize(format=name, encoding="utf-8"))
    plain = _sorted_graph(graph)
    try:
        data = _turtle(plain) if fmt == "ttl" else plain.serialize(format=name, encoding="utf-8")
    except RecursionError:
        raise
    except Exception as err:  # e.g. RDF/XML cannot split a predicate IRI into namespace and name
        raise GraphError(f"cannot write {fmt}: {err}; export Turtle or N-Triples instead") from None
    if fmt == "nt":
        return _sorted_lines(data)
    if fmt == "ttl":
        return header + data
    return data


def _sorted_lines(data: bytes) -> bytes:
    # Split on "\n" only: str.splitlines() would also split inside literals at U+2028, U+0085...
    lines = sorted(line for line in data.decode("utf-8").split("\n") if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8")


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


class _TurtleSerializer(TurtleSerializer):
    """rdflib's Turtle writer, but never inventing prefixes (ns1:): unbound IRIs stay <...>."""

    def get_pname(self, uri, gen_prefix: bool = True):
        return super().get_pname(uri, gen_prefix=False)

    def label(self, node, position) -> str:
        text = super().label(node, position)
        # rdflib abbreviates "2"^^xsd:decimal as 2.0, which reads back as another literal ("2.0"):
        # keep the abbreviation only when it is the literal's own lexical form.
        if isinstance(node, Literal) and node.datatype is not None and not text.startswith('"') and text != str(node):
            return node._literal_n3(use_plain=False, qname_callback=lambda dt: self.get_pname(dt, False))
        return text


def _turtle(graph: Graph) -> bytes:
    stream = io.BytesIO()
    _TurtleSerializer(graph).serialize(stream, encoding="utf-8")
    return stream.getvalue()


def _turtle_body(triples: Graph) -> str:
    """Turtle for some triples without the @prefix lines rdflib puts at the top."""
    text = _turtle(triples).decode("utf-8")
    lines = text.split("\n")
    while lines and (lines[0].startswith("@prefix") or not lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines).strip("\n")


def _trig(dataset: Dataset) -> bytes:
    """TriG with the named graphs in IRI order (rdflib's own order follows its store's hashing).

    Graph blocks are not indented: that would change the text of multi-line string literals.
    """
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items()))
    blocks = []
    default_id = DATASET_DEFAULT_GRAPH_ID
    for context in sorted(dataset.graphs(), key=lambda g: (g.identifier != default_id, str(g.identifier))):
        if len(context) == 0:
            continue
        body = _turtle_body(_sorted_graph(context))
        if context.identifier == default_id:
            blocks.append(f"{body}\n")
        else:
            blocks.append(f"<{context.identifier}> {{\n{body}\n}}\n")
    return (prefixes + "\n" + "\n".join(blocks)).encode("utf-8")
