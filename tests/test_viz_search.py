"""The viewer's search: any label in any language and any alias, case-insensitive, NFKC-normalised."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg.network import to_networkx
from kg.viz import render_html, search_key, to_pyvis

SMALL = Path(__file__).parent / "data" / "viz" / "small.ttl"
KOREA = URIRef("https://w3id.org/jk-tech/id/south-korea")


def labelled_graph() -> Graph:
    """small.ttl with South Korea's Japanese and Korean labels and aliases, as the gazetteer gives them."""
    graph = Graph().parse(SMALL)
    graph.add((KOREA, SKOS.prefLabel, Literal("韓国", lang="ja")))
    graph.add((KOREA, SKOS.prefLabel, Literal("한국", lang="ko")))
    graph.add((KOREA, SKOS.altLabel, Literal("Republic of Korea", lang="en")))
    graph.add((KOREA, SKOS.altLabel, Literal("ROK", lang="en")))
    return graph


def page_data(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)[1]
    return json.loads(block)


def test_search_key_is_nfkc_and_lower_case():
    assert search_key("ＲＯＫ") == "rok"  # full-width letters, as Japanese text often has them
    assert search_key("Ｓａｍｓｕｎｇ　Electronics") == "samsung electronics"  # ideographic space
    assert search_key("ｶﾝｺｸ") == "カンコク"  # half-width katakana
    assert search_key("한국") == "한국"


def test_the_projection_keeps_every_label_and_alias():
    names = to_networkx(labelled_graph()).nodes[str(KOREA)]["names"]
    assert {"South Korea", "韓国", "한국", "Republic of Korea", "ROK"} <= set(names)


def test_the_page_embeds_the_search_keys_of_every_name():
    data = page_data(render_html(labelled_graph()))
    korea = next(n for n in data["nodes"] if n["info"]["iri"] == str(KOREA))
    assert korea["search"][0] == "south korea"  # the main label first
    assert {"韓国", "한국", "republic of korea", "rok"} <= set(korea["search"])
    assert {"韓国", "한국", "ROK"} <= set(korea["info"]["names"])
    for node in data["nodes"]:
        assert node["search"] and all(key == search_key(key) for key in node["search"])


def test_keys_come_from_the_same_function_as_the_page_uses():
    net = to_pyvis(to_networkx(labelled_graph()))
    for node in net.nodes:
        assert node["search"][0] == search_key(node["info"]["label"])


@pytest.mark.browser
@pytest.mark.parametrize("typed", ["韓国", "한국", "rok", "ＲＯＫ", "republic OF korea", "south k"])
def test_typing_a_japanese_label_or_an_alias_finds_south_korea(browser, tmp_path, typed):
    from .test_viz_browser import Visit

    path = tmp_path / "graph.html"
    path.write_text(render_html(labelled_graph()), encoding="utf-8")
    visit = Visit(browser, path)
    try:
        visit.page.fill("#search", typed)
        visit.page.press("#search", "Enter")
        focused = visit.js("window.kgFocused")
        assert focused is not None, visit.page.inner_text("#search-status")
        assert visit.js("(id) => kgData.nodes.get(id).info.iri", focused) == str(KOREA)
        assert visit.js("kgNetwork.getSelectedNodes()") == [focused]
        assert "South Korea" in visit.page.inner_text("#details")
        options = visit.js("Array.from(document.querySelectorAll('#search-labels option')).map(o => o.value)")
        assert "韓国" in options and "ROK" in options
        visit.assert_clean()
    finally:
        visit.close()
