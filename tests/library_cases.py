"""The library queries as a store outside kg is sent them, and the rows `kg query` gives: one case list for every store test.

Each `kg/queries/*.rq` file is a case, except the federated one (SERVICE reaches the network). A
parameterised file is sent with the example binding its `# Parameter:` line gives (`--bind
entity=japan`) as a `VALUES` clause opening its WHERE group: the standard SPARQL way to bind a
variable in a store that knows nothing of kg's `--bind`. kg's answer for the same binding is the expected answer.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

from pyoxigraph import Store

from kg.query import library, load_store, run_query

#: Library queries with no answer on corpus/: its real texts never report one figure twice with different values.
EMPTY_ON_CORPUS = {"conflicts"}
GRAPH = "https://w3id.org/jk-tech/graph"  # prefix of the build's own graph names (entities, build)
DOCUMENT = "https://w3id.org/jk-tech/doc/"  # prefix of the document graphs


@dataclass(frozen=True)
class Case:
    name: str
    sparql: str  # the text a store is sent: the .rq file, plus a VALUES clause for its example binding
    bindings: dict[str, str] = field(default_factory=dict)
    problem: str = ""  # why the case cannot be run; its tests fail with it

    @property
    def unordered(self) -> set[str]:
        return concatenated(self.sparql)


def example_bindings(name: str) -> dict[str, str]:
    """The `--bind NAME=VALUE` examples of a library query's `# Parameter:` lines, one per parameter."""
    entry = library()[name]
    found = {}
    for line in entry.text.splitlines():
        if line.lstrip().startswith("#") and "parameter:" in line.lower():
            found.update(re.findall(r"--bind\s+(\w+)=(\S+)", line))
    return {name: found[name] for name in entry.parameters if name in found}


def portable(name: str, bindings: dict[str, str]) -> str:
    """The query text with its bindings as a VALUES clause opening the WHERE group.

    Not a trailing VALUES clause after the query: Virtuoso 7.2 joins that one wrongly with a UNION
    (entity-facts gives every entity's facts, each labelled japan); at the top of WHERE it is right
    everywhere, and means what kg's --bind means for these queries.
    """
    entry = library()[name]
    if not bindings:
        return entry.text
    variables = [f"?{variable}" for variable in bindings]
    terms = [kg_term(variable, value, entry.parameters.get(variable, "literal")) for variable, value in bindings.items()]
    clause = f"VALUES {variables[0]} {{ {terms[0]} }}" if len(variables) == 1 else f"VALUES ({' '.join(variables)}) {{ ({' '.join(terms)}) }}"
    where = re.search(r"^WHERE \{", entry.text, re.MULTILINE)
    assert where, f"{name}.rq: no line starting 'WHERE {{' to put the example binding after"
    return entry.text[: where.end()] + " " + clause + entry.text[where.end():]


def kg_term(variable: str, value: str, kind: str) -> str:
    """The RDF term `kg query --bind VARIABLE=VALUE` puts in, in SPARQL syntax, as kg itself binds it."""
    result = run_query(Store(), f"SELECT ?{variable} WHERE {{}}", {variable: value}, parameters={variable: kind})
    return str(result.rows[0][0])


def cases() -> list[Case]:
    """Every library query a store can answer offline, with its example binding if it has parameters."""
    out = []
    for name, entry in sorted(library().items()):
        if "SERVICE" in entry.text:
            continue
        bindings = example_bindings(name)
        missing = sorted(set(entry.parameters) - set(bindings))
        if missing:
            problem = f"{name}.rq: give an example '--bind {missing[0]}=VALUE' on its '# Parameter:' line"
            out.append(Case(name, entry.text, bindings, problem))
            continue
        try:
            out.append(Case(name, portable(name, bindings), bindings))
        except AssertionError as err:
            out.append(Case(name, entry.text, bindings, str(err)))
    return out


CASES = cases()
IDS = [case.name for case in CASES]


def concatenated(sparql: str) -> set[str]:
    """Variables bound by GROUP_CONCAT: SPARQL leaves the order of their parts to the engine."""
    return set(re.findall(r"GROUP_CONCAT\(.*?\)\s+AS\s+\?(\w+)", sparql, re.IGNORECASE | re.DOTALL))


def rows(answer: dict, unordered: set[str] = frozenset()) -> list[tuple]:
    """SPARQL JSON results as sorted rows of (variable, type, value, datatype or language)."""

    def term(name: str, binding: dict) -> tuple:
        value = binding["value"]
        if name in unordered:
            value = ", ".join(sorted(value.split(", ")))
        return (binding["type"].replace("typed-literal", "literal"), value, binding.get("datatype") or binding.get("xml:lang") or "")

    return sorted(tuple(sorted((name, *term(name, value)) for name, value in row.items())) for row in answer["results"]["bindings"])


@cache
def _answers(trig: str) -> dict[str, list[tuple]]:
    store = load_store(Path(trig))
    entries = library()
    return {
        case.name: rows(json.loads(run_query(store, entries[case.name].text, case.bindings, parameters=entries[case.name].parameters).serialize("json")), case.unordered)
        for case in CASES
        if not case.problem
    }


def expected(trig: Path, case: Case) -> list[tuple]:
    """kg's rows for the case (the .rq file with --bind for its example), computed once per build."""
    if case.problem:
        pytest.fail(case.problem)
    answer = _answers(str(trig))[case.name]
    assert bool(answer) != (case.name in EMPTY_ON_CORPUS), f"{case.name}: {len(answer)} rows on the corpus"
    return answer


@cache
def graph_counts(trig: str) -> dict[str, int]:
    """Triples per named graph of the build, as kg counts them."""
    store = load_store(Path(trig))
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    answer = json.loads(run_query(store, query).serialize("json"))
    return {row["g"]["value"]: int(row["n"]["value"]) for row in answer["results"]["bindings"]}


def in_ci() -> bool:
    """True under .ci/run (which exports CI=1), where every store test must run."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def need(present: bool, what: str) -> None:
    """Skip the test when a system tool is absent, with the reason; in CI, fail instead: there it must run."""
    if present:
        return
    if in_ci():
        pytest.fail(f"{what} is missing although CI is set; .ci/run installs it with apt-get")
    pytest.skip(f"{what} is not installed; .ci/run installs it with apt-get")
