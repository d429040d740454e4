"""What a SPARQL query asks of the engine beyond the loaded graph, decided on the parsed query.

A query is parsed with rdflib's SPARQL grammar (after the codepoint escapes ``\\uXXXX`` that SPARQL
expands before parsing) and its syntax tree is walked: every ``SERVICE`` pattern, wherever it sits
(nested groups, ``OPTIONAL``, ``EXISTS``, sub-selects, ``SILENT``, a variable as endpoint), every
``FROM`` / ``FROM NAMED`` clause and every ``GRAPH`` pattern is found there. Text that is not a query
but parses as SPARQL Update is an update. Keywords are never looked for in the raw text alone.

Two safety nets stand behind the parse, because Oxigraph, which runs the query, has a grammar of its
own: a token scan (comments, strings, IRIs, variables and prefixed names removed) that must agree
with the tree, and, for a query rdflib cannot parse, a refusal whenever the text mentions
``service`` at all. Both can only refuse more, never less.

The library's own queries (files of the package, never user input; a test checks that the
token scan gives each the verdict of the parse) are judged by the token scan alone, so that a
one-off ``kg query NAME`` does not load rdflib's SPARQL grammar (the one federated example is still
parsed, so that its refusal names the endpoint). A query that is an already
inspected query followed by a trailing ``VALUES`` block of plain data
(how library queries get their parameters) takes the verdict of that query without a second parse:
the block is matched token by token (variables, IRIs, prefixed names, literals without escapes,
numbers, ``UNDEF``), so it can add no keyword, open no string and close no group.

>>> inspect_query("SELECT * { ?a ?b ?c .SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c } }").services
['http://127.0.0.1:9/x']
>>> inspect_query('SELECT ?service { ?service rdfs:label "SERVICE" }').services
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping

import pyoxigraph as ox

from ..errors import QueryError
from .terms import PREFIXES

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# Comments, strings, IRIs, variables, language tags and prefixed names (prefix and local part
# together) are removed, so that what remains is keywords, punctuation and numbers.
_NOT_KEYWORDS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|#[^\n]*|<[^<>\"{}|^`\\\s]*>|[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+|@[A-Za-z][A-Za-z0-9-]*"
    r"|[\w.-]*:(?:[\w.%-]|\\.)*"
)

# A trailing VALUES block of plain data: nothing but the tokens listed here, and no backslash anywhere
# (SPARQL expands \\u escapes before parsing, so an escape could turn data into syntax).
_DATA_TOKEN = (
    r"\?[A-Za-z_][A-Za-z0-9_]*|<[^<>\"{}|^`\\\s]*>|[A-Za-z][A-Za-z0-9_-]*:[A-Za-z0-9_][A-Za-z0-9_-]*"
    r'|"[^"\\\n]*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^(?:<[^<>"{}|^`\\\s]*>|[A-Za-z][A-Za-z0-9_-]*:[A-Za-z0-9_][A-Za-z0-9_-]*))?'
    r"|[+-]?[0-9]++(?:\.[0-9]++)?|UNDEF|true|false|[(){}]"
)
# Atomic tokens and a possessive loop: matching is linear, whatever the text.
_TRAILING_VALUES = re.compile(rf"\s+VALUES(?:\s*+(?>{_DATA_TOKEN}))++\s*+\Z")


@dataclass
class QueryInfo:
    """What a query asks of the engine beyond the loaded graph."""

    update_keywords: set[str] = field(default_factory=set)
    services: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)  # FROM and FROM NAMED IRIs
    uses_graphs: bool = False  # GRAPH patterns or FROM clauses: the query needs the named graphs
    parsed: bool = True  # False when only the safety nets could read it


def expand_escapes(sparql: str) -> str:
    """The query with SPARQL's codepoint escapes (``\\u0053``, ``\\U00000053``) expanded, as engines read it."""

    def char(match: re.Match[str]) -> str:
        code = int(match[1] or match[2], 16)
        return chr(code) if code <= 0x10FFFF else match[0]

    return _ESCAPE.sub(char, sparql)


def keyword_tokens(sparql: str) -> set[str]:
    """Upper-cased words left once comments, strings, IRIs, variables and prefixed names are removed."""
    return {word.upper() for word in re.findall(r"[A-Za-z]+", _NOT_KEYWORDS.sub(" ", expand_escapes(sparql)))}


def _walk(node: Any, found: dict[str, list[Any]]) -> None:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name in ("ServiceGraphPattern", "DatasetClause", "GraphGraphPattern"):
            found[node.name].append(node)
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _walk(value, found)
    elif hasattr(node, "asList") and not isinstance(node, str):  # pyparsing ParseResults
        for value in node:
            _walk(value, found)


def _name(term: Any, declared: Mapping[str, str], prefixes: Mapping[str, str]) -> str:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(term, CompValue) and term.name == "pname":
        prefix = str(dict.get(term, "prefix") or "")
        return declared.get(prefix, prefixes.get(prefix, prefix + ":")) + str(dict.get(term, "localname") or "")
    return str(term)


def _is_update(sparql: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(sparql)
    except Exception:  # not an update either: Oxigraph will report the syntax error
        return False
    return True


@lru_cache(maxsize=512)
def _inspect(sparql: str, prefix_items: tuple[tuple[str, str], ...]) -> QueryInfo:
    from rdflib.plugins.sparql.parser import parseQuery

    prefixes = dict(prefix_items)
    info = QueryInfo()
    tokens = keyword_tokens(sparql)
    try:
        tree = parseQuery(sparql)
    except Exception:  # rdflib's grammar is not Oxigraph's: decide conservatively on the text
        info.parsed = False
        info.update_keywords = set(tokens & UPDATE_KEYWORDS) if _is_update(sparql) else set()
        if "service" in expand_escapes(sparql).casefold():
            info.services.append("(a SERVICE clause, in a query kg could not parse to check)")
        if tokens & {"FROM", "GRAPH"}:
            info.uses_graphs = True
        if "FROM" in tokens:
            info.datasets.append("(a FROM clause, in a query kg could not parse to check)")
        return info
    declared = {
        str(dict.get(d, "prefix") or ""): str(dict.get(d, "iri"))
        for d in tree[0]
        if getattr(d, "name", "") == "PrefixDecl"
    }
    found: dict[str, list[Any]] = {"ServiceGraphPattern": [], "DatasetClause": [], "GraphGraphPattern": []}
    _walk(list(tree), found)
    info.services = [_name(dict.get(n, "term"), declared, prefixes) for n in found["ServiceGraphPattern"]]
    info.datasets = [
        _name(dict.get(n, "default", dict.get(n, "named")), declared, prefixes) for n in found["DatasetClause"]
    ]
    info.uses_graphs = bool(found["DatasetClause"] or found["GraphGraphPattern"])
    # The safety net: a SERVICE keyword the token scan sees but the tree does not is refused all the same.
    if "SERVICE" in tokens and not info.services:
        info.services.append("(a SERVICE keyword the parser did not place)")
    if "FROM" in tokens and not info.datasets:
        info.datasets.append("(a FROM keyword the parser did not place)")
    if "GRAPH" in tokens:
        info.uses_graphs = True
    return info


def inspect_query(sparql: str, prefixes: Mapping[str, str] | None = None) -> QueryInfo:
    """Find SERVICE calls, FROM / FROM NAMED clauses, GRAPH patterns and updates in a query.

    ``prefixes`` (those the engine predeclares) name the IRIs of prefixed names in messages.
    """
    prefix_items = tuple(sorted((prefixes or {}).items()))
    head = _head_before_values(sparql)
    if (head or sparql).rstrip() in _library_texts():
        scanned = scanned_query(head or sparql)
        if not (scanned.services or scanned.datasets):  # else parsed, for the endpoint's name in the refusal
            return scanned
    if head is not None:
        info = _inspect(head, prefix_items)
        if info.parsed:  # a head rdflib parsed whole ends outside any string or comment
            return info
    return _inspect(sparql.rstrip(), prefix_items)  # trailing space changes nothing: one cache entry


@lru_cache(maxsize=1)
def _library_texts() -> frozenset[str]:
    from .library import library

    return frozenset(entry.text.rstrip() for entry in library().values())


def scanned_query(sparql: str) -> QueryInfo:
    """What the token scan alone finds in a query (the verdict for the library's own queries)."""
    tokens = keyword_tokens(sparql)
    info = QueryInfo(update_keywords=set(tokens & UPDATE_KEYWORDS), uses_graphs=bool(tokens & {"GRAPH", "FROM"}))
    if "SERVICE" in tokens:
        info.services.append("(a SERVICE keyword)")
    if "FROM" in tokens:
        info.datasets.append("(a FROM keyword)")
    return info


def _head_before_values(sparql: str) -> str | None:
    """The query before a trailing VALUES block of plain data, when it ends outside any comment.

    The fast path is taken only without a backslash anywhere in the text (no escape can change what
    the block is) and with no ``#`` on the head's last line (the block is not in a comment); the head
    must also parse whole (checked by the caller), so it ends outside any string.
    """
    at = sparql.rfind("VALUES")
    if at <= 0 or "\\" in sparql or not _TRAILING_VALUES.match(sparql, at - 1):
        return None
    head = sparql[:at].rstrip()
    return None if "#" in head[head.rfind("\n") + 1 :] else head


class QueryRefused(QueryError):
    """A query the read-only, bounded engine will not run (update, SERVICE, FROM a URL or file)."""


def graph_names(store: Any) -> set[str]:
    """The IRIs of the named graphs of a KGStore or a pyoxigraph Store (none for None)."""
    if store is None:
        return set()
    names = getattr(store, "graph_names", None)  # a KGStore knows them
    if names is not None:
        return names
    return {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}


def check_query(sparql: str, store: Any = None, *, allow_service: bool = False) -> QueryInfo:
    """Refuse updates, SERVICE (unless allowed) and FROM clauses naming anything but a graph of the store."""
    info = inspect_query(sparql, PREFIXES)
    if info.update_keywords:
        keywords = ", ".join(sorted(info.update_keywords))
        raise QueryRefused(f"SPARQL Update ({keywords}) is refused: the graph is read-only; send a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    if info.services and not allow_service:
        raise QueryRefused(f"SERVICE {info.services[0]} is refused: federated queries call other servers; allow them explicitly with --allow-service")
    if info.datasets:
        graphs = graph_names(store)
        for iri in info.datasets:
            if iri not in graphs:
                raise QueryRefused(
                    f"FROM {iri} is refused: FROM and FROM NAMED may only name graphs of the loaded file "
                    "(documents' IRIs); remote and file: URLs are never fetched"
                )
    return info
