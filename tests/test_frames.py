"""kg.query rows as pandas DataFrames: every library query round-trips with typed columns."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import kg
from kg.query import library, load_store

from .library_cases import example_bindings

NAMES = sorted(name for name, entry in library().items() if "SERVICE" not in entry.text)


@pytest.fixture(scope="module")
def store(built):
    return load_store(built[1] / "graph.trig")


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_every_library_query_round_trips_into_a_typed_dataframe(store, name):
    rows = kg.query(store, name, **example_bindings(name))
    assert isinstance(rows, list) and all(isinstance(row, dict) for row in rows)
    frame = rows.to_df()
    assert len(frame) == len(rows)
    for variable in rows.variables:
        column = frame[variable]
        for row, value in zip(rows, column):
            expected = row.get(variable)
            if expected is None:
                assert pd.isna(value)
            elif pd.api.types.is_float_dtype(column.dtype):
                assert math.isclose(float(expected), value, rel_tol=1e-12)
            elif pd.api.types.is_integer_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype):
                assert expected == value
            else:
                assert str(expected) == value
        if variable in ("value", "publishers", "sources", "mentions") and column.notna().any():
            assert pd.api.types.is_numeric_dtype(column.dtype), (variable, column.dtype)
        if variable in ("period", "label", "evidence") and column.notna().any():
            assert pd.api.types.is_string_dtype(column.dtype), (variable, column.dtype)
    assert rows.to_dicts() == list(rows)


@pytest.mark.slow
def test_labels_stand_beside_entity_iris(store):
    frame = kg.query(store, "entities").to_df()
    assert list(frame.columns[:2]) == ["entity", "entity_label"]
    japan = frame[frame["entity"] == "https://w3id.org/jk-tech/id/japan"].iloc[0]
    assert japan["entity_label"] == "Japan" and japan["mentions"] > 10
    assert str(frame["mentions"].dtype) == "Int64" and str(frame["inGazetteer"].dtype) == "boolean"
    trade = kg.query(store, "trade-and-investment").to_df()
    assert 88_300_000_000.0 in set(trade["value"]) and "2025" in set(trade["period"].dropna())
    assert "entity_label" not in kg.query(store, "entities").to_df(labels=False).columns


def test_to_df_accepts_rows_results_and_plain_dicts():
    from pyoxigraph import Literal, NamedNode, Store

    from kg.query import run_query

    result = run_query(Store(), 'SELECT ?x ?n ?t WHERE { VALUES (?x ?n ?t) { (<http://e/a> 1.5 "2025-01-02T03:04:05Z"^^xsd:dateTime) (<http://e/b> UNDEF UNDEF) } }')
    frame = kg.to_df(result)
    assert str(frame["n"].dtype) == "Float64" and pd.isna(frame["n"][1])
    assert pd.api.types.is_datetime64_any_dtype(frame["t"].dtype)
    assert list(kg.to_df([{"a": 1}, {"a": 2}])["a"]) == [1, 2]
    assert NamedNode and Literal
    with pytest.raises(kg.KGError):
        run_query(Store(), "ASK {}").to_df()
