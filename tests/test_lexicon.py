"""Pattern files follow their schemas: a misspelt key is an error naming the file and the place."""

from __future__ import annotations

import json

import pytest

from kg.lexicon import PATTERNS_DIR, SCHEMAS_DIR, PatternError, load_patterns, read_patterns

NAMES = sorted(p.stem for p in PATTERNS_DIR.glob("*.json"))


def test_every_pattern_file_has_a_schema():
    assert NAMES == sorted(p.name.removesuffix(".schema.json") for p in SCHEMAS_DIR.glob("*.schema.json"))
    assert {"relations", "figures", "entity_rules", "roles", "units", "debris"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_the_project_patterns_are_valid(name):
    assert load_patterns(name)


def copy_with(tmp_path, name, change):
    data = json.loads((PATTERNS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_misspelt_rule_key_is_an_error(tmp_path):
    def misspell(data):
        data["rules"][3]["objet_types"] = data["rules"][3].pop("object_types")

    path = copy_with(tmp_path, "relations", misspell)
    with pytest.raises(PatternError) as err:
        read_patterns(path, SCHEMAS_DIR / "relations.schema.json")
    message = str(err.value)
    assert str(path) in message and "rules[3]" in message and "objet_types" in message


@pytest.mark.parametrize(
    "name, change, fragment",
    [
        ("figures", lambda d: d.update(time_unit={"year": "year"}), "time_unit"),
        ("roles", lambda d: d.pop("titles"), "'titles' is a required property"),
        ("relations", lambda d: d["rules"][0].update(confidence=1.5), "rules[0].confidence"),
        ("relations", lambda d: d["rules"][0].update(subject="before"), "rules[0].subject"),
        ("entity_rules", lambda d: d["ner_label_types"].update(ORG="Firm"), "ner_label_types.ORG"),
    ],
)
def test_schema_violations_are_named(tmp_path, name, change, fragment):
    path = copy_with(tmp_path, name, change)
    with pytest.raises(PatternError, match=None) as err:
        read_patterns(path, SCHEMAS_DIR / f"{name}.schema.json")
    assert fragment in str(err.value)


def test_invalid_json_names_the_line(tmp_path):
    path = tmp_path / "units.json"
    path.write_text('{\n  "aliases": {,}\n}\n', encoding="utf-8")
    with pytest.raises(PatternError, match="line 2"):
        read_patterns(path, SCHEMAS_DIR / "units.schema.json")
