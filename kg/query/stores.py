"""Graphs in Oxigraph for querying: ``load_store(path)`` and ``as_store(graph)`` give a ``KGStore``."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import QueryError
from ..store import load_oxigraph, persistent_store, resolve_graph_path
from .safety import inspect_query
from .terms import PREFIXES, to_ox


class KGStore:
    """A graph in Oxigraph, held twice so that both kinds of query are fast and right.

    ``merged`` holds the RDF merge of all graphs (each triple once) in its default graph;
    ``full`` keeps the documents' named graphs and, from its first use, the merge as its default
    graph. Queries without GRAPH or FROM run on ``merged``: Oxigraph's lookups slow down
    several-fold when a triple recurs in many named graphs (as entity descriptions do, once per
    document), and its union-default-graph mode would repeat such a triple once per graph
    instead of treating the default graph as a set.
    """

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        self._full_ready = False
        self._lock = threading.Lock()
        self.graph_names = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
        if self.graph_names:
            union = store.query("CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
            self.merged = ox.Store()
            self.merged.load(union.serialize(format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES, lenient=True)
        else:
            self.merged = store

    @classmethod
    def prepared(cls, store: ox.Store) -> KGStore:
        """A store that already holds the named graphs and their merge in its default graph (``out/store``)."""
        self = cls.__new__(cls)
        self._store, self._full_ready, self._lock = store, True, threading.Lock()
        self.graph_names = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
        self.merged = store
        return self

    def __len__(self) -> int:
        """The number of distinct triples."""
        if self.merged is self._store and self.graph_names:
            return int(next(iter(self.merged.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
        return len(self.merged)

    @property
    def full(self) -> ox.Store:
        """The store with the named graphs, its default graph made the merge on first use."""
        with self._lock:
            if not self._full_ready:
                merge_named_graphs(self._store)
                self._full_ready = True
        return self._store

    def for_query(self, sparql: str, *, dataset: bool = False) -> ox.Store:
        """The store a query needs: ``full`` if it (or the protocol request) names graphs."""
        if self.graph_names and (dataset or inspect_query(sparql, PREFIXES).uses_graphs):
            return self.full
        return self.merged


def load_store(path: Path | str | None = None) -> KGStore:
    """Open the build's Oxigraph database beside a graph file (default out/), else parse the file defensively."""
    resolved = resolve_graph_path(path)
    database = persistent_store(resolved)
    if database is not None:
        try:
            return KGStore.prepared(ox.Store.read_only(str(database)))
        except OSError:  # damaged or locked: the file says the same
            pass
    return KGStore(load_oxigraph(resolved)[1])


def merge_named_graphs(store: ox.Store) -> ox.Store:
    """Copy every named graph's triples into the default graph (a set, so each triple once)."""
    if next(iter(store.named_graphs()), None) is not None:
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return store


def as_store(source: Any) -> KGStore | ox.Store:
    """A store to query: a KGStore or pyoxigraph Store as given, or one loaded from an rdflib graph or a file."""
    if isinstance(source, (KGStore, ox.Store)):
        return source
    if isinstance(source, (str, Path)):
        return load_store(source)
    from rdflib import Graph
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID, ConjunctiveGraph

    if not isinstance(source, Graph):
        raise QueryError(f"cannot query a {type(source).__name__}; pass an rdflib Graph or Dataset, a pyoxigraph Store or a graph file path")
    store = ox.Store()
    quads = []
    if isinstance(source, ConjunctiveGraph):
        for s, p, o, context in source.quads((None, None, None, None)):
            name = getattr(context, "identifier", context)
            graph = ox.DefaultGraph() if name in (None, DATASET_DEFAULT_GRAPH_ID) else to_ox(name)
            quads.append(ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph))
    else:
        quads = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.DefaultGraph()) for s, p, o in source]
    store.extend(quads)
    return KGStore(store)
