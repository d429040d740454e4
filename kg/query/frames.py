"""Answers as tables for Python: ``Rows`` (what ``kg.query`` gives for SELECT) and pandas DataFrames.

``Rows`` is a list of dict rows with Python values, as before, that also keeps the typed answer:
``rows.to_df()`` is a DataFrame with one typed column per variable (decimals and doubles as
floats, integers as nullable ints, booleans, ``xsd:dateTime`` as datetimes, periods such as
``2025`` or ``2026-01`` as strings, IRIs as strings) and, beside each IRI column, a ``<name>_label``
column with the entities' English labels. pandas is imported only when a DataFrame is asked for.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from ..errors import KGError

_INTEGERS = {"integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong"}
_FLOATS = {"decimal", "double", "float"}


def _datatype(term: ox.Literal) -> str:
    return term.datatype.value.rsplit("#", 1)[-1] if term.datatype else "string"


def _column(terms: list[Any]) -> tuple[str, list[Any]]:
    """(kind, values) of one column: kind is iri, int, float, bool, datetime or str."""
    present = [t for t in terms if t is not None]
    if present and all(isinstance(t, ox.NamedNode) for t in present):
        return "iri", [t.value if t is not None else None for t in terms]
    if present and all(isinstance(t, ox.Literal) for t in present):
        types = {_datatype(t) for t in present}
        if types <= _INTEGERS:
            return "int", [int(t.value) if t is not None else None for t in terms]
        if types <= _INTEGERS | _FLOATS:
            return "float", [float(t.value) if t is not None else None for t in terms]
        if types == {"boolean"}:
            return "bool", [t.value in ("true", "1") if t is not None else None for t in terms]
        if types == {"dateTime"}:
            return "datetime", [t.value if t is not None else None for t in terms]
    return "str", [t.value if t is not None else None for t in terms]


def result_frame(result: Any, *, labels: bool = True) -> Any:
    """A SELECT ``QueryResult`` as a pandas DataFrame with typed columns (and label columns beside IRIs)."""
    if result.form != "select":
        raise KGError(f"a {result.form.upper()} query has no rows to put in a DataFrame")
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency of kg
        raise KGError("DataFrames need pandas: pip install pandas") from None
    data: dict[str, Any] = {}
    for index, variable in enumerate(result.variables):
        kind, values = _column([row[index] for row in result.rows])
        if kind == "int":
            data[variable] = pd.array(values, dtype="Int64")
        elif kind == "float":
            data[variable] = pd.array(values, dtype="Float64")
        elif kind == "bool":
            data[variable] = pd.array(values, dtype="boolean")
        elif kind == "datetime":
            data[variable] = pd.to_datetime(pd.Series(values, dtype="object"), utc=True, format="ISO8601")
        else:
            data[variable] = pd.array(values, dtype="string")
        if kind == "iri" and labels and any(v in result.labels for v in values if v):
            data[f"{variable}_label"] = pd.array([result.labels.get(v) if v else None for v in values], dtype="string")
    return pd.DataFrame(data, index=pd.RangeIndex(len(result.rows)))


class Rows(list):
    """SELECT rows as dicts of Python values (a plain list), keeping the typed answer for ``to_df()``."""

    def __init__(self, result: Any) -> None:
        super().__init__(result.to_dicts())
        self.result = result
        self.variables = list(result.variables)

    def to_df(self, *, labels: bool = True) -> Any:
        """The rows as a pandas DataFrame: typed columns, ``<name>_label`` beside IRI columns."""
        return result_frame(self.result, labels=labels)

    def to_dicts(self) -> list[dict[str, Any]]:
        """The rows as a plain list of dicts."""
        return list(self)


def to_df(rows: Any, *, labels: bool = True) -> Any:
    """A DataFrame of ``kg.query`` rows (or a ``QueryResult``); plain lists of dicts become a DataFrame as they are."""
    if isinstance(rows, Rows):
        return rows.to_df(labels=labels)
    if getattr(rows, "form", None) == "select":
        return result_frame(rows, labels=labels)
    import pandas as pd

    return pd.DataFrame(list(rows))
