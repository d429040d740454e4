"""The gazetteer file: well-formed, unambiguous, and the aliases the domain needs."""

from __future__ import annotations

import json

import pytest

from kg.errors import KGError
from kg.gazetteer import GAZETTEER_PATH, default_gazetteer, read_gazetteer


def test_ids_unique_sorted_and_broader_exists():
    gazetteer = default_gazetteer()
    lines = [json.loads(line) for line in GAZETTEER_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]
    ids = [row["id"] for row in lines]
    assert ids == sorted(ids) and len(ids) == len(set(ids)) == len(gazetteer)


def test_no_surface_form_names_two_entities():
    seen: dict[str, str] = {}
    for entry in default_gazetteer().entries.values():
        for form in entry.surface_forms:
            key = form if any(c.isupper() for c in form) else form.lower()
            assert seen.setdefault(key, entry.id) == entry.id, f"{form!r}: {seen[key]} and {entry.id}"


@pytest.mark.parametrize(
    "alias, entity_id",
    [
        ("U.S.", "united-states"), ("United States", "united-states"), ("America", "united-states"),
        ("South Korea", "south-korea"), ("Korea", "south-korea"), ("Republic of Korea", "south-korea"),
        ("ROK", "south-korea"), ("South Korean", "south-korea"), ("Korean side", "south-korea"),
        ("Chip 4", "chip-4"), ("semiconductors", "semiconductors"), ("memory chips", "memory-chips"),
        ("DRAM", "dram"), ("photoresists", "photoresists"), ("hydrogen fluoride", "hydrogen-fluoride"),
        ("fluorinated polyimide", "fluorinated-polyimide"), ("robotics", "robotics"), ("chip packaging", "chip-packaging"),
        ("silicon carbide wafers", "silicon-carbide"), ("METI", "meti"), ("MOTIE", "motie"), ("WTO", "wto"),
    ],
)
def test_required_aliases(alias, entity_id):
    entry = default_gazetteer().lookup(alias)
    assert entry is not None and entry.id == entity_id


@pytest.mark.parametrize(
    "entity_id, qid",
    [("japan", "Q17"), ("south-korea", "Q884"), ("china", "Q148"), ("united-states", "Q30"), ("taiwan", "Q865"),
     ("north-korea", "Q423"), ("wto", "Q7825"), ("samsung-electronics", "Q20718"), ("sk-hynix", "Q488913")],
)
def test_wikidata_ids(entity_id, qid):
    assert default_gazetteer()[entity_id].wikidata == qid


def test_every_country_has_a_wikidata_id():
    countries = [e for e in default_gazetteer().entries.values() if e.type == "Country"]
    assert countries and all(e.wikidata for e in countries)


def test_japanese_and_korean_labels():
    gazetteer = default_gazetteer()
    assert dict(gazetteer["japan"].labels) == {"ja": "日本", "ko": "일본"}
    assert dict(gazetteer["south-korea"].labels) == {"ja": "韓国", "ko": "한국"}
    assert dict(gazetteer["samsung-electronics"].labels)["ko"] == "삼성전자"


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"id": "Bad Id", "type": "Country", "label": "X"}', "lowercase slug"),
        ('{"id": "x", "type": "Planet", "label": "X"}', "not one of"),
        ('{"id": "x", "type": "Country", "label": "X", "wikidata": "17"}', "not a QID"),
        ('{"id": "x", "type": "Country"}', "missing or empty 'label'"),
        ("{not json", "invalid JSON"),
        ('{"id": "x", "type": "Technology", "label": "X", "broader": "nothing"}', "not in the gazetteer"),
    ],
)
def test_malformed_gazetteer_lines_are_reported(tmp_path, line, message):
    path = tmp_path / "g.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(KGError, match=message):
        read_gazetteer(path)


def test_gazetteer_size_unambiguous_forms_and_links():
    """At least 400 entities; one entity per normalised form; broader links and QIDs well-formed."""
    import re

    from kg.gazetteer import normalize_form

    gazetteer = default_gazetteer()
    assert len(gazetteer) >= 400
    owner: dict[str, str] = {}
    for entry in gazetteer.entries.values():
        for form in entry.surface_forms:
            key = normalize_form(form)
            assert owner.setdefault(key, entry.id) == entry.id, f"{form!r}: {owner[key]} and {entry.id}"
        assert entry.broader is None or entry.broader in gazetteer, (entry.id, entry.broader)
        assert entry.wikidata is None or re.fullmatch(r"Q[1-9][0-9]*", entry.wikidata), (entry.id, entry.wikidata)
    qids = [e.wikidata for e in gazetteer.entries.values() if e.wikidata]
    assert len(qids) == len(set(qids)), "two entries share a Wikidata id"


def test_people_have_full_name_variants_only():
    """Every Person has an alternative label, and none is a bare (ambiguous) single word such as "Lee"."""
    people = [e for e in default_gazetteer().entries.values() if e.type == "Person"]
    assert len(people) >= 50
    for person in people:
        assert person.alt_labels, person.id
        assert all(len(alt.split()) >= 2 for alt in person.alt_labels), (person.id, person.alt_labels)


@pytest.mark.parametrize(
    "first, second, entity_type",
    [
        ("Ministry of Trade, Industry and Energy", "MOTIE", "Organization"),
        ("Ministry of Trade, Industry and Resources", "MOTIE", "Organization"),
        ("KISHIDA Fumio", "Fumio Kishida", "Person"),
        ("Kishida Fumio", "Fumio Kishida", "Person"),
        ("HAYASHI Yoshimasa", "Yoshimasa Hayashi", "Person"),
        ("Saito Ken", "Ken Saito", "Person"),
        ("Lee Jae Myung", "Lee Jae-myung", "Person"),
        ("Lee Jaemyung", "Lee Jae-myung", "Person"),
        ("Yoon Suk-yeol", "Yoon Suk Yeol", "Person"),
        ("Ahn Dukgeun", "Ahn Duk-geun", "Person"),
        ("Hyun Chong Kim", "Kim Hyun-chong", "Person"),
        ("Cheong Wa Dae", "Blue House", "Organization"),
        ("BIS", "Bureau of Industry and Security", "Organization"),
        ("Showa Denko", "Resonac", "Company"),
        ("Muji", "Ryohin Keikaku", "Company"),
        ("Kim Dae-jung\u2013Obuchi Declaration", "Kim Dae-jung-Obuchi Declaration", "Initiative"),
        ("EV batteries", "electric-vehicle batteries", "Technology"),
        ("clean hydrogen", "low-carbon hydrogen", "Technology"),
    ],
)
def test_spot_checks_for_real_texts(first, second, entity_type):
    gazetteer = default_gazetteer()
    a, b = gazetteer.lookup(first), gazetteer.lookup(second)
    assert a is not None and b is not None and a.id == b.id and a.type == entity_type, (first, second)


@pytest.mark.parametrize(
    "form, entity_id",
    [("the Japanese government", None), ("Lee", None), ("Park", None), ("Kim", None), ("Abe", None),
     ("MOFA", None), ("Commerce", None), ("Energy", None), ("Summit", None), ("SK", None),
     ("Ministry of Foreign Affairs of Japan", "ministry-of-foreign-affairs-japan"), ("WTO", "wto"),
     ("Kishida", None), ("Shinzo Abe", "shinzo-abe"), ("Joe Biden", "joe-biden"), ("Canada", "canada"),
     ("Republic of Korea", "south-korea"), ("hydrogen", "hydrogen"), ("hydrogen economy", "hydrogen-energy")],
)
def test_ambiguous_forms_are_not_names(form, entity_id):
    entry = default_gazetteer().lookup(form)
    assert (entry.id if entry else None) == entity_id


def test_every_person_country_company_label_is_capitalised():
    for entry in default_gazetteer().entries.values():
        if entry.type in ("Person", "Country", "Company"):
            assert entry.label[:1].isupper(), entry.id
