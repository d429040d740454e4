"""Check a graph against ontology/shapes.ttl with pySHACL: validate_graph(graph) -> ValidationReport."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from .errors import GraphError
from .namespace import NIF, bind_prefixes
from .rdfgraph import plain_graph
from .resources import ONTOLOGY_PATH, SHAPES_PATH

#: pySHACL inference mode. "none" suffices: the ontology graph is mixed into the data graph, so
#: sh:targetClass follows rdfs:subClassOf, and it is several times faster than "rdfs".
INFERENCE = "none"
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


class Violation(NamedTuple):
    """One validation result, ready to print."""

    focus: str  # the focus node's rdfs:label, or its IRI as a prefixed name
    path: str  # the property path as a prefixed name ("-" for node-level constraints)
    message: str
    severity: str  # "Violation", "Warning" or "Info"

    def __str__(self) -> str:
        return f"{self.severity}: {self.focus} | {self.path} | {self.message}"


@dataclass
class ValidationReport:
    """The outcome of validating a graph: whether it conforms and what does not."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0


def _load_turtle(path: Path) -> Graph:
    try:
        return Graph().parse(path, format="turtle")
    except FileNotFoundError:
        raise GraphError(f"{path}: not found; the shapes and ontology live in ontology/") from None
    except Exception as err:  # rdflib raises many types for syntax errors
        raise GraphError(f"{path}: not valid Turtle ({str(err).strip().splitlines()[0][:300]})") from None


def _as_graph(graph: Graph | Dataset) -> Graph:
    """A plain graph holding every triple (of every named graph, for a dataset)."""
    return plain_graph(graph) if isinstance(graph, Dataset) else graph


def _show(names: Graph, node) -> str:
    """A node as a reader wants to see it: a prefixed name (kg's prefixes), an IRI, or a literal's text."""
    if isinstance(node, URIRef):
        try:  # generate=False: never invent ns1: prefixes
            return names.namespace_manager.curie(node, generate=False)
        except (KeyError, ValueError):  # no prefix, or a local name a prefixed name cannot hold
            return f"<{node}>"
    if isinstance(node, Literal):
        return str(node)
    return "-" if node is None else "[]"


def _path_text(source: Graph, names: Graph, path) -> str:
    """A SHACL property path as text: a prefixed name, or ^p / p1/p2 for the simple complex forms."""
    if path is None:
        return "-"
    if isinstance(path, BNode):
        inverse = source.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + _show(names, inverse)
        if source.value(path, RDF.first) is not None:
            from rdflib.collection import Collection

            return "/".join(_show(names, p) for p in Collection(source, path))
    return _show(names, path)


def _focus_text(graph: Graph, names: Graph, node) -> str:
    """The focus node's label (or, for a span, its quoted text) followed by its IRI."""
    shown = _show(names, node)
    if not isinstance(node, URIRef):
        return shown
    label = min(graph.objects(node, RDFS.label), default=None)  # min: the same one every run
    if label is not None:
        return f"{label} ({shown})"
    anchor = graph.value(node, NIF.anchorOf)
    if anchor is not None:
        text = " ".join(str(anchor).split())
        return f"{shown} \"{text[:57] + '...' if len(text) > 60 else text}\""
    return shown


def validate_graph(
    graph: Graph | Dataset,
    *,
    shapes: Graph | Path | None = None,
    ontology: Graph | Path | None = None,
    inference: str = INFERENCE,
) -> ValidationReport:
    """Validate a graph against the SHACL shapes (default ontology/shapes.ttl) with pySHACL."""
    from pyshacl import validate

    start = time.perf_counter()
    data = _as_graph(graph)
    names = bind_prefixes(Graph())  # the prefixes violations are shown with; the caller's graph is untouched
    shapes_graph = shapes if isinstance(shapes, Graph) else _load_turtle(Path(shapes or SHAPES_PATH))
    ont_graph = ontology if isinstance(ontology, Graph) else _load_turtle(Path(ontology or ONTOLOGY_PATH))
    try:
        conforms, results, _ = validate(
            data,
            shacl_graph=shapes_graph,
            ont_graph=ont_graph,
            inference=inference,
            advanced=True,
            allow_warnings=True,
        )
    except Exception as err:  # pySHACL reports bad shapes and runtime failures as exceptions
        raise GraphError(f"SHACL validation could not run: {err}; check ontology/shapes.ttl") from None
    violations = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        violations.append(
            Violation(
                focus=_focus_text(data, names, results.value(result, SH.focusNode)),
                path=_path_text(results, names, results.value(result, SH.resultPath)),
                message=messages[0] if messages else "constraint not met",
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            )
        )
    violations = sorted(set(violations), key=lambda v: (SEVERITY_ORDER.get(v.severity, 9), v.focus, v.path, v.message))
    return ValidationReport(bool(conforms), violations, triples=len(data), seconds=time.perf_counter() - start)
