"""The library of named questions: ``kg/queries/*.rq``, each starting with ``# Question: ...``.

A query file may declare parameters (``# Parameter: ?entity entity``); ``resolve_query`` turns a
library name, a ``.rq`` file or SPARQL text into a ``LibraryQuery``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import QueryError
from ..resources import QUERIES_DIR


QUERY_DIR = QUERIES_DIR


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class LibraryQuery:
    """A named query of ``kg/queries/``: its question, text and declared parameters."""

    name: str
    question: str
    text: str
    parameters: dict[str, str] = field(default_factory=dict)  # variable -> kind ("entity", "literal", "iri")
    path: Path | None = None


def parse_library_text(name: str, text: str, path: Path | None = None) -> LibraryQuery:
    """Read the ``# Question:`` and ``# Parameter: ?var kind ...`` header of a query file."""
    question, parameters = "", {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        body = stripped.lstrip("#").strip()
        if body.lower().startswith("question:"):
            question = body.split(":", 1)[1].strip()
        elif body.lower().startswith("parameter:"):
            words = body.split(":", 1)[1].split()
            if words:
                parameters[words[0].lstrip("?$")] = words[1] if len(words) > 1 else "literal"
    return LibraryQuery(name=name, question=question, text=text, parameters=parameters, path=path)


def library() -> dict[str, LibraryQuery]:
    """All named queries of ``kg/queries/*.rq``, by name."""
    queries = {}
    for path in sorted(QUERY_DIR.glob("*.rq")):
        queries[path.stem] = parse_library_text(path.stem, path.read_text(encoding="utf-8"), path)
    return queries


def resolve_query(query: str) -> LibraryQuery:
    """A library name, a ``.rq`` file or SPARQL text -> LibraryQuery (ad-hoc text gets name '')."""
    queries = library()
    name = query.strip()
    if name in queries:
        return queries[name]
    if name.endswith((".rq", ".sparql")) or _is_file(name):
        path = Path(name)
        if not path.is_file():
            raise QueryError(f"{path}: no such query file; check the path")
        try:
            return parse_library_text(path.stem, path.read_text(encoding="utf-8"), path)
        except (OSError, UnicodeDecodeError) as err:
            raise QueryError(f"{path}: cannot read the query file ({err})") from None
    if _NAME.fullmatch(name):
        raise QueryError(f"no library query named {name!r}; 'kg query --list' shows them, or pass SPARQL text or a .rq file")
    return parse_library_text("", query)


def _is_file(name: str) -> bool:
    try:
        return "\n" not in name and Path(name).is_file()
    except (OSError, ValueError):  # names too long for the file system, NUL bytes
        return False


def describe_library(queries: Iterable[LibraryQuery] | None = None) -> list[tuple[str, str, str]]:
    """(name, parameters, question) for each library query, for ``kg query --list``."""
    rows = []
    for entry in queries if queries is not None else library().values():
        params = " ".join(f"{name}=<{kind}>" for name, kind in entry.parameters.items())
        rows.append((entry.name, params, entry.question))
    return rows


def parse_bind_options(binds: Iterable[str]) -> dict[str, str]:
    """``NAME=VALUE`` strings of ``--bind`` -> {name: value}."""
    bindings = {}
    for bind in binds:
        name, sep, value = bind.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"--bind {bind!r}: expected NAME=VALUE, e.g. --bind entity=japan")
        bindings[name.strip().lstrip("?$")] = value
    return bindings
