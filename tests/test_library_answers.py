"""The library's questions answered on corpus/: exact answers, read from the articles by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

import kg
from rdflib import RDF

from kg.namespace import JKT


@pytest.fixture(scope="module")
def graph(built):
    _, out = built
    return kg.load(out / "graph.trig")


def local(iri) -> str:
    return str(iri).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


@pytest.mark.slow
def test_chip4_members_and_leader(graph):
    rows = kg.query(graph, "chip4")
    assert {(r["role"], local(r["entity"])) for r in rows} == {
        ("leader", "united-states"), ("member", "japan"), ("member", "south-korea")}


@pytest.mark.slow
def test_expectations_by_year(graph):
    """Seed article: "44% of executives ... according to a January 2026 Nikkei-Maeil Business Survey.
    This marks a dramatic increase from just 16% in 2025"."""
    rows = kg.query(graph, "expectations-by-year")
    periods = {}
    for r in rows:
        periods.setdefault(r["value"], set()).add(str(r.get("period")))
    assert periods[Decimal(16)] == {"2025"} and periods[Decimal(44)] == {"2026-01"}
    # The survey's other shares (29%, 52%, 68%) are of the same January 2026 survey: no other period is right.
    assert all(found <= {"2026-01", "None"} for value, found in periods.items() if value not in (16, 44))


@pytest.mark.slow
def test_market_positions(graph):
    rows = kg.query(graph, "market-positions")
    shares = {(local(r["holder"]), local(r["technology"]), r["value"]) for r in rows if r.get("value") is not None}
    assert shares == {
        ("japan", "photoresists", Decimal(90)), ("south-korea", "dram", Decimal(41)),
        # trade.gov: "Samsung Electronics and SK Hynix accounting for 73 percent of the global DRAM market
        # share and 51 percent of the NAND flash market"; "... representing 20 percent of the global
        # semiconductor equipment market" (South Korean companies' purchases)
        ("samsung-electronics", "dram", Decimal(73)), ("sk-hynix", "dram", Decimal(73)),
        ("samsung-electronics", "nand-flash", Decimal(51)), ("sk-hynix", "nand-flash", Decimal(51)),
        ("south-korea", "semiconductor-equipment", Decimal(20)),
    }
    relations = {(local(r["holder"]), local(r["relation"]), local(r["technology"])) for r in rows if r.get("value") is None}
    assert relations == {("japan", "hasMarketShareIn", "photoresists"), ("south-korea", "hasMarketShareIn", "dram"),
                         ("south-korea", "dominates", "memory-chips"),
                         ("samsung-electronics", "hasMarketShareIn", "dram"), ("sk-hynix", "hasMarketShareIn", "dram"),
                         ("samsung-electronics", "hasMarketShareIn", "nand-flash"), ("sk-hynix", "hasMarketShareIn", "nand-flash"),
                         # trade.gov: South Korean firms' purchases are "20 percent of the global semiconductor equipment market"
                         ("south-korea", "hasMarketShareIn", "semiconductor-equipment")}


@pytest.mark.slow
def test_trade_and_investment(graph):
    """Seed article: "Bilateral trade reached $88.3 billion in 2025, a 12% year-over-year increase, while
    Japanese foreign direct investment in South Korea surged to $3.2 billion"."""
    rows = kg.query(graph, "trade-and-investment")
    found = {(local(r["measure"]), r["value"], local(r["unit"]), local(r["kind"])) for r in rows}
    assert found == {
        ("bilateral-trade", Decimal(88300000000), "USD", "Level"),
        ("bilateral-trade", Decimal(12), "PERCENT", "Change"),
        ("foreign-direct-investment", Decimal(3200000000), "USD", "Level"),
    }
    # Every period the graph gives is the sentence's year.
    assert {str(r["period"]) for r in rows if r.get("period") is not None} == {"2025"}
    assert all(str(r.get("period")) == "2025" for r in rows if local(r["measure"]) == "bilateral-trade")


@pytest.mark.slow
def test_investment_has_the_sentences_year(graph):
    rows = kg.query(graph, "trade-and-investment")
    assert {str(r.get("period")) for r in rows if local(r["measure"]) == "foreign-direct-investment"} == {"2025"}


#: When each friction happened, from the documents: the export controls and white-list removals of
#: 2019 ("tightened since 2019"; "in July 2019"; "in 2019"), the restorations of 2023 ("in 2023"),
#: METI's revision and Korea's withdrawal of its WTO complaint in the METI release of 16 March 2023.
FRICTION_YEARS = {
    ("japan", "imposesExportControlsOn", "south-korea"): "2019",
    ("japan", "removesFromWhiteList", "south-korea"): "2019",
    ("south-korea", "removesFromWhiteList", "japan"): "2019",
    ("japan", "restoresToWhiteList", "south-korea"): "2023",
    ("south-korea", "restoresToWhiteList", "japan"): "2023",
    ("meti", "liftsExportControlsOn", "south-korea"): "2023",
    ("south-korea", "withdrawsComplaintTo", "wto"): "2023",
}


def _frictions(graph) -> list[tuple[tuple[str, str, str], str | None]]:
    rows = kg.query(graph, "frictions")
    return [((local(r["subject"]), local(r["action"]), local(r["object"])), r.get("period")) for r in rows]


@pytest.mark.slow
def test_frictions(graph):
    found = _frictions(graph)
    assert {friction for friction, _ in found} == set(FRICTION_YEARS)
    # A period, where the graph gives one, is the right year (or a month of it: "July 2019").
    assert all(str(period).startswith(FRICTION_YEARS[friction]) for friction, period in found if period is not None)
    items = {local(r["item"]) for r in kg.query(graph, "frictions") if r.get("item") is not None}
    assert items == {"semiconductor-materials"}


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="extraction gap: 'since 2019' and a release's own date give no period yet")
def test_every_friction_has_its_year(graph):
    assert all(str(period).startswith(FRICTION_YEARS[friction]) for friction, period in _frictions(graph))


@pytest.mark.slow
def test_cooperation_fields(graph):
    rows = kg.query(graph, "cooperation-fields")
    fields = {local(r["field"]) for r in rows if r.get("field") is not None}
    assert {"semiconductors", "robotics", "compound-semiconductors", "industrial-robotics", "chip-packaging"} <= fields
    developed = {(local(r["subject"]), local(r["object"])) for r in rows if local(r["relation"]) == "jointlyDevelops"}
    assert developed == {(c, t) for c in ("japan", "south-korea") for t in ("semiconductors", "robotics", "chip-packaging")}


@pytest.mark.slow
def test_entity_facts_for_japan(graph):
    rows = kg.query(graph, "entity-facts", entity="japan")
    assert rows and all(local(r["entity"]) == "japan" for r in rows)
    predicates = {local(r["predicate"]) for r in rows}
    assert {"memberOf", "imposesExportControlsOn", "investsIn", "hasMarketShareIn", "market-share"} <= predicates
    assert all(r["evidence"] for r in rows)


@pytest.mark.slow
def test_entities_with_wikidata(graph):
    rows = kg.query(graph, "entities")
    by_id = {local(r["entity"]): r for r in rows}
    assert str(by_id["japan"]["wikidata"]) == "http://www.wikidata.org/entity/Q17"
    assert str(by_id["south-korea"]["wikidata"]) == "http://www.wikidata.org/entity/Q884"
    assert by_id["chip-4"].get("wikidata") is None


@pytest.mark.slow
def test_every_figure_row_has_its_evidence(graph):
    rows = kg.query(graph, "figures")
    figures = {r["figure"] for r in rows}
    assert len(rows) == len(figures)  # one row per figure
    assert len(figures) == sum(1 for _ in graph.subjects(RDF.type, JKT.Figure))
    assert all(r["evidence"] and r["value"] is not None and r["unit"] is not None for r in rows)

