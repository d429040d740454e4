"""The RDF graph as a network: networkx projection, offline HTML (pyvis), statistics and export.

Entities become nodes, typed relations (sub-properties of jkt:relatedTo in the ontology) become
labelled edges carrying the evidence of their jkt:Assertion nodes, and figures are attached to the
node they are about. Every string shown in the page comes from article text and is untrusted: the
page's own script puts it into the DOM with ``textContent`` only, and a Content-Security-Policy
allows no request and no script but the page's own.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from .errors import GraphError, KGError
from .files import write_atomic
from .gazetteer import ENTITY_TYPES
from .namespace import ITSRDF, JKT, NIF, QUDT, SCHEMA
from .formats import NETWORK_FORMATS
from .rdfgraph import plain_graph
from .resources import ONTOLOGY_PATH, TEMPLATES_DIR

TEMPLATE_DIR = TEMPLATES_DIR
VIS_VERSION = "9.1.2"
SEED = 42
#: Components up to this size get a full spring layout; larger ones a fast core-and-spread layout.
SPRING_LIMIT = 250
#: Target length of an edge on screen, in pixels at zoom 1.
EDGE_LENGTH = 230.0
#: Nearest-neighbour distance most nodes of a small component keep, in pixels at zoom 1.
MIN_GAP = 90.0
#: Room per node in a large component, in square pixels at zoom 1.
DENSITY = 80.0**2
#: At most this many evidence sentences are kept per node and per edge.
MAX_EVIDENCE = 5
#: Labels longer than this are shortened on the canvas; the details panel shows them in full.
MAX_LABEL = 80

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


# ------------------------------------------------------------------------------------------------
# RDF -> networkx
# ------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _ontology() -> Graph:
    try:
        return Graph().parse(ONTOLOGY_PATH, format="turtle")
    except (OSError, SyntaxError) as err:
        raise KGError(f"{ONTOLOGY_PATH}: cannot read the ontology ({err}); reinstall kg") from None


def relation_labels(ontology: Graph | None = None) -> dict[URIRef, str]:
    """Every property that is rdfs:subPropertyOf* jkt:relatedTo, with its English rdfs:label."""
    ontology = _ontology() if ontology is None else ontology
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


def search_key(text: str) -> str:
    """The form the viewer's search compares: NFKC-normalised, lower case, single spaces.

    The page's script does the same to what is typed (``normalize("NFKC").toLowerCase()``).

    >>> search_key("  ＳＡＭＳＵＮＧ  Electronics")
    'samsung electronics'
    >>> search_key("韓国")
    '韓国'
    """
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def _decimal_text(value: Any) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


#: How units read after a number: "44%", "3 years"; a count needs no unit.
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

    >>> _figure_text({"value": "44", "unit": "%", "measure": "executives expecting better relations", "period": "2026", "kind": "level"})
    '44% executives expecting better relations (2026)'
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


def _http_iri(iri: Any) -> str:
    """The IRI if it is an http(s) IRI, else '' (no javascript:, data: or file: links)."""
    text = str(iri) if iri is not None else ""
    return text if text.lower().startswith(("http://", "https://")) and not any(c in text for c in ' <>"\n\r\t') else ""


class _Evidence:
    """Looks up sentence text, offsets and document titles once per sentence."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._titles: dict[URIRef, str] = {}

    def title(self, doc: URIRef) -> str:
        if doc not in self._titles:
            title = self.graph.value(doc, DCTERMS.title) or _label(self.graph, doc) or self.graph.value(doc, DCTERMS.identifier)
            self._titles[doc] = str(title) if title is not None else local_name(doc)
        return self._titles[doc]

    def sentence(self, sentence: URIRef) -> dict[str, Any]:
        text = self.graph.value(sentence, NIF.anchorOf)
        doc = self.graph.value(sentence, NIF.referenceContext) or URIRef(str(sentence).split("#", 1)[0])
        begin = self.graph.value(sentence, NIF.beginIndex)
        return {
            "sentence": str(text) if text is not None else "",
            "document": self.title(doc),
            "document_iri": str(doc),
            "offset": int(begin) if begin is not None else 0,
        }


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
        wikidata = sorted(_http_iri(o) for o in graph.objects(node, OWL.sameAs) if "wikidata.org/" in str(o))
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
        items = sorted((evidence.sentence(s) for s in found), key=lambda e: (e["document"], e["offset"]))
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
        items, confidences, documents = [], [], set()
        for assertion in assertions.get((s, p, o), []):
            source = graph.value(assertion, PROV.wasDerivedFrom)
            if isinstance(source, URIRef) and (found := evidence.sentence(source))["sentence"]:
                items.append(found)
                documents.add(found["document_iri"])
            confidence = graph.value(assertion, JKT.confidence)
            if confidence is not None:
                confidences.append(float(confidence.toPython()))
        items = sorted({(e["document"], e["offset"], e["sentence"]): e for e in items}.values(), key=lambda e: (e["document"], e["offset"]))
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
        )


# ------------------------------------------------------------------------------------------------
# Layout
# ------------------------------------------------------------------------------------------------


def layout(nx_graph: nx.Graph, *, seed: int = SEED) -> dict[Any, tuple[float, float]]:
    """Seeded, deterministic positions in pixels: each connected component laid out, then packed.

    Components up to SPRING_LIMIT nodes get networkx's spring layout; larger ones a fast layout
    (a spring layout of their best-connected core, the rest placed around their neighbours), so
    2,000 nodes take about a second and the browser needs no physics at all.
    """
    simple = nx.Graph()
    simple.add_nodes_from(sorted(nx_graph, key=str))
    for u, v in nx_graph.edges():
        if u != v:
            count = simple.edges[u, v]["count"] + 1 if simple.has_edge(u, v) else 1
            # Entities joined by several relations attract less, so their parallel edges have room.
            simple.add_edge(u, v, count=count, weight=1.0 / count)
    components = sorted((sorted(c, key=str) for c in nx.connected_components(simple)), key=lambda c: (-len(c), str(c[0])))
    label_width = {n: 4.0 * len(str(nx_graph.nodes[n].get("label", n))) for n in simple}
    boxes = []
    for nodes in components:
        if len(nodes) == 1:
            pos = {nodes[0]: (0.0, 0.0)}
        else:
            sub = _induced(simple, nodes)
            pos = _spring(sub, seed) if len(nodes) <= SPRING_LIMIT else _core_and_spread(sub, seed)
        boxes.append(pos)
    return _pack(boxes, label_width)


def _induced(graph: nx.Graph, nodes: list[Any]) -> nx.Graph:
    """The subgraph on ``nodes``, iterating in the given order.

    networkx's subgraph views iterate small node sets in set order, which changes with
    PYTHONHASHSEED; the spring layout's start positions follow node order, so that would
    change the layout from one run to the next.
    """
    keep = set(nodes)
    sub = nx.Graph()
    sub.add_nodes_from(nodes)
    sub.add_edges_from((u, v, data) for u in nodes for v, data in graph[u].items() if v in keep)
    return sub


def _fit(pos: dict[Any, tuple[float, float]], graph: nx.Graph, clearance: dict[Any, float] | None = None) -> dict[Any, tuple[float, float]]:
    """Scale and centre a layout.

    Without ``clearance``: the median edge becomes EDGE_LENGTH long (room for its label), and most
    nodes stay MIN_GAP from their nearest neighbour. With it: most nodes keep their clearance
    from their nearest neighbour.
    """
    import numpy as np

    nodes = list(pos)
    xy = np.array([pos[n] for n in nodes], dtype=float)
    xy -= xy.mean(axis=0)
    if len(nodes) < 2:
        return {n: (0.0, 0.0) for n in nodes}
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(dist, np.inf)
    nearest = dist.argmin(axis=1)
    gap = np.maximum(dist[np.arange(len(nodes)), nearest], 1e-9)
    if clearance is None:
        index = {n: i for i, n in enumerate(nodes)}
        edges = [dist[index[u], index[v]] for u, v in graph.edges()]
        factor = max(EDGE_LENGTH / max(float(np.median(edges)), 1e-9), float(np.quantile(MIN_GAP / gap, 0.8)))
    else:
        need = np.array([clearance[n] for n in nodes])
        factor = float(np.quantile((need + need[nearest]) / gap, 0.8))
    return {n: (float(x) * factor, float(y) * factor) for n, (x, y) in zip(nodes, xy)}


def _spring(graph: nx.Graph, seed: int, clearance: dict[Any, float] | None = None) -> dict[Any, tuple[float, float]]:
    pos = nx.spring_layout(graph, seed=seed, iterations=100, weight="weight")
    return _fit({n: (float(p[0]), float(p[1])) for n, p in pos.items()}, graph, clearance)


def _core_and_spread(graph: nx.Graph, seed: int) -> dict[Any, tuple[float, float]]:
    """A fast layout for a large component: a spring layout of a hub-first core, then the rest in spirals.

    Every other node hangs off the node that reached it first in a breadth-first search from the
    core; the core is spread so that each core node has room for the spiral of all it carries.
    """
    import heapq

    degree = dict(graph.degree())
    start = min(graph, key=lambda n: (-degree[n], str(n)))
    core, seen, frontier = [], {start}, [(-degree[start], str(start), start)]
    while frontier and len(core) < SPRING_LIMIT:  # best-first search by degree keeps the core connected
        node = heapq.heappop(frontier)[2]
        core.append(node)
        for other in graph[node]:
            if other not in seen:
                seen.add(other)
                heapq.heappush(frontier, (-degree[other], str(other), other))
    parent: dict[Any, Any] = {n: None for n in core}
    children: dict[Any, list[Any]] = {n: [] for n in graph}
    queue, i = list(core), 0
    while i < len(queue):
        node, i = queue[i], i + 1
        for other in sorted(graph[node], key=str):
            if other not in parent:
                parent[other] = node
                children[node].append(other)
                queue.append(other)
    carried = {n: 1 for n in graph}
    for node in reversed(queue):
        if parent[node] is not None:
            carried[parent[node]] += carried[node]
    step = EDGE_LENGTH * 0.45
    pos = _spring(_induced(graph, core), seed, {n: step * (0.5 + 0.5 * math.sqrt(carried[n])) for n in core})
    golden = math.pi * (3 - math.sqrt(5))
    for node in queue:
        px, py = pos[node]
        up = parent[node]
        base = math.atan2(py - pos[up][1], px - pos[up][0]) if up is not None else math.atan2(py, px)
        for k, child in enumerate(children[node]):
            # Vogel's sunflower spiral: even spacing for any number of children.
            radius = step * (1.0 + 0.8 * math.sqrt(k))
            angle = base + k * golden
            pos[child] = (px + radius * math.cos(angle), py + radius * math.sin(angle))
    # A large component is a hairball at any layout: keep its shape, but give every node the same
    # average room (DENSITY pixels squared), so the overview shows nodes and zooming shows labels.
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    area = max((max(xs) - min(xs)) * (max(ys) - min(ys)), 1.0)
    factor = math.sqrt(len(pos) * DENSITY / area)
    return {n: (x * factor, y * factor) for n, (x, y) in pos.items()}


def _pack(components: list[dict[Any, tuple[float, float]]], label_width: dict[Any, float]) -> dict[Any, tuple[float, float]]:
    """Shelf-pack components (largest first) into rows of roughly square overall shape."""
    margin = EDGE_LENGTH * 0.5
    boxes = []
    for pos in components:
        xs0 = [p[0] - label_width[n] for n, p in pos.items()]
        xs1 = [p[0] + label_width[n] for n, p in pos.items()]
        ys = [p[1] for p in pos.values()]
        boxes.append((pos, min(xs0), max(xs1), min(ys) - 30, max(ys) + 40))
    area = sum((x1 - x0 + margin) * (y1 - y0 + margin) for _, x0, x1, y0, y1 in boxes)
    row_width = max(math.sqrt(area) * 1.3, max((x1 - x0) for _, x0, x1, _, _ in boxes) if boxes else 0)
    result: dict[Any, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for pos, x0, x1, y0, y1 in boxes:
        width, height = x1 - x0, y1 - y0
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height + margin, 0.0
        for node, (px, py) in pos.items():
            result[node] = (round(x + px - x0, 1), round(y + py - y0, 1))
        x += width + margin
        row_height = max(row_height, height)
    return result


# ------------------------------------------------------------------------------------------------
# HTML
# ------------------------------------------------------------------------------------------------


def node_size(degree: int) -> float:
    """Node radius in pixels, growing with the square root of the degree.

    >>> node_size(0), node_size(4)
    (12.0, 22.0)
    """
    return round(min(12.0 + 5.0 * math.sqrt(degree), 48.0), 1)


def short_label(label: str, limit: int = MAX_LABEL) -> str:
    """A label cut to ``limit`` characters, with an ellipsis when cut.

    >>> short_label("x" * 100, 10)
    'xxxxxxxxx…'
    """
    return label if len(label) <= limit else label[: limit - 1] + "\u2026"


def to_pyvis(nx_graph: nx.MultiDiGraph, *, seed: int = SEED):
    """A pyvis Network with precomputed positions, class styles, sizes and tooltip data."""
    from pyvis.network import Network

    positions = layout(nx_graph, seed=seed)
    net = Network(directed=True, cdn_resources="in_line")
    net.options = _vis_options()
    ids = {node: f"n{i}" for i, node in enumerate(nx_graph)}
    for node, data in nx_graph.nodes(data=True):
        colour, shape = CLASS_STYLE.get(data["type"], ("#999999", "dot"))
        x, y = positions[node]
        info = {k: data.get(k) for k in ("type", "iri", "wikidata", "degree", "mentions", "figures", "evidence")}
        info["wikidata"] = _http_iri(info["wikidata"])
        info["label"] = data["label"]
        info["names"] = [name for name in data.get("names", []) if name != data["label"]]
        search = [search_key(data["label"])] + [search_key(name) for name in info["names"]]
        # Skip pyvis's add_node bookkeeping (a linear scan per node): same dicts, linear time.
        net.nodes.append({
            "id": ids[node], "label": short_label(data["label"]), "shape": shape, "size": node_size(data["degree"]),
            "color": {"background": colour, "border": "#333333", "highlight": {"background": colour, "border": "#000000"}},
            "x": x, "y": y, "kind": data["type"], "info": info,
            "search": list(dict.fromkeys(search)),  # the label's key first, then its other names'
        })
        net.node_ids.append(ids[node])
        net.node_map[ids[node]] = net.nodes[-1]
    parallel: dict[tuple[str, str], int] = {}
    for i, (u, v, key, data) in enumerate(nx_graph.edges(keys=True, data=True)):
        pair = (min(ids[u], ids[v]), max(ids[u], ids[v]))
        k = parallel.get(pair, 0)
        parallel[pair] = k + 1
        # Parallel edges (several relations between two entities) curve apart so each label shows.
        smooth = {"enabled": True, "type": "curvedCW" if k % 2 else "curvedCCW", "roundness": min(0.25 * ((k + 1) // 2), 1.0)} if k else {"enabled": False}
        net.edges.append({
            "id": f"e{i}", "from": ids[u], "to": ids[v], "label": data["label"], "arrows": "to",
            "relation": data["relation"], "smooth": smooth,
            "info": {"relation": data["relation"], "label": data["label"], "evidence": data["evidence"],
                     "confidence": data.get("confidence"), "assertions": data.get("assertions", 0)},
        })
    return net


def _vis_options() -> dict[str, Any]:
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"randomSeed": SEED, "improvedLayout": False},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": True, "navigationButtons": False, "keyboard": False, "multiselect": False},
        "nodes": {
            "borderWidth": 1,
            "font": {"size": 18, "face": "system-ui, sans-serif", "color": "#1a1a1a", "strokeWidth": 4, "strokeColor": "#ffffff"},
            "scaling": {"label": {"enabled": False, "drawThreshold": 7}},
        },
        "edges": {
            "color": {"color": "#8a8a8a", "highlight": "#d62728", "hover": "#333333", "inherit": False},
            "width": 1.2,
            "font": {"size": 14, "face": "system-ui, sans-serif", "color": "#444444", "strokeWidth": 4, "strokeColor": "#ffffff", "align": "middle"},
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
            "chosen": {"edge": True, "label": False},  # no bold labels on selection: they overlap
            "scaling": {"label": {"enabled": False, "drawThreshold": 9}},
        },
    }


def _script_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _json_for_html(value: Any) -> str:
    """JSON that cannot end a <script> element or open a comment inside it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / f"vis-{VIS_VERSION}"
    try:
        js, css = (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(encoding="utf-8")
    except OSError as err:
        raise KGError(f"{lib}: vis-network {VIS_VERSION} not found in the pyvis package ({err.strerror}); reinstall pyvis==0.3.2") from None
    # The source-map comment would make developer tools request a file that is not there.
    js = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", js)
    return js, css


def network_html(nx_graph: nx.MultiDiGraph, *, title: str = "Japan–South Korea technology graph", seed: int = SEED) -> str:
    """A self-contained HTML page (no external request) drawing a projected network."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    net = to_pyvis(nx_graph, seed=seed)
    nodes, edges, _, _, _, options = net.get_network_data()
    classes = {}
    for node in nodes:
        classes[node["kind"]] = classes.get(node["kind"], 0) + 1
    relations = {}
    for edge in edges:
        relations.setdefault(edge["relation"], [edge["info"]["label"], 0])[1] += 1
    payload = {
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options),
        "classes": [{"name": name, "color": style[0], "shape": style[1], "count": classes.get(name, 0)} for name, style in CLASS_STYLE.items() if classes.get(name)],
        "relations": [{"name": name, "label": label, "count": count} for name, (label, count) in sorted(relations.items(), key=lambda r: r[1][0])],
    }
    vis_js, vis_css = _vis_assets()
    app_js = (TEMPLATE_DIR / "graph.js").read_text(encoding="utf-8")
    # The inline scripts are allowed by hash: injected markup could not run even if it reached the DOM.
    csp = "; ".join((
        "default-src 'none'",
        f"script-src {_script_hash(vis_js)} {_script_hash(app_js)}",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ))
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html", "j2"]), keep_trailing_newline=True)
    template = env.get_template("graph.html.j2")
    from markupsafe import Markup

    return template.render(
        title=title,
        csp=csp,
        node_count=len(nodes),
        edge_count=len(edges),
        vis_css=Markup(vis_css),
        vis_js=Markup(vis_js),
        app_js=Markup(app_js),
        data_json=Markup(_json_for_html(payload)),
    )


def render_html(graph: Graph, *, seed: int = SEED) -> str:
    """The interactive, offline HTML page for an RDF graph."""
    return network_html(to_networkx(graph), seed=seed)


def write_html(graph: Graph, path: Path | str, *, seed: int = SEED) -> nx.MultiDiGraph:
    """Write the HTML page for an RDF graph atomically; return the projected network."""
    nx_graph = to_networkx(graph)
    write_atomic(Path(path), network_html(nx_graph, seed=seed).encode("utf-8"))
    return nx_graph


# ------------------------------------------------------------------------------------------------
# Statistics
# ------------------------------------------------------------------------------------------------


def graph_stats(nx_graph: nx.MultiDiGraph, *, top: int = 10, seed: int = SEED) -> dict[str, Any]:
    """Counts per class and relation, top entities by degree and betweenness, components, communities."""
    undirected = nx.Graph()
    undirected.add_nodes_from(sorted(nx_graph))
    undirected.add_edges_from((u, v) for u, v in nx_graph.edges() if u != v)
    n = undirected.number_of_nodes()
    # Exact betweenness is O(nodes * edges); above 1,000 nodes a seeded sample of 500 sources.
    betweenness = nx.betweenness_centrality(undirected, k=500 if n > 1000 else None, seed=seed) if n else {}

    def entity(node: str, value: float | int) -> dict[str, Any]:
        data = nx_graph.nodes[node]
        return {"iri": node, "label": data["label"], "type": data["type"], "value": round(value, 6) if isinstance(value, float) else value}

    by_degree = sorted(nx_graph.nodes, key=lambda x: (-nx_graph.degree(x), nx_graph.nodes[x]["label"], x))[:top]
    by_betweenness = sorted(nx_graph.nodes, key=lambda x: (-betweenness.get(x, 0.0), nx_graph.nodes[x]["label"], x))[:top]
    components = sorted((sorted(c) for c in nx.connected_components(undirected)), key=lambda c: (-len(c), c[0]))
    communities = nx.community.louvain_communities(undirected, seed=seed) if undirected.number_of_edges() else []
    communities = sorted((sorted(c) for c in communities if len(c) > 1), key=lambda c: (-len(c), c[0]))
    classes: dict[str, int] = {}
    for _, data in nx_graph.nodes(data=True):
        classes[data["type"]] = classes.get(data["type"], 0) + 1
    relations: dict[str, int] = {}
    for _, _, data in nx_graph.edges(data=True):
        relations[data["label"]] = relations.get(data["label"], 0) + 1
    return {
        "nodes": nx_graph.number_of_nodes(),
        "edges": nx_graph.number_of_edges(),
        "figures": sum(len(d["figures"]) for _, d in nx_graph.nodes(data=True)),
        "classes": dict(sorted(classes.items(), key=lambda kv: (-kv[1], kv[0]))),
        "relations": dict(sorted(relations.items(), key=lambda kv: (-kv[1], kv[0]))),
        "top_degree": [entity(x, nx_graph.degree(x)) for x in by_degree],
        "top_betweenness": [entity(x, betweenness.get(x, 0.0)) for x in by_betweenness],
        "components": {
            "count": len(components),
            "isolated": sum(1 for c in components if len(c) == 1),
            "largest": len(components[0]) if components else 0,
            "sizes": [len(c) for c in components if len(c) > 1],
        },
        "communities": [
            {"size": len(c), "members": [nx_graph.nodes[x]["label"] for x in sorted(c, key=lambda x: (-nx_graph.degree(x), x))[:8]]}
            for c in communities
        ],
    }


def format_stats(stats: dict[str, Any]) -> str:
    """The statistics as plain-text tables."""
    lines = [f"{stats['nodes']} entities, {stats['edges']} relations, {stats['figures']} figures attached to entities", ""]

    def table(title: str, rows: list[tuple[str, ...]], header: tuple[str, ...]) -> None:
        lines.append(title)
        if not rows:
            lines.extend(["  (none)", ""])
            return
        widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
        for row in (header, *rows):
            cells = [str(c).rjust(w) if i == len(row) - 1 else str(c).ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
            lines.append("  " + "  ".join(cells).rstrip())
        lines.append("")

    table("Entities per class", [(k, str(v)) for k, v in stats["classes"].items()], ("class", "count"))
    table("Relations per type", [(k, str(v)) for k, v in stats["relations"].items()], ("relation", "count"))
    table("Top entities by degree", [(e["label"], e["type"], str(e["value"])) for e in stats["top_degree"]], ("entity", "class", "degree"))
    table("Top entities by betweenness centrality", [(e["label"], e["type"], f"{e['value']:.4f}") for e in stats["top_betweenness"]], ("entity", "class", "betweenness"))
    comp = stats["components"]
    lines.append(f"Connected components: {comp['count']} (largest {comp['largest']} entities, {comp['isolated']} isolated entities)")
    lines.append("")
    table("Communities (Louvain, seeded)", [(str(i), ", ".join(c["members"]), str(c["size"])) for i, c in enumerate(stats["communities"], 1)], ("#", "main members", "size"))
    return "\n".join(lines).rstrip() + "\n"


# ------------------------------------------------------------------------------------------------
# Export
# ------------------------------------------------------------------------------------------------


def _flat(value: Any) -> str | int | float | bool:
    """An attribute value GraphML/GEXF can hold: lists and dicts become readable strings."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return "; ".join(f"{k}={_flat(v)}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, (list, tuple)):
        parts = []
        for item in value:
            if isinstance(item, dict) and "sentence" in item and "value" not in item:
                parts.append(f"{item.get('sentence', '')} [{item.get('document', '')}]")
            elif isinstance(item, dict) and "value" in item:
                parts.append(" ".join(str(item.get(k, "")) for k in ("value", "unit", "measure", "period") if item.get(k)))
            else:
                parts.append(str(_flat(item)))
        return " | ".join(parts)
    return str(value)


def edge_ids(nx_graph: nx.MultiDiGraph) -> list[str]:
    """One id per edge, in edge order: ``e0``, ``e1``... as in the HTML viewer (Gephi keys edges by id)."""
    return [f"e{i}" for i in range(nx_graph.number_of_edges())]


def hex_rgb(colour: str) -> dict[str, int]:
    """A ``#rrggbb`` colour as GEXF's viz:color.

    >>> hex_rgb("#d62728")
    {'r': 214, 'g': 39, 'b': 40}
    """
    return {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16)}


def node_viz(nx_graph: nx.MultiDiGraph, *, seed: int = SEED) -> dict[Any, dict[str, Any]]:
    """GEXF viz:color, viz:size and viz:position of every node: the viewer's class colours, sizes and layout."""
    positions = layout(nx_graph, seed=seed)
    viz = {}
    for node, data in nx_graph.nodes(data=True):
        x, y = positions[node]
        colour = CLASS_STYLE.get(data.get("type", ""), ("#999999", "dot"))[0]
        # The canvas's y axis points down, Gephi's up: flip it so Gephi shows the viewer's picture.
        viz[node] = {"color": hex_rgb(colour), "size": node_size(data.get("degree", 0)), "position": {"x": x, "y": -y if y else 0.0, "z": 0.0}}
    return viz


def flat_network(nx_graph: nx.MultiDiGraph, *, viz: bool = False) -> nx.MultiDiGraph:
    """A copy whose attribute values are strings or numbers only (lists joined with ' | ').

    Edges are keyed by unique ids (``edge_ids``); with ``viz``, nodes carry GEXF's viz attributes.
    """
    flat = nx.MultiDiGraph()
    styles = node_viz(nx_graph) if viz else {}
    for node, data in nx_graph.nodes(data=True):
        # A missing value is left out, not written as "": readers type each attribute once.
        attrs = {k: _flat(v) for k, v in data.items() if v is not None}
        attrs["figure_count"] = len(data.get("figures", []))
        if viz:
            attrs["viz"] = styles[node]
        flat.add_node(node, **attrs)
    for edge_id, (u, v, key, data) in zip(edge_ids(nx_graph), nx_graph.edges(keys=True, data=True)):
        attrs = {k: _flat(val) for k, val in data.items() if val is not None}
        attrs.setdefault("relation", key)
        if viz:
            attrs["id"] = edge_id  # GEXF takes the id from this attribute, GraphML from the key
        flat.add_edge(u, v, key=edge_id, **attrs)
    return flat


def export_network(nx_graph: nx.MultiDiGraph, path: Path | str, fmt: str) -> Path:
    """Write the projected network as GraphML or GEXF, for Gephi, Cytoscape and networkx.

    Every edge has a unique id and a numeric ``weight``; GEXF nodes also carry the viewer's
    colour, size and position (viz:color, viz:size, viz:position).
    """
    if fmt not in NETWORK_FORMATS:
        raise GraphError(f"unknown network format {fmt!r}; use one of {', '.join(NETWORK_FORMATS)}")
    generate = nx.generate_graphml if fmt == "graphml" else nx.generate_gexf
    path = Path(path)
    text = "\n".join(generate(flat_network(nx_graph, viz=fmt == "gexf"))) + "\n"
    # networkx stamps GEXF with today's date; without it the same graph always gives the same bytes.
    text = re.sub(r' lastmodifieddate="[^"]*"', "", text, count=1)
    write_atomic(path, text.encode("utf-8"))
    return path
