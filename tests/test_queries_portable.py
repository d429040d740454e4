"""kg/queries/*.rq are self-contained: every prefix they use is declared in the file itself.

kg predeclares its prefixes for its own runs, but Jena, Fuseki, GraphDB or YASGUI do not
("Unresolved prefixed name: jkt:leads"): a library file must run anywhere as it is.
"""

from __future__ import annotations

import pytest
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseQuery
from pyparsing import ParseResults
from rdflib.plugins.sparql.parserutils import CompValue

from kg.query import PREFIXES, QUERY_DIR, library

FILES = sorted(QUERY_DIR.glob("*.rq"))


def _pname_prefixes(node) -> set[str]:
    """The prefixes of every prefixed name in a parsed query."""
    found: set[str] = set()
    if isinstance(node, CompValue):
        if node.name == "pname":
            found.add(str(node.get("prefix") or ""))
        for value in node.values():
            found |= _pname_prefixes(value)
    elif isinstance(node, (list, tuple, ParseResults)):
        for item in node:
            found |= _pname_prefixes(item)
    return found


def test_there_are_library_files():
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_query_parses_without_predeclared_prefixes(path):
    prepareQuery(path.read_text(encoding="utf-8"))  # no initNs: only the file's own PREFIX lines


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_used_prefix_is_declared_with_kgs_namespace(path):
    # rdflib itself knows rdf:, rdfs:, owl:, xsd: without a declaration; Jena does not: check by hand.
    prologue, body = parseQuery(path.read_text(encoding="utf-8"))
    declared = {str(d["prefix"]): str(d["iri"]) for d in prologue if d.name == "PrefixDecl"}
    used = _pname_prefixes(body)
    assert used, path
    assert used <= set(declared), f"{path.name}: PREFIX missing for {sorted(used - set(declared))}"
    assert {p: declared[p] for p in used} == {p: PREFIXES[p] for p in used}


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_question_header_comes_first(path):
    assert path.read_text(encoding="utf-8").startswith("# Question: ")
    assert library()[path.stem].question
