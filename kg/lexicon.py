"""The extractors' vocabulary: JSON files in ``extract/patterns/``, each checked against its JSON Schema.

Every pattern file has a schema in ``patterns/schemas/<name>.schema.json`` that lists the keys it
may have (``additionalProperties: false``), so a misspelt key ("objet_types") is an error that
names the file and the place, not a rule that silently never fires.

>>> sorted(load_patterns("units"))
['aliases', 'description']
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import KGError
from .resources import PATTERNS_DIR, SCHEMAS_DIR


class PatternError(KGError):
    """A pattern file is not valid JSON or does not follow its schema."""


def check_patterns(data: Any, schema: dict[str, Any], where: str) -> None:
    """Raise PatternError naming the first place where ``data`` breaks ``schema``."""
    from jsonschema import Draft202012Validator

    errors = sorted(Draft202012Validator(schema).iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        error = errors[0]
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".") or "(top level)"
        raise PatternError(f"{where}: {path}: {error.message}; see {SCHEMAS_DIR.name}/{Path(where).stem}.schema.json")


def read_patterns(path: Path, schema_path: Path) -> dict[str, Any]:
    """Read one pattern file and check it against a schema file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
    except OSError as err:
        raise PatternError(f"{err.filename}: cannot read ({err.strerror})") from None
    except json.JSONDecodeError as err:
        raise PatternError(f"{path}: invalid JSON at line {err.lineno} column {err.colno}: {err.msg}") from None
    check_patterns(data, schema, str(path))
    return data


@lru_cache(maxsize=None)
def load_patterns(name: str) -> dict[str, Any]:
    """``patterns/<name>.json``, checked against ``patterns/schemas/<name>.schema.json``, read once."""
    return read_patterns(PATTERNS_DIR / f"{name}.json", SCHEMAS_DIR / f"{name}.schema.json")


def configured_patterns(name: str, value: dict[str, Any] | None) -> dict[str, Any]:
    """A component's rule set: ``patterns/<name>.json`` when ``value`` is None, else ``value``, checked the same way.

    Pipeline factories take their rule set as config (``nlp.add_pipe("kg_relations",
    config={"patterns": {...}})``), so a test or a user can run a component with a small rule set;
    a misspelt key in it is an error, as in the file.
    """
    if value is None:
        return load_patterns(name)
    try:
        schema = json.loads((SCHEMAS_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    except OSError as err:
        raise PatternError(f"{err.filename}: cannot read ({err.strerror})") from None
    check_patterns(value, schema, f"config patterns of {name}")
    return value
