"""Where kg's data files are, in a checkout and in an installed wheel: the one place for every path.

The ontology (``jkt.ttl``, ``measures.ttl``, ``shapes.ttl``, ``gazetteer.jsonl``) lives in
``ontology/`` at the repository root; the wheel carries it as ``kg/ontology/`` (pyproject.toml
maps the directory into the package). The extraction patterns and their schemas, the library
queries and the page templates are package data. Every module takes its paths from here instead
of computing them itself (``tests/test_architecture.py`` checks that no other module uses
``__file__``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def ontology_dir() -> Path:
    """The directory holding jkt.ttl: ``kg/ontology`` when installed, else ``ontology/`` beside ``kg/``.

    >>> (ontology_dir() / "jkt.ttl").is_file()
    True
    """
    for candidate in (PACKAGE_DIR / "ontology", PACKAGE_DIR.parent / "ontology"):
        if (candidate / "jkt.ttl").is_file():
            return candidate
    return PACKAGE_DIR.parent / "ontology"  # missing: error messages name the checkout's path


ONTOLOGY_DIR = ontology_dir()
ONTOLOGY_PATH = ONTOLOGY_DIR / "jkt.ttl"
SHAPES_PATH = ONTOLOGY_DIR / "shapes.ttl"
MEASURES_PATH = ONTOLOGY_DIR / "measures.ttl"
GAZETTEER_PATH = ONTOLOGY_DIR / "gazetteer.jsonl"
def vis_network_dir(version: str) -> Path:
    """The directory of vis-network's JavaScript and CSS inside the pyvis package (the page inlines them)."""
    import pyvis

    return Path(pyvis.__file__).resolve().parent / "templates" / "lib" / f"vis-{version}"


PATTERNS_DIR = PACKAGE_DIR / "extract" / "patterns"
SCHEMAS_DIR = PATTERNS_DIR / "schemas"
QUERIES_DIR = PACKAGE_DIR / "queries"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
#: Files served as they are (the query page's YASGUI).
STATIC_DIR = PACKAGE_DIR / "static"
