"""The interactive network page: one self-contained, offline HTML file (vis-network, Jinja).

Every string shown in the page comes from article text and is untrusted: the page's own script
puts it into the DOM with ``textContent`` only, and a Content-Security-Policy allows no request
and no script but the page's own. The network comes from kg.network, the positions from kg.layout.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import Graph

from .errors import KGError
from .files import write_atomic
from .htmlsafe import csp_hash, script_json
from .layout import SEED, layout
from .network import CLASS_STYLE, http_iri, node_size, to_networkx
from .resources import TEMPLATES_DIR, vis_network_dir


VIS_VERSION = "9.1.2"


#: Labels longer than this are shortened on the canvas; the details panel shows them in full.
MAX_LABEL = 80


#: The page first draws at most this many entities, the most connected; search and double-click
#: add the others with their neighbourhoods. The page's data always holds every entity and relation.
VIEW_LIMIT = 400


#: One expansion (a search result, a double-click) adds at most this many hidden neighbours, the most connected first.
EXPAND_LIMIT = 100


def search_key(text: str) -> str:
    """The form the viewer's search compares: NFKC-normalised, lower case, single spaces.

    The page's script does the same to what is typed (``normalize("NFKC").toLowerCase()``).

    >>> search_key("  ＳＡＭＳＵＮＧ  Electronics")
    'samsung electronics'
    >>> search_key("韓国")
    '韓国'
    """
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


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
        info["wikidata"] = http_iri(info["wikidata"])
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
        sources = data.get("sources", 1)
        edge = {
            "id": f"e{i}", "from": ids[u], "to": ids[v], "label": data["label"], "arrows": "to",
            "relation": data["relation"], "smooth": smooth,
            "width": edge_width(sources),
            "years": _years(data.get("periods", [])),
            "info": {"relation": data["relation"], "label": data["label"], "evidence": data["evidence"],
                     "confidence": data.get("confidence"), "assertions": data.get("assertions", 0),
                     "sources": sources, "conflicted": bool(data.get("conflicted")), "periods": data.get("periods", [])},
        }
        if data.get("conflicted"):  # sources disagree: a dashed red edge
            edge["dashes"] = True
            edge["color"] = {"color": CONFLICT_COLOUR, "highlight": CONFLICT_COLOUR, "hover": CONFLICT_COLOUR, "inherit": False}
        net.edges.append(edge)
    return net


#: The colour of edges whose sources disagree.
CONFLICT_COLOUR = "#c0392b"


def edge_width(sources: int) -> float:
    """An edge's width from the number of independent publishers behind it.

    >>> edge_width(1), edge_width(3), edge_width(40)
    (1.2, 3.6, 6.0)
    """
    return round(min(1.2 + 1.2 * (max(sources, 1) - 1), 6.0), 1)


def _years(periods: list[str]) -> list[int]:
    """The first and last year of an edge's periods, for the page's time control ([] when none)."""
    years = sorted(int(p[:4]) for p in periods if p[:4].isdigit())
    return [years[0], years[-1]] if years else []


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


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    lib = vis_network_dir(VIS_VERSION)
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
    view = None
    if len(nodes) > VIEW_LIMIT:  # small graphs carry no "view": the page draws everything, as it always did
        payload["view"] = {"first": first_view(nodes), "expand": EXPAND_LIMIT}
        view = {"shown": f"{len(payload['view']['first']):,}", "total": f"{len(nodes):,}"}
    vis_js, vis_css = _vis_assets()
    app_js = (TEMPLATES_DIR / "graph.js").read_text(encoding="utf-8")
    # The inline scripts are allowed by hash: injected markup could not run even if it reached the DOM.
    csp = "; ".join((
        "default-src 'none'",
        f"script-src '{csp_hash(vis_js)}' '{csp_hash(app_js)}'",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ))
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html", "j2"]), keep_trailing_newline=True)
    template = env.get_template("graph.html.j2")
    from markupsafe import Markup

    return template.render(
        title=title,
        csp=csp,
        node_count=len(nodes),
        edge_count=len(edges),
        view=view,
        vis_css=Markup(vis_css),
        vis_js=Markup(vis_js),
        app_js=Markup(app_js),
        data_json=Markup(script_json(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))),
    )


def first_view(nodes: list[dict[str, Any]], limit: int = VIEW_LIMIT) -> list[str]:
    """The ids of the ``limit`` most connected nodes of the page, in the page's order.

    Ties go to the node first in the page's order (for kg's networks, the order of entity IRIs), so
    the first view is the same in every run.

    >>> first_view([{"id": f"n{i}", "info": {"degree": d}} for i, d in enumerate([1, 5, 3, 5, 0])], 3)
    ['n1', 'n2', 'n3']
    """
    chosen = sorted(range(len(nodes)), key=lambda i: (-nodes[i]["info"]["degree"], i))[:limit]
    return [nodes[i]["id"] for i in sorted(chosen)]


def render_html(graph: Graph, *, seed: int = SEED) -> str:
    """The interactive, offline HTML page for an RDF graph."""
    return network_html(to_networkx(graph), seed=seed)


def write_html(graph: Graph, path: Path | str, *, seed: int = SEED) -> nx.MultiDiGraph:
    """Write the HTML page for an RDF graph atomically; return the projected network."""
    nx_graph = to_networkx(graph)
    write_atomic(Path(path), network_html(nx_graph, seed=seed).encode("utf-8"))
    return nx_graph
