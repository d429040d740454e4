"""The hand-made modality gold set: every line parses and points at real, unique text of its document."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from .conftest import CORPUS, ROOT

GOLD = ROOT / "tests" / "gold" / "modality.jsonl"
LABELS = {"fact", "plan", "forecast", "hedged", "opinion", "negated"}
KEYS = {"doc", "sentence_fragment", "target", "label", "note"}


def document_body(stem: str) -> str:
    """The text after the header: header lines run until the first blank line."""
    lines = (CORPUS / f"{stem}.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    i = 0
    while i < len(lines) and lines[i].strip():
        i += 1
    return "".join(lines[i:])


def load_rows() -> list[dict]:
    rows = []
    for number, line in enumerate(GOLD.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"line {number}: empty line"
        row = json.loads(line)
        assert isinstance(row, dict), f"line {number}: not a JSON object"
        rows.append(row)
    return rows


ROWS = load_rows()


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.get('doc')}:{r.get('target')}" for r in ROWS])
def test_row_points_at_unique_text(row):
    assert {"doc", "sentence_fragment", "target", "label"} <= set(row) <= KEYS
    assert row["label"] in LABELS
    assert (CORPUS / f"{row['doc']}.txt").is_file(), f"no corpus document {row['doc']}"
    fragment, target = row["sentence_fragment"], row["target"]
    assert len(fragment) >= 30
    assert "\n" not in fragment
    assert document_body(row["doc"]).count(fragment) == 1, f"fragment not exactly once in {row['doc']}: {fragment!r}"
    assert fragment.count(target) == 1, f"target {target!r} not exactly once in {fragment!r}"
    if "note" in row:
        assert isinstance(row["note"], str) and row["note"].strip()


def test_rows_are_distinct():
    keys = Counter((r["doc"], r["sentence_fragment"], r["target"]) for r in ROWS)
    assert [k for k, n in keys.items() if n > 1] == []


def test_coverage():
    labels = Counter(r["label"] for r in ROWS)
    docs = Counter(r["doc"] for r in ROWS)
    assert len(ROWS) >= 120
    assert set(labels) == LABELS
    assert len(docs) >= 9
    assert sum(n for d, n in docs.items() if not d.startswith("nikkei-")) >= 100
    assert sum(n for label, n in labels.items() if label != "fact") >= 40
    assert sum(1 for r in ROWS if r.get("note", "").startswith("distractor:")) >= 10
