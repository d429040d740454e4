"""Readable terminal tables: every library query at 80 and 120 columns, one line a row; machine formats exact."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rich.console import Console

from kg.cli import cli
from kg.query import library, load_store
from kg.query.command import run_labelled
from kg.query.labels import labels_for, result_iris
from kg.report import fit_widths, human_amount, print_query_table, query_table

from .library_cases import example_bindings

BOX_CHARS = set("─━│┃┏┓┗┛┡┩╇╈┳┻┼╭╮╰╯")
NAMES = sorted(name for name, entry in library().items() if "SERVICE" not in entry.text)


@pytest.fixture(scope="module")
def store(built):
    return load_store(built[1] / "graph.trig")


@pytest.fixture(scope="module")
def answers(store):
    out = {}
    for name in NAMES:
        entry = library()[name]
        out[name] = run_labelled(store, sparql=entry.text, bindings=example_bindings(name), parameters=entry.parameters)
    return out


def render(result, width: int, *, terminal: bool = True, wide: bool = False, title: str | None = None) -> list[str]:
    console = Console(width=width, record=True, file=io.StringIO(), force_terminal=terminal, color_system=None if not terminal else "standard")
    print_query_table(result, title, console=console, pager=False, wide=wide)
    return console.export_text().splitlines()


@pytest.mark.slow
@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("name", NAMES)
def test_every_library_query_gives_one_line_a_row_within_the_width(answers, name, width):
    result = answers[name]
    lines = render(result, width, title=library()[name].question)
    assert all(len(line) <= width for line in lines), max(lines, key=len)
    header = next(i for i, line in enumerate(lines) if line.strip() and set(line.strip()) <= set("━─ ╺╸")) - 1
    body = lines[header + 2 : header + 2 + len(result.rows)]
    assert len(body) == len(result.rows), "each row is exactly one line"
    assert f"{len(result.rows)} row" in "\n".join(lines[header + 2 + len(result.rows):])


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_readable_tables_show_labels_and_humanised_amounts(answers, name):
    text = "\n".join(render(answers[name], 400))
    assert "jke:" not in text, "entities by label"
    assert "cur:USD" not in text and "unit:PERCENT" not in text and "jkt:Level" not in text
    assert "88300000000" not in text


@pytest.mark.slow
def test_trade_and_investment_reads_as_a_person_writes_it(answers):
    text = "\n".join(render(answers["trade-and-investment"], 120))
    for expected in ("$88.3 bn", "12%", "$3.2 bn", "bilateral trade", "level", "change", "Japan, South Korea"):
        assert expected in text, expected
    wide = "\n".join(render(answers["trade-and-investment"], 80, wide=True))
    assert "88300000000" in wide and "cur:USD" in wide and "jkm:bilateral-trade" in wide
    assert "…" not in wide


def test_pipe_output_has_no_box_and_no_colour(built, runner):
    out = runner.invoke(cli, ["query", "chip4", "--graph", str(built[1])], env={"COLUMNS": "80"})
    assert out.exit_code == 0, out.output
    assert not (set(out.output) & BOX_CHARS) and "\x1b" not in out.output
    assert "United States" in out.output and "jke:" not in out.output
    assert all(len(line) <= 80 for line in out.output.splitlines())


def test_machine_formats_keep_exact_values_and_iris(built, runner):
    graph = str(built[1])
    rows = list(csv.DictReader(io.StringIO(runner.invoke(cli, ["query", "trade-and-investment", "--graph", graph, "--format", "csv"]).output)))
    assert {"88300000000", "12"} <= {row["value"] for row in rows}
    assert "http://qudt.org/vocab/currency/USD" in {row["unit"] for row in rows}
    assert "https://w3id.org/jk-tech/measure/bilateral-trade" in {row["measure"] for row in rows}
    data = json.loads(runner.invoke(cli, ["query", "trade-and-investment", "--graph", graph, "--format", "json"]).output)
    values = {b["value"]["value"] for b in data["results"]["bindings"]}
    assert "88300000000" in values


def test_limit_cuts_rows_in_tables_and_machine_formats(built, runner):
    graph = str(built[1])
    table = runner.invoke(cli, ["query", "entities", "--graph", graph, "--limit", "3"], env={"COLUMNS": "120"}).output
    assert "3 of " in table and "(--limit)" in table
    rows = list(csv.reader(io.StringIO(runner.invoke(cli, ["query", "entities", "--graph", graph, "--limit", "3", "--format", "csv"]).output)))
    assert len(rows) == 4


def test_labels_prefer_english_preferred_labels(store):
    labels = labels_for(store, ["https://w3id.org/jk-tech/id/south-korea", "https://w3id.org/jk-tech/id/nothing-here"])
    assert labels == {"https://w3id.org/jk-tech/id/south-korea": "South Korea"}


def test_humanised_amounts():
    cur, unit = "http://qudt.org/vocab/currency/", "http://qudt.org/vocab/unit/"
    assert human_amount(88_300_000_000, cur + "USD") == "$88.3 bn"
    assert human_amount(1_200_000_000_000, cur + "KRW") == "₩1.2 tn"
    assert human_amount(500_000_000_000, cur + "JPY") == "¥500 bn"
    assert human_amount(44, unit + "PERCENT") == "44%"
    assert human_amount(-3_000_000, cur + "USD") == "-$3 m"
    assert human_amount(2_500_000, cur + "CHF") == "2.5 m CHF"
    assert human_amount(17, unit + "YR") == "17 years"


def test_fitting_never_exceeds_the_budget():
    for natural in ([3] * 12, [80, 200, 10, 4], [1, 1, 1], [30, 30, 30, 30, 30]):
        for budget in (20, 40, 66, 100):
            widths = fit_widths(natural, budget)
            assert all(w >= 1 for w in widths)
            assert sum(widths) <= max(budget, sum(min(w, 3) for w in natural)), (natural, budget, widths)


def test_ask_answers_are_a_small_table(store):
    from kg.query import run_query

    result = run_query(store, "ASK { ?s ?p ?o }")
    lines = render(result, 80)
    assert any("yes" in line for line in lines)
    assert result_iris(run_query(store, "SELECT ?s WHERE { ?s a jkt:Country } LIMIT 1"))
    assert query_table(result) is not None
