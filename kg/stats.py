"""Network statistics of the projected graph: classes, relations, centrality, components, communities."""

from __future__ import annotations

from typing import Any

import networkx as nx

from .layout import SEED


#: Betweenness is exact up to this many entities (it costs O(entities * relations)).
EXACT_BETWEENNESS = 1000


#: Above that, a seeded sample of sources: as many as keep sources * (entities + relations) near
#: this budget, from 100 to 500, so 10,000 entities take seconds, not half a minute.
BETWEENNESS_WORK = 3_000_000


def betweenness_sources(nodes: int, edges: int) -> int | None:
    """How many sampled sources betweenness uses: None (all, exact) up to EXACT_BETWEENNESS entities.

    >>> betweenness_sources(1000, 2000), betweenness_sources(2000, 4000), betweenness_sources(10000, 20000)
    (None, 500, 100)
    """
    if nodes <= EXACT_BETWEENNESS:
        return None
    return max(100, min(500, BETWEENNESS_WORK // (nodes + edges)))


def graph_stats(nx_graph: nx.MultiDiGraph, *, top: int = 10, seed: int = SEED) -> dict[str, Any]:
    """Counts per class and relation, top entities by degree and betweenness, components, communities."""
    undirected = nx.Graph()
    undirected.add_nodes_from(sorted(nx_graph))
    undirected.add_edges_from((u, v) for u, v in nx_graph.edges() if u != v)
    n = undirected.number_of_nodes()
    betweenness = nx.betweenness_centrality(undirected, k=betweenness_sources(n, undirected.number_of_edges()), seed=seed) if n else {}

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
