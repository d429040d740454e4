"""kg show: a profile for every entity of the corpus, found by id, label or alias in any language."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from kg.cli import cli
from kg.errors import KGError
from kg.profile import entity_profile, find_entity
from kg.profileview import names_of, print_profile, profile_markdown
from kg.query import load_store, run_query

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def store(built):
    return load_store(built[1] / "graph.trig")


@pytest.fixture(scope="module")
def entities(store):
    rows = run_query(store, "SELECT DISTINCT ?e WHERE { ?e rdfs:label ?l FILTER(STRSTARTS(STR(?e), STR(jke:))) } ORDER BY ?e").rows
    return [row[0].value for row in rows]


@pytest.mark.parametrize("name, expected", [
    ("韓国", "south-korea"), ("한국", "south-korea"), ("ROK", "south-korea"), ("ＲＯＫ", "south-korea"),
    ("SK hynix", "sk-hynix"), ("sk-hynix", "sk-hynix"), ("SK Hynix", "sk-hynix"), ("jke:japan", "japan"),
    ("<https://w3id.org/jk-tech/id/japan>", "japan"), ("japan", "japan"),
])
def test_names_in_any_language_find_the_entity(store, name, expected):
    assert find_entity(store, name) == "https://w3id.org/jk-tech/id/" + expected


def test_every_entity_has_a_profile_that_renders_in_one_line_an_item(store, entities):
    assert len(entities) > 50
    for iri in entities:
        profile = entity_profile(store, iri)
        assert profile["iri"] == iri and profile["label"]
        assert find_entity(store, profile["id"]) == iri
        json.dumps(profile, ensure_ascii=False)
        console = Console(width=80, record=True, file=io.StringIO())
        print_profile(profile, console)
        lines = console.export_text().splitlines()
        assert lines[0].startswith(profile["label"][:40]) and all(len(line) <= 80 for line in lines)
        markdown = profile_markdown(profile)
        assert markdown.startswith("# ") and "## Figures" in markdown and "## Claims" in markdown
        for name in names_of(profile):
            assert find_entity(store, name) == iri or "several" in _error(store, name)


def _error(store, name) -> str:
    try:
        find_entity(store, name)
    except KGError as err:
        return str(err)
    return ""


def test_profile_of_south_korea_has_every_part(store):
    profile = entity_profile(store, find_entity(store, "South Korea"))
    assert profile["labels"] == {"en": "South Korea", "ja": "韓国", "ko": "한국"}
    assert profile["types"] == ["https://w3id.org/jk-tech/ontology#Country"]
    assert profile["wikidata"] == ["http://www.wikidata.org/entity/Q884"]
    trade = next(g for g in profile["figures"] if g["measure"].endswith("/bilateral-trade") and g["period"] == "2025")
    assert "88300000000" in {f["value"] for f in trade["figures"]}
    assert any(g["predicate"].endswith("#memberOf") and g["direction"] == "outgoing" for g in profile["relations"])
    assert any(g["direction"] == "incoming" for g in profile["relations"])
    assert {d["id"] for d in profile["documents"]} >= {"nikkei-maeil-survey-2026", "meti-export-control-dialogue-2023"}
    assert any(c["publishers"] >= 2 for c in profile["claims"])


def test_cli_show_text_json_md(built, runner):
    graph = str(built[1])
    text = runner.invoke(cli, ["show", "韓国", "--graph", graph], env={"COLUMNS": "100"})
    assert text.exit_code == 0, text.output
    assert text.output.startswith("South Korea (south-korea) · Country") and "$88.3 bn" in text.output
    assert "Japanese: 韓国" in text.output and "Korean: 한국" in text.output and "\x1b" not in text.output
    assert all(len(line) <= 100 for line in text.output.splitlines())
    data = json.loads(runner.invoke(cli, ["show", "sk-hynix", "--graph", graph, "--format", "json"]).output)
    assert data["labels"]["ja"] == "SKハイニックス" and data["wikidata"] == ["http://www.wikidata.org/entity/Q488913"]
    md = runner.invoke(cli, ["show", "SK hynix", "--graph", graph, "--format", "md"]).output
    assert md.startswith("# SK Hynix (sk-hynix) · Company") and "\n- 73% (DRAM; with Samsung Electronics)" in md


def test_unknown_name_exits_2_with_suggestions(built, runner):
    result = runner.invoke(cli, ["show", "SK Hynx", "--graph", str(built[1])])
    assert result.exit_code == 2
    assert "no entity named 'SK Hynx'" in result.output and "SK Hynix (sk-hynix)" in result.output
    nothing = runner.invoke(cli, ["show", "zzzzqqq", "--graph", str(built[1])])
    assert nothing.exit_code == 2 and "kg query entities" in nothing.output and "Traceback" not in nothing.output


def test_names_are_bound_never_pasted_into_queries(store):
    hostile = 'x" } ; DROP ALL ; SELECT * WHERE { "'
    assert "no entity named" in _error(store, hostile)
