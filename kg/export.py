"""Export a graph to files: RDF in any of kg's formats, or the network projection for other tools.

``export_graph(dataset, path, fmt)`` is the dispatcher: RDF bytes come from kg.serialize, GraphML,
GEXF and CSV from kg.network_formats; every file is written through kg.files.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph

from .errors import GraphError
from .files import write_atomic
from .formats import EXPORT_FORMATS, NETWORK_FORMATS, RDF_FORMATS, TABLE_FORMATS
from .serialize import check_graph, serialize, serialize_file


def export_graph(dataset: Graph | Dataset, path: Path | str, fmt: str, *, description: str | None = None, bom: bool = False) -> list[Path]:
    """Write the graph to ``path`` in an export format and return the files written.

    RDF formats write one file. ``graphml`` and ``gexf`` write the networkx projection of
    kg.network to one file; ``csv`` writes ``nodes.csv`` and ``edges.csv`` into the directory ``path``,
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
    from .network import to_networkx
    from .network_formats import export_network, write_csv

    nx_graph = to_networkx(dataset)
    if fmt == "csv":
        return write_csv(nx_graph, path, bom=bom)
    export_network(nx_graph, path, fmt)
    return [path]


def export_file(graph: Path | str | None, path: Path | str | None, fmt: str, *, bom: bool = False) -> tuple[list[Path], bytes | None]:
    """Export the graph file ``graph`` (default out/): RDF bytes when ``path`` is None, else files written.

    RDF formats Oxigraph writes are exported without building an rdflib graph.
    """
    if fmt in RDF_FORMATS and not bom:
        data = serialize_file(graph, fmt)
        if path is None:
            return [], data
        write_atomic(Path(path), data)
        return [Path(path)], None
    from .store import load_graph

    dataset = load_graph(graph)
    if path is None:
        return [], serialize(dataset, fmt)
    return export_graph(dataset, path, fmt, bom=bom), None
