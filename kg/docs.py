"""The ontology's HTML documentation, generated with pyLODE: write_ontology_docs(path)."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
import types
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Iterator

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from .errors import GraphError
from .files import write_atomic
from .resources import ONTOLOGY_PATH

DEFAULT_DOCS_PATH = Path("out") / "ontology.html"
_JSON_LD = re.compile(r'(<script id="schema.org" type="application/ld\+json">)(.*?)(</script>)', re.DOTALL)


@contextlib.contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """Keep pyLODE from configuring the root logger, and undo anything it does.

    pyLODE 3.4 calls ``logging.basicConfig(level=DEBUG)`` at import time (its supermodel loader)
    and logs progress with ``logging.info``; a handler in place makes basicConfig a no-op.
    """
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    if not handlers:
        root.addHandler(logging.NullHandler())
    try:
        yield
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)


def _import_ontpub():
    """Import pyLODE's OntPub, working around its version module.

    pyLODE 3.4.1's ``pylode/version.py`` reads ``pyproject.toml`` from site-packages, which no
    installed wheel has (RDFLib/pyLODE#260); a stand-in module with the installed version avoids it.
    """
    if "pylode.version" not in sys.modules:
        stand_in = types.ModuleType("pylode.version")
        try:
            stand_in.__version__ = version("pylode")
        except PackageNotFoundError:
            raise GraphError("pyLODE is not installed; run 'make venv' to install the locked dependencies") from None
        sys.modules["pylode.version"] = stand_in
    from pylode import OntPub

    return OntPub


def _pylode_graph(ontology: Path) -> Graph:
    """The ontology as pyLODE should see it.

    pyLODE takes every skos:ConceptScheme for the document being described (its title, metadata
    and schema.org block), so the ontology's own concept schemes (jkt:Industries, ...) would
    replace its title; they are left untyped here, and keep their labels and comments.
    """
    try:
        graph = Graph().parse(ontology, format="turtle")
    except Exception as err:  # rdflib raises many types for syntax errors
        raise GraphError(f"{ontology}: not valid Turtle ({str(err).strip().splitlines()[0][:300]})") from None
    graph.remove((None, RDF.type, SKOS.ConceptScheme))
    return graph


def ontology_html(ontology: Path | str = ONTOLOGY_PATH) -> str:
    """The ontology documented as one self-contained HTML page (CSS inline)."""
    ontology = Path(ontology)
    if not ontology.is_file():
        raise GraphError(f"{ontology}: no such ontology file; pass the path of a Turtle ontology")
    with _quiet_root_logger():
        OntPub = _import_ontpub()
        try:
            html = OntPub(ontology=_pylode_graph(ontology), sort_subjects=True).make_html(include_css=True)
        except Exception as err:  # pyLODE raises bare exceptions for ontologies it cannot document
            raise GraphError(f"{ontology}: pyLODE could not document it ({type(err).__name__}: {err})") from None
    return _sort_json_ld(html)


def _sort_json_ld(html: str) -> str:
    """Sort the page's embedded JSON-LD by @id: rdflib emits it in hash order, so pages differ per run.

    >>> _sort_json_ld('<script id="schema.org" type="application/ld+json">[{"@id": "b"}, {"@id": "a"}]</script>')
    '<script id="schema.org" type="application/ld+json">\\n[\\n  {\\n    "@id": "a"\\n  },\\n  {\\n    "@id": "b"\\n  }\\n]\\n</script>'
    """

    def normalise(value, ordered: bool = False):
        # JSON-LD arrays are unordered sets except the values of @list.
        if isinstance(value, dict):
            return {key: normalise(item, ordered=key == "@list") for key, item in value.items()}
        if isinstance(value, list):
            items = [normalise(item) for item in value]
            return items if ordered else sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
        return value

    def sort_block(match: re.Match) -> str:
        data = normalise(json.loads(match.group(2)))
        text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True)
        return f"{match.group(1)}\n{text}\n{match.group(3)}"

    return _JSON_LD.sub(sort_block, html, count=1)


def write_ontology_docs(path: Path | str = DEFAULT_DOCS_PATH, *, ontology: Path | str = ONTOLOGY_PATH) -> Path:
    """Write the ontology's HTML documentation to path, atomically; return the path."""
    path = Path(path)
    write_atomic(path, ontology_html(ontology).encode("utf-8"))
    return path
