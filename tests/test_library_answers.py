"""The library's questions answered on corpus/: exact answers, read from the articles by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

import kg
from rdflib import RDF

from kg.namespace import JKT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graph(built):
    _, out = built
    return kg.load(out / "graph.trig")


def local(iri) -> str:
    return str(iri).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def test_chip4_members_and_leader(graph):
    rows = kg.query(graph, "chip4")
    assert {(r["role"], local(r["entity"])) for r in rows} == {
        ("leader", "united-states"), ("member", "japan"), ("member", "south-korea")}


def test_expectations_by_year(graph):
    """16% of executives expected better relations in 2025, 44% in January 2026."""
    rows = kg.query(graph, "expectations-by-year")
    dated = {(str(r["period"]), r["value"]) for r in rows if r.get("period") is not None}
    assert dated == {("2025", Decimal(16)), ("2026-01", Decimal(44))}


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


def test_trade_and_investment(graph):
    rows = kg.query(graph, "trade-and-investment")
    found = {(local(r["measure"]), r["value"], local(r["unit"]), local(r["kind"]), str(r.get("period"))) for r in rows}
    assert found == {
        ("bilateral-trade", Decimal(88300000000), "USD", "Level", "2025"),
        ("bilateral-trade", Decimal(12), "PERCENT", "Change", "2025"),
        ("foreign-direct-investment", Decimal(3200000000), "USD", "Level", "None"),
    }


def test_frictions(graph):
    rows = kg.query(graph, "frictions")
    found = {(str(r.get("period")), local(r["subject"]), local(r["action"]), local(r["object"])) for r in rows}
    assert found == {
        ("None", "japan", "imposesExportControlsOn", "south-korea"),
        ("2019-07", "japan", "removesFromWhiteList", "south-korea"),
        ("2019", "japan", "removesFromWhiteList", "south-korea"),
        ("2019", "south-korea", "removesFromWhiteList", "japan"),
        ("2023", "japan", "restoresToWhiteList", "south-korea"),
        ("2023", "south-korea", "restoresToWhiteList", "japan"),
        ("None", "meti", "liftsExportControlsOn", "south-korea"),
        ("None", "south-korea", "withdrawsComplaintTo", "wto"),
    }
    items = {local(r["item"]) for r in rows if r.get("item") is not None}
    assert items == {"semiconductor-materials"}


def test_cooperation_fields(graph):
    rows = kg.query(graph, "cooperation-fields")
    fields = {local(r["field"]) for r in rows if r.get("field") is not None}
    assert {"semiconductors", "robotics", "compound-semiconductors", "industrial-robotics", "chip-packaging"} <= fields
    developed = {(local(r["subject"]), local(r["object"])) for r in rows if local(r["relation"]) == "jointlyDevelops"}
    assert developed == {(c, t) for c in ("japan", "south-korea") for t in ("semiconductors", "robotics", "chip-packaging")}


def test_entity_facts_for_japan(graph):
    rows = kg.query(graph, "entity-facts", entity="japan")
    assert rows and all(local(r["entity"]) == "japan" for r in rows)
    predicates = {local(r["predicate"]) for r in rows}
    assert {"memberOf", "imposesExportControlsOn", "investsIn", "hasMarketShareIn", "market-share"} <= predicates
    assert all(r["evidence"] for r in rows)


def test_entities_with_wikidata(graph):
    rows = kg.query(graph, "entities")
    by_id = {local(r["entity"]): r for r in rows}
    assert str(by_id["japan"]["wikidata"]) == "http://www.wikidata.org/entity/Q17"
    assert str(by_id["south-korea"]["wikidata"]) == "http://www.wikidata.org/entity/Q884"
    assert by_id["chip-4"].get("wikidata") is None


def test_every_figure_row_has_its_evidence(graph):
    rows = kg.query(graph, "figures")
    figures = {r["figure"] for r in rows}
    assert len(rows) == len(figures)  # one row per figure
    assert len(figures) == sum(1 for _ in graph.subjects(RDF.type, JKT.Figure))
    assert all(r["evidence"] and r["value"] is not None and r["unit"] is not None for r in rows)

