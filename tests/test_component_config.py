"""Pipeline components take their rule sets as config, checked against the same schemas as the files."""

from __future__ import annotations

import copy
import json

import pytest

from kg.lexicon import PATTERNS_DIR, PatternError
from kg.nlp import make_doc, make_nlp

RELATIONS = json.loads((PATTERNS_DIR / "relations.json").read_text(encoding="utf-8"))
MODALITY = json.loads((PATTERNS_DIR / "modality.json").read_text(encoding="utf-8"))
TEXT = "Japan imposed export controls on South Korea in 2019, and the two countries may cooperate on chips."


@pytest.fixture(scope="module")
def fresh_nlp():
    return make_nlp()  # its own pipeline: the session one stays as configured


def _one_rule(predicate: str) -> dict:
    small = copy.deepcopy(RELATIONS)
    small["rules"] = [rule for rule in small["rules"] if rule["predicate"] == predicate]
    return small


def test_a_small_relation_rule_set_finds_only_its_relation(fresh_nlp, nlp):
    full = {r.predicate for r in nlp(make_doc(nlp, TEXT, year=2024))._.relations}
    assert {"imposesExportControlsOn", "cooperatesWith"} <= full
    fresh_nlp.replace_pipe("kg_relations", "kg_relations", config={"patterns": _one_rule("imposesExportControlsOn")})
    found = {r.predicate for r in fresh_nlp(make_doc(fresh_nlp, TEXT, year=2024))._.relations}
    assert found == {"imposesExportControlsOn"}


def test_a_misspelt_key_in_config_is_an_error_naming_it(fresh_nlp):
    broken = _one_rule("imposesExportControlsOn")
    broken["rules"][0]["objet_types"] = broken["rules"][0].pop("object_types", ["Country"])
    with pytest.raises(PatternError, match="objet_types"):
        fresh_nlp.add_pipe("kg_relations", name="kg_relations_misspelt", config={"patterns": broken})
    assert "kg_relations_misspelt" not in fresh_nlp.pipe_names


def test_modality_cues_as_config(fresh_nlp):
    fresh_nlp.replace_pipe("kg_relations", "kg_relations", config={"patterns": RELATIONS})
    quiet = copy.deepcopy(MODALITY)
    quiet["hedge_auxiliaries"] = [w for w in quiet["hedge_auxiliaries"] if w != "may"]
    default = {r.predicate: r.modality for r in fresh_nlp(make_doc(fresh_nlp, TEXT, year=2024))._.relations}
    fresh_nlp.replace_pipe("kg_modality", "kg_modality", config={"patterns": quiet})
    without_may = {r.predicate: r.modality for r in fresh_nlp(make_doc(fresh_nlp, TEXT, year=2024))._.relations}
    assert default["cooperatesWith"] == "hedged" and without_may["cooperatesWith"] != "hedged"
    assert default["imposesExportControlsOn"] == without_may["imposesExportControlsOn"] == "fact"


def test_every_component_declares_what_it_reads_and_writes(nlp):
    analysis = nlp.analyze_pipes(pretty=False)
    assert all(not problems for problems in analysis["problems"].values())
    ours = [name for name in nlp.pipe_names if name.startswith("kg_")]
    assert {"kg_figures", "kg_relations", "kg_modality"} <= set(ours)
    assigns = {name: set(analysis["summary"][name]["assigns"]) for name in ours}
    assert "doc._.relations" in assigns["kg_relations"] and "doc._.figures" in assigns["kg_figures"]


def test_figure_and_role_vocabulary_as_config(fresh_nlp):
    text = "Exports rose 5 percent in 2023, Trade Minister Ahn Duk-geun said."
    fresh_nlp.replace_pipe("kg_figures", "kg_figures", config={"patterns": None})
    assert [f.unit for f in fresh_nlp(make_doc(fresh_nlp, text, year=2024))._.figures] == ["percent"]
    figures = json.loads((PATTERNS_DIR / "figures.json").read_text(encoding="utf-8"))
    figures["percent_words"] = [w for w in figures["percent_words"] if w not in ("percent", "per cent")]
    fresh_nlp.replace_pipe("kg_figures", "kg_figures", config={"patterns": figures})
    assert "percent" not in [f.unit for f in fresh_nlp(make_doc(fresh_nlp, text, year=2024))._.figures]
    roles = json.loads((PATTERNS_DIR / "roles.json").read_text(encoding="utf-8"))
    roles["titlez"] = roles.pop("titles")
    with pytest.raises(PatternError, match="titlez"):
        fresh_nlp.add_pipe("kg_roles", name="kg_roles_misspelt", config={"patterns": roles})
