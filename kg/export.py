"""Serialise graphs to files: deterministic bytes, written atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Dataset, Graph

from .errors import GraphError
from .namespace import ONTOLOGY_IRI, ONTOLOGY_VERSION, PREFIXES, bind_prefixes

#: Format name -> (rdflib serializer, file extension, needs a dataset)
RDF_FORMATS = {
    "ttl": ("turtle", ".ttl", False),
    "nt": ("nt", ".nt", False),
    "nq": ("nquads", ".nq", True),
    "trig": ("trig", ".trig", True),
    "jsonld": ("json-ld", ".jsonld", False),
    "xml": ("xml", ".rdf", False),
}


def turtle_header(description: str) -> str:
    """The comment block that starts every Turtle / TriG file kg writes."""
    return (
        f"# {description}\n"
        f"# Ontology: {ONTOLOGY_IRI} version {ONTOLOGY_VERSION}\n"
        "# Written by kg; the same corpus always gives the same bytes.\n\n"
    )


def serialize(graph: Graph | Dataset, fmt: str, *, description: str = "kg knowledge graph") -> bytes:
    """Serialise a graph or dataset in one of RDF_FORMATS, deterministically."""
    if fmt not in RDF_FORMATS:
        raise GraphError(f"unknown RDF format {fmt!r}; use one of {', '.join(RDF_FORMATS)}")
    name, _, needs_dataset = RDF_FORMATS[fmt]
    if needs_dataset and not isinstance(graph, Dataset):
        raise GraphError(f"format {fmt!r} needs named graphs; export the dataset (out/graph.trig)")
    bind_prefixes(graph)
    if fmt in ("nt", "nq"):
        text = graph.serialize(format=name, encoding="utf-8").decode("utf-8")
        lines = sorted(line for line in text.splitlines() if line.strip())
        return ("\n".join(lines) + "\n").encode("utf-8")
    if fmt == "trig":
        data = _trig(graph)
    else:
        data = graph.serialize(format=name, encoding="utf-8")
    if fmt in ("ttl", "trig"):
        data = turtle_header(description).encode("utf-8") + data
    return data


def _trig(dataset: Dataset) -> bytes:
    """TriG with the named graphs in IRI order (rdflib's own order follows its store's hashing)."""
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items()))
    blocks = []
    for context in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
        if len(context) == 0:
            continue
        graph = bind_prefixes(Graph())
        for triple in context:
            graph.add(triple)
        body = graph.serialize(format="turtle")
        body = "\n".join(line for line in body.splitlines() if not line.startswith("@prefix")).strip()
        indented = "\n".join(("    " + line) if line else "" for line in body.splitlines())
        blocks.append(f"<{context.identifier}> {{\n{indented}\n}}\n")
    return (prefixes + "\n" + "\n".join(blocks)).encode("utf-8")


def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes to path via a temporary file in the same directory and an atomic rename."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise GraphError(f"{path}: cannot write ({err.strerror}); check the output directory") from None
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
