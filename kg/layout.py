"""Where the network's nodes go: seeded, deterministic positions in pixels (networkx, numpy).

Used by the page (kg.viz), which needs no physics in the browser, and by GEXF
(kg.network_formats), so that Gephi opens the same picture.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx


SEED = 42


#: Components up to this size get a full spring layout; larger ones a fast core-and-spread layout.
SPRING_LIMIT = 250


#: Target length of an edge on screen, in pixels at zoom 1.
EDGE_LENGTH = 230.0


#: Nearest-neighbour distance most nodes of a small component keep, in pixels at zoom 1.
MIN_GAP = 90.0


#: Room per node in a large component, in square pixels at zoom 1.
DENSITY = 80.0**2


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
