"""Datasets read as plain graphs: every triple of every named graph, as quads or in one Graph.

Export, validation, the network projection and the loaders all need "the triples of a dataset,
whatever graph they are in"; they take them from here.
"""

from __future__ import annotations

from typing import Iterator

from rdflib import Dataset, Graph

from .namespace import bind_prefixes


def quads(graph: Graph | Dataset, pattern: tuple = (None, None, None)) -> Iterator[tuple]:
    """(s, p, o, graph name) of every triple matching ``pattern``, in all named graphs of a Dataset.

    A plain Graph's triples come with the graph name None.
    """
    if isinstance(graph, Dataset):
        yield from graph.quads((*pattern, None))
    else:
        for s, p, o in graph.triples(pattern):
            yield s, p, o, None


def plain_graph(graph: Graph | Dataset, *, factory: type[Graph] = Graph) -> Graph:
    """All triples of a graph or dataset (each once) in one fresh ``factory()`` graph with kg's prefixes.

    >>> from rdflib import URIRef
    >>> dataset = Dataset()
    >>> triple = (URIRef("urn:s"), URIRef("urn:p"), URIRef("urn:o"))
    >>> for name in ("urn:a", "urn:b"):
    ...     _ = dataset.graph(URIRef(name)).add(triple)
    >>> len(plain_graph(dataset))
    1
    """
    plain = bind_prefixes(factory())
    for s, p, o, _ in quads(graph):
        plain.add((s, p, o))
    return plain
