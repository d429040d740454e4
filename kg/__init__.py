"""kg: a knowledge graph of the Japan–South Korea technology relationship, built from news text.

The public API::

    import kg
    graph = kg.load("out/graph.ttl")
    rows = kg.query(graph, "figures")
    frame = rows.to_df()   # pandas, typed columns, labels beside IRIs
"""

from __future__ import annotations

from ._version import __version__

from .build import build_graph  # noqa: E402
from .errors import KGError, QueryError  # noqa: E402
from .query import load, query, to_df  # noqa: E402

__all__ = ["KGError", "QueryError", "__version__", "build_graph", "load", "query", "to_df"]
