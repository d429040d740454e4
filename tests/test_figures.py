"""Figures: every written format on sentences written for these tests."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.extract.numbers import canonical_decimal, parse_number
from kg.extract.periods import resolve_period
from kg.nlp import make_doc


def figures(nlp, text, year=2026):
    return nlp(make_doc(nlp, text, year=year))._.figures


def only(nlp, text, year=2026):
    found = figures(nlp, text, year)
    assert len(found) == 1, [f.text for f in found]
    return found[0]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, surface, value, unit",
    [
        ("Exports rose 44% last year.", "44%", "44", "percent"),
        ("Exports rose 44 percent last year.", "44 percent", "44", "percent"),
        ("Exports rose 44 per cent last year.", "44 per cent", "44", "percent"),
        ("Sales reached $88.3 billion in 2025.", "$88.3 billion", "88300000000", "USD"),
        ("Sales reached $88.3bn in 2025.", "$88.3bn", "88300000000", "USD"),
        ("The fund holds US$3.2 bn in assets.", "US$3.2 bn", "3200000000", "USD"),
        ("Seoul will spend ₩1.2 trillion on chips.", "₩1.2 trillion", "1200000000000", "KRW"),
        ("Tokyo set aside ¥500 billion for Rapidus.", "¥500 billion", "500000000000", "JPY"),
        ("The budget is 500 billion yen.", "500 billion yen", "500000000000", "JPY"),
        ("The deal was worth 1.5 trillion won.", "1.5 trillion won", "1500000000000", "KRW"),
        ("The survey polled 1,005 adults.", "1,005 adults", "1005", "count"),
        ("The plant cost €2.5 million.", "€2.5 million", "2500000", "EUR"),
        ("Output was 1,234.5 tonnes of steel, or 1,234.5 billion won.", "1,234.5 billion won", "1234500000000", "KRW"),
    ],
    ids=["pct-sign", "percent", "per-cent", "usd-billion", "usd-bn", "us-dollar-bn", "won-symbol", "yen-symbol",
         "yen-word", "won-word", "count-people", "euro", "thousands-separator"],
)
def test_formats(nlp, text, surface, value, unit):
    found = [f for f in figures(nlp, text) if f.text == surface]
    assert found, [f.text for f in figures(nlp, text)]
    assert (found[0].value, found[0].unit) == (value, unit)


@pytest.mark.slow
def test_range_gives_two_values(nlp):
    found = figures(nlp, "Grants ranged from $1.2 million to $23.5 million per firm.")
    assert [(f.value, f.unit) for f in found] == [("1200000", "USD"), ("23500000", "USD")]


@pytest.mark.slow
def test_two_thirds_is_a_share(nlp):
    figure = only(nlp, "Two-thirds of companies expect better ties.")
    assert (figure.value, figure.unit, figure.measure, figure.population) == ("66.67", "percent", "survey-share", "companies")


@pytest.mark.slow
def test_more_than_doubling_is_a_change_with_qualifier(nlp):
    found = figures(nlp, "Optimism is more than doubling from a year earlier.")
    doubling = [f for f in found if f.text == "doubling"][0]
    assert (doubling.value, doubling.unit, doubling.kind, doubling.qualifier) == ("2", "multiple", "change", "more than")


@pytest.mark.slow
def test_highest_since_is_a_qualifier_not_a_figure(nlp):
    figure = only(nlp, "Investment climbed to $3.2 billion, the highest since 2017.")
    assert figure.value == "3200000000" and figure.kind == "level"
    assert figure.qualifier == "the highest since 2017"
    assert figure.period != "2017"


@pytest.mark.slow
def test_bare_years_dates_and_citations_are_not_figures(nlp):
    assert figures(nlp, "In 2019 and again on March 23, 2023, the two governments met [1].") == []


@pytest.mark.slow
def test_numbers_inside_names_are_not_figures(nlp):
    assert figures(nlp, "The Chip 4 initiative was discussed.") == []


@pytest.mark.slow
def test_fall_is_a_negative_change(nlp):
    figure = only(nlp, "Operating profit fell 33.4% year-on-year.")
    assert (figure.value, figure.kind, figure.measure) == ("-33.4", "change", "profit")


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, kind",
    [
        ("Trade grew 18% year-over-year.", "change"),
        ("Trade posted a 12% increase.", "change"),
        ("Trade was up 5% on the year.", "change"),
        ("Trade rose by 7%.", "change"),
        ("Investment surged to 20% of output.", "level"),
        ("This marks an increase from just 16% in 2025.", "level"),
    ],
)
def test_level_or_change(nlp, text, kind):
    assert figures(nlp, text)[0].kind == kind


@pytest.mark.slow
def test_market_share_with_subject_and_technology(nlp):
    figure = only(nlp, "South Korea holds a 41% global DRAM market share.")
    assert (figure.measure, figure.subjects, figure.technologies) == ("market-share", ("south-korea",), ("dram",))


@pytest.mark.slow
def test_bilateral_trade_is_about_both_countries(nlp):
    text = "Japan and South Korea met. Japan sold more to South Korea. Bilateral trade reached $80 billion in 2024."
    figure = [f for f in figures(nlp, text) if f.unit == "USD"][0]
    assert (figure.measure, figure.subjects, figure.period) == ("bilateral-trade", ("japan", "south-korea"), "2024")


@pytest.mark.slow
def test_survey_share_population_and_subjects(nlp):
    figure = only(nlp, "Some 44% of Japanese and South Korean executives expect better ties.")
    assert figure.measure == "survey-share" and figure.subjects == ("japan", "south-korea")
    assert figure.population == "Japanese and South Korean executives"


@pytest.mark.slow
def test_relative_period_uses_the_document_year(nlp):
    found = figures(nlp, "Optimism reached last year's 16%.", year=2026)
    assert found[0].period == "2025"


@pytest.mark.slow
def test_shared_measure_for_a_compared_share(nlp):
    found = figures(nlp, "Now 44% of executives expect better ties, up from 16% in 2025.")
    assert [(f.value, f.measure, f.period) for f in found] == [("44", "survey-share", None), ("16", "survey-share", "2025")]
    assert found[1].compared_to == (found[0].start, found[0].end)


@pytest.mark.slow
def test_durations_and_counts(nlp):
    found = figures(nlp, "Talks lasted three days and covered three relevant items.")
    assert [(f.value, f.unit, f.measure) for f in found] == [("3", "day", "duration"), ("3", "count", "count")]


@pytest.mark.parametrize(
    "text, year, period",
    [("in 2025", None, "2025"), ("January 2026", None, "2026-01"), ("last year", 2026, "2025"), ("as of Q1 2025", None, "2025-Q1"),
     ("this year", 2024, "2024"), ("March 16, 2023", None, "2023-03-16"), ("the third quarter", 2025, None)],
)
def test_resolve_period(text, year, period):
    assert resolve_period(text, year) == period


def test_number_helpers():
    assert parse_number("1,234.5") == Decimal("1234.5")
    assert parse_number("12abc") is None
    assert canonical_decimal(Decimal("3.20") * Decimal("1e9")) == "3200000000"


@pytest.mark.slow
def test_partners_are_not_what_a_figure_is_about(nlp):
    found = figures(nlp, "Samsung Electronics said exports to Japan rose 5% last year, while SK Hynix invested $2bn in Japan.")
    assert [(f.text, f.subjects, f.measure) for f in found] == [
        ("5%", ("samsung-electronics",), "exports"), ("$2bn", ("sk-hynix",), "investment")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a vague quantity states no number
        ("The plant will create several hundred engineering jobs in Kumamoto.", []),
        # a physical unit after the number and its scale
        ("South Korea produced 1.9 million tonnes of hydrogen in 2023.", [("1900000", "tonne", "2023")]),
        # "by the end of 2023" is as of then; "by 2030" stays a target without a period
        ("Bilateral trade reached $80 billion by the end of 2023.", [("80000000000", "USD", "2023")]),
        ("Imports of the gases are to fall to 300 tonnes by 2030.", [("300", "tonne", None)]),
        # "that year" is the last year named before it
        ("Exports to Japan peaked in 2021. That year, chip shipments rose 12%.", [("12", "percent", "2021")]),
    ],
)
def test_quantities_units_and_periods_written_loosely(nlp, text, expected):
    doc = nlp(make_doc(nlp, text, year=2024))
    assert [(f.value, f.unit, f.period) for f in doc._.figures] == expected


@pytest.mark.parametrize(
    ("text", "subjects"),
    [
        ("South Korea is a major chip producer. The country's semiconductor exports rose 5% in 2023.", ("south-korea",)),
        ("South Korea's economy grew 1.4% in 2023. The country's trade deficit with Japan was $18.6 billion.", ("south-korea",)),
        ("Exports of chipmaking equipment from Japan to South Korea rose 18.3% in 2023.", ("japan",)),
    ],
)
def test_whose_figure_it_is(nlp, text, subjects):
    figures = nlp(make_doc(nlp, text, year=2024))._.figures
    assert figures[-1].subjects == subjects
