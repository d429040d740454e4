"""The projected network as files for other tools: GraphML and GEXF (Gephi, Cytoscape), CSV (spreadsheets).

Every edge has a unique id (``e0``, ``e1``... as in the page) and a numeric ``weight``; GEXF nodes
carry the page's colours, sizes and positions. CSV cells that a spreadsheet would run as a formula
are quoted. All files are written through kg.files, as one set.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import networkx as nx

from .errors import GraphError
from .files import write_all_atomic, write_atomic
from .formats import NETWORK_FORMATS
from .layout import SEED, layout
from .network import CLASS_STYLE, node_size


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
