"""Serialise graphs to files: deterministic bytes, written atomically.

``serialize(graph, fmt)`` gives the bytes of one RDF format; ``export_graph(dataset, path, fmt)``
writes any export format, including the network formats (GraphML, GEXF, CSV) of the networkx
projection. Every RDF export first checks that each IRI is a valid absolute IRI and each string
is encodable, so kg refuses to write a file other tools would reject or misread.
"""

from __future__ import annotations

import csv
import io
import json
import re
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.plugins.serializers.turtle import TurtleSerializer

from .errors import GraphError
from .files import remove_stale_temporaries, write_all_atomic, write_atomic  # noqa: F401  (part of this module's API)
from .formats import EXPORT_FORMATS, NETWORK_FORMATS, RDF_FORMATS, TABLE_FORMATS
from .namespace import JKT, ONTOLOGY_IRI, ONTOLOGY_VERSION, PREFIXES, prefixed_name
from .rdfgraph import plain_graph, quads
from .resources import ONTOLOGY_PATH

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
        return _jsonld(graph)
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


# --- JSON-LD -------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def jsonld_context() -> dict:
    """The JSON-LD @context: kg's prefixes plus a term for each class and property of the ontology.

    Object properties are coerced to IRIs ("@type": "@id"); datatype properties whose range is
    one XSD datatype other than xsd:string are coerced to it, so their values read as strings.
    """
    context: dict = dict(sorted(PREFIXES.items()))
    ontology = Graph()
    if ONTOLOGY_PATH.is_file():
        ontology.parse(ONTOLOGY_PATH, format="turtle")
    for name in sorted(JKT.__annotations__):
        iri = JKT[name]
        compact = f"jkt:{name}"
        if (iri, RDF.type, OWL.ObjectProperty) in ontology:
            context[name] = {"@id": compact, "@type": "@id"}
        elif name[0].islower():
            ranges = list(ontology.objects(iri, RDFS.range))
            term: dict = {"@id": compact}
            if len(ranges) == 1 and str(ranges[0]).startswith(str(XSD)) and ranges[0] != XSD.string:
                term["@type"] = _compact(ranges[0])
            context[name] = term
        else:
            context[name] = compact
    return context


def _compact(iri: str) -> str:
    """A compact IRI (prefix:name) for an IRI under one of kg's prefixes, else the IRI itself.

    >>> _compact("https://w3id.org/jk-tech/id/south-korea")
    'jke:south-korea'
    """
    # "p://x" would read as an absolute IRI, not as a compact one.
    return prefixed_name(iri, local=lambda rest: not rest.startswith("//")) or str(iri)


def _jsonld_terms() -> tuple[dict[str, tuple[str, str | None]], dict[str, str]]:
    """Property IRI -> (term, coercion) and class IRI -> term, from the context."""
    properties, classes = {}, {}
    for term, definition in jsonld_context().items():
        if term in PREFIXES:
            continue
        if isinstance(definition, str):
            classes[str(JKT[term])] = term
        else:
            coercion = definition.get("@type")
            properties[str(JKT[term])] = (term, coercion)
    return properties, classes


def _jsonld_value(term: Literal | URIRef | BNode, coercion: str | None):
    """A JSON-LD value for an RDF term, and whether it may use the property's term key."""
    if isinstance(term, BNode):
        return {"@id": f"_:{term}"}, coercion is None
    if isinstance(term, URIRef):
        if coercion == "@id":
            return _compact(term), True
        return {"@id": _compact(term)}, coercion is None
    if term.language:
        return {"@value": str(term), "@language": term.language}, coercion is None
    if term.datatype is None:
        return str(term), coercion is None
    datatype = _compact(term.datatype)
    if coercion == datatype:
        return str(term), True
    return {"@value": str(term), "@type": datatype}, coercion is None


def _jsonld_nodes(triples) -> list[dict]:
    properties, classes = _jsonld_terms()
    nodes: dict[str, dict[str, list]] = {}
    for s, p, o in triples:
        node = nodes.setdefault(f"_:{s}" if isinstance(s, BNode) else _compact(s), {})
        if p == RDF.type and isinstance(o, URIRef):
            node.setdefault("@type", []).append(classes.get(str(o), _compact(o)))
            continue
        term, coercion = properties.get(str(p), (None, None))
        value, fits = _jsonld_value(o, coercion)
        if term is None or not fits:
            key = _compact(p)
            if key == str(p) or key in jsonld_context():
                key = str(p)
            value, _ = _jsonld_value(o, None)
        else:
            key = term
        node.setdefault(key, []).append(value)
    result = []
    for node_id in sorted(nodes):
        node = {"@id": node_id}
        for key, values in nodes[node_id].items():
            values = sorted(values, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
            node[key] = values[0] if len(values) == 1 else values
        result.append(node)
    return result


def _jsonld(graph: Graph | Dataset) -> bytes:
    """Compact JSON-LD with kg's @context, sorted keys and nodes; one @graph per named graph."""
    if isinstance(graph, Dataset):
        top: dict[str, dict] = {}
        named = []
        for context in graph.graphs():
            if context.identifier == DATASET_DEFAULT_GRAPH_ID:
                top.update((node["@id"], node) for node in _jsonld_nodes(context))
            elif len(context):
                named.append(context)
        for context in named:
            name = _compact(context.identifier)
            top.setdefault(name, {"@id": name})["@graph"] = _jsonld_nodes(context)
        body = [top[key] for key in sorted(top)]
    else:
        body = _jsonld_nodes(graph)
    document = {"@context": jsonld_context(), "@graph": body}
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


# --- Writing files -------------------------------------------------------------------------------


def export_graph(dataset: Graph | Dataset, path: Path | str, fmt: str, *, description: str | None = None, bom: bool = False) -> list[Path]:
    """Write the graph to ``path`` in an export format and return the files written.

    RDF formats write one file. ``graphml`` and ``gexf`` write the networkx projection of
    kg.viz to one file; ``csv`` writes ``nodes.csv`` and ``edges.csv`` into the directory ``path``,
    starting with a UTF-8 byte-order mark if ``bom`` (Excel on Windows reads UTF-8 only then).
    """
    path = Path(path)
    if bom and fmt != "csv":
        raise GraphError(f"a byte-order mark (--bom) is for csv only, not {fmt}; drop --bom or use --format csv")
    if fmt in RDF_FORMATS:
        data = serialize(dataset, fmt, description=description)
        write_atomic(path, data)
        return [path]
    if fmt not in (*NETWORK_FORMATS, *TABLE_FORMATS):
        raise GraphError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    check_graph(dataset)
    try:
        from .viz import to_networkx
    except ImportError:
        raise GraphError(f"format {fmt!r} needs kg.viz (the networkx projection), which is not installed") from None
    nx_graph = to_networkx(dataset)
    if fmt == "csv":
        return write_csv(nx_graph, path, bom=bom)
    from .viz import export_network

    export_network(nx_graph, path, fmt)
    return [path]


#: Leading characters that make spreadsheets evaluate a cell as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NODE_COLUMNS = ("id", "label", "type", "wikidata", "mentions", "degree")
EDGE_COLUMNS = ("source", "target", "relation", "label", "confidence", "assertions", "weight", "evidence", "documents")
#: UTF-8 byte-order mark: without it Excel on Windows decodes a CSV file as the ANSI code page.
UTF8_BOM = b"\xef\xbb\xbf"


def _cell(value) -> str | int | float:
    """A CSV cell: numbers as they are, text with a leading ' if a spreadsheet would run it as a formula.

    >>> _cell("=HYPERLINK(1)"), _cell("Japan"), _cell(3)
    ("'=HYPERLINK(1)", 'Japan', 3)
    """
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_bytes(columns: tuple[str, ...], rows: list[dict]) -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return stream.getvalue().encode("utf-8")


def write_csv(nx_graph, directory: Path | str, *, bom: bool = False) -> list[Path]:
    """Write the network as ``nodes.csv`` and ``edges.csv`` (UTF-8, one header row) into directory.

    Nodes: id (the IRI), label, type, wikidata, mentions, degree. Edges: source, target, relation
    (the property's local name), label, confidence, assertions, weight, and the evidence sentences
    and their documents, one per line within the cell. Rows are sorted, so the bytes are stable.
    With ``bom`` each file starts with a UTF-8 byte-order mark, for Excel on Windows.
    """
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise GraphError(f"{directory}: exists and is not a directory; csv export writes nodes.csv and edges.csv into a directory")
    nodes = [{"id": node, **data} for node, data in sorted(nx_graph.nodes(data=True), key=lambda item: str(item[0]))]
    edges = []
    for source, target, key, data in nx_graph.edges(keys=True, data=True):
        evidence = data.get("evidence") or []
        edges.append({
            **data,
            "source": source,
            "target": target,
            "relation": data.get("relation", key),
            "evidence": "\n".join(e.get("sentence", "") for e in evidence),
            "documents": "\n".join(e.get("document", "") for e in evidence),
        })
    edges.sort(key=lambda e: (str(e["source"]), str(e["target"]), str(e["relation"])))
    prefix = UTF8_BOM if bom else b""
    outputs = {
        directory / "nodes.csv": prefix + _csv_bytes(NODE_COLUMNS, nodes),
        directory / "edges.csv": prefix + _csv_bytes(EDGE_COLUMNS, edges),
    }
    return write_all_atomic(outputs)
