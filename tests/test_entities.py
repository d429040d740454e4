"""Entity rules on sentences written for these tests (model-backed, so marked slow)."""

from __future__ import annotations

import pytest

from .test_relations import canonical


def ents(nlp, text):
    doc = nlp(text)
    return [(e.text, e.label_, e.id_) for e in doc.ents], doc


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ("The U.S. and South Korea signed a deal.", [("U.S.", "Country", "united-states"), ("South Korea", "Country", "south-korea")]),
        ("America wants allies in the US-led bloc.", [("America", "Country", "united-states"), ("US", "Country", "united-states")]),
        ("Officials of the Republic of Korea met in Tokyo.", [("Republic of Korea", "Country", "south-korea")]),
        ("The ROK navy sailed.", [("ROK", "Country", "south-korea")]),
        ("South Korean firms and Japanese suppliers", [("South Korean", "Country", "south-korea"), ("Japanese", "Country", "japan")]),
        ("The U.S.-led Chip 4 initiative grew.", [("U.S.", "Country", "united-states"), ("Chip 4 initiative", "Initiative", "chip-4")]),
    ],
    ids=["us-abbrev", "america-us-led", "rok-long", "rok", "demonyms", "us-led-chip4"],
)
def test_country_aliases(nlp, text, expected):
    found, _ = ents(nlp, text)
    for item in expected:
        assert item in found


@pytest.mark.slow
def test_possessive_mentions_resolve_to_the_country(nlp):
    found, _ = ents(nlp, "South Korea's exports rose while Korea's imports fell.")
    assert [f for f in found if f[2] == "south-korea"] == [("South Korea", "Country", "south-korea"), ("Korea", "Country", "south-korea")]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, surface, entity_id, label",
    [
        ("Demand for DRAM and NAND flash recovered.", "DRAM", "dram", "Technology"),
        ("Makers of photoresists and hydrogen fluoride were hit.", "hydrogen fluoride", "hydrogen-fluoride", "Technology"),
        ("Fluorinated polyimide is used in displays.", "Fluorinated polyimide", "fluorinated-polyimide", "Technology"),
        ("Investment in silicon carbide wafers doubled.", "silicon carbide wafers", "silicon-carbide", "Technology"),
        ("The firms agreed on chip packaging.", "chip packaging", "chip-packaging", "Technology"),
        ("Memory chips remain the largest export.", "Memory chips", "memory-chips", "Technology"),
        ("Its robotics unit was sold.", "robotics", "robotics", "Industry"),
    ],
)
def test_technologies_from_the_gazetteer(nlp, text, surface, entity_id, label):
    found, _ = ents(nlp, text)
    assert (surface, label, entity_id) in found


@pytest.mark.slow
def test_dram_is_never_a_place_or_org(nlp):
    found, _ = ents(nlp, "DRAM prices rose 5% as DRAM makers cut output.")
    assert all(f[1] == "Technology" for f in found if f[0] == "DRAM")


@pytest.mark.slow
def test_bare_year_and_numbers_are_not_entities(nlp):
    found, _ = ents(nlp, "In 2019, 2020 and 2021 the firm grew by 12%.")
    assert found == []


@pytest.mark.slow
def test_comments_is_not_an_entity(nlp):
    found, _ = ents(nlp, "Comments\nThe trade ministry said nothing.")
    assert all(f[0] != "Comments" for f in found)


@pytest.mark.slow
def test_verb_resist_is_not_photoresist(nlp):
    found, _ = ents(nlp, "Lawmakers in Seoul resist the plan.")
    assert all(f[2] != "photoresists" for f in found)
    found, _ = ents(nlp, "The rules cover two items: hydrogen fluoride and resist.")
    assert ("resist", "Technology", "photoresists") in found


@pytest.mark.slow
def test_unknown_company_gets_a_canonical_id_from_its_name(nlp):
    found, _ = ents(nlp, "Hanmi Semiconductor Co. signed a supply deal with Micron.")
    hanmi = [f for f in found if f[0].startswith("Hanmi")]
    assert hanmi and hanmi[0][1] == "Company" and hanmi[0][2] == "hanmi-semiconductor-co"


@pytest.mark.slow
def test_leading_article_is_trimmed(nlp):
    found, _ = ents(nlp, "He spoke to the Korea Development Bank on Monday.")
    assert any(f[0] == "Korea Development Bank" for f in found)


@pytest.mark.slow
def test_group_mentions_resolve_to_the_principal_pair(nlp):
    text = (
        "Japan and South Korea agreed to cooperate. Japan will invest in South Korea, and South Korea in Japan. "
        "China was not mentioned much. Both nations welcomed the deal, and the two countries will meet again."
    )
    doc = nlp(text)
    groups = [(doc[s:e].text, ids) for s, e, ids in doc._.groups]
    assert groups == [("Both nations", ("japan", "south-korea")), ("the two countries", ("japan", "south-korea"))]


@pytest.mark.slow
def test_group_mentions_stay_unresolved_when_ambiguous(nlp):
    doc = nlp("Japan, China and South Korea met. Both countries signed.")
    assert doc._.groups == []


@pytest.mark.slow
def test_korean_side_and_korean_ministry(nlp):
    found, _ = ents(nlp, "The Korean side will withdraw its complaint, the Korean Ministry of Trade, Industry and Energy said.")
    ids = [f[2] for f in found]
    assert "south-korea" in ids and "motie" in ids


@pytest.mark.slow
def test_north_korea_is_not_south_korea(nlp):
    found, _ = ents(nlp, "Materials were exported to North Korea and the Korean Peninsula.")
    assert ("North Korea", "Country", "north-korea") in found
    assert all(f[2] != "south-korea" for f in found)


@pytest.mark.slow
def test_names_ending_in_a_type_word_are_entities(nlp):
    found, _ = ents(nlp, "The annual Japan–Korea Joint Opinion Poll was released on Monday.")
    assert ("Japan–Korea Joint Opinion Poll", "Survey", "japan-korea-joint-opinion-poll") in found


@pytest.mark.slow
def test_person_needs_a_title_or_speech(nlp):
    found, doc = ents(nlp, "Samsung and SK Hynix switched to supplies from domestic producers such as Soulbrain.")
    assert all(label != "Person" for _, label, _ in found)
    found, _ = ents(nlp, "President Yoon Suk Yeol visited Tokyo.")
    assert ("Yoon Suk Yeol", "Person", canonical("Yoon Suk Yeol")) in found


@pytest.mark.slow
def test_acronym_is_not_a_place(nlp):
    found, _ = ents(nlp, "Japan Display agreed to form a partnership with China's HKC.")
    assert [label for text, label, _ in found if text == "HKC"] in (["Company"], ["Organization"])
