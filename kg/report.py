"""Readable tables for the terminal (rich): query answers and evaluation scores. Only the CLI uses this module."""

from __future__ import annotations

import io
import os
import re
from typing import Any

import pyoxigraph as ox
from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .evaluate import CATEGORIES, DocumentScore, Score
from .query.runner import QueryResult
from .humanize import NUMERIC_TYPES, compact_name, human_amount, number_text, unit_name
from .query.terms import PREFIXES, term_text

JKT_NS = PREFIXES["jkt"]

# C0 and C1 controls but tab and newline, DEL, and the bidirectional overrides and isolates.
_UNSAFE_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    r"""Text with control characters (ESC, CR, bidi overrides...) shown as escapes, never sent raw.

    >>> terminal_safe("red \x1b[31mtext\r")
    'red \\x1b[31mtext\\x0d'
    """
    return _UNSAFE_CHARS.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def _is_value_column(variable: str) -> bool:
    return variable.startswith("value") or variable.endswith("Value") or variable.startswith("stated")


def readable_cell(term: Any, variable: str, row: dict[str, Any], labels: dict[str, str]) -> str:
    """One cell for reading: entities by label, units and classes by short name, amounts with their unit."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        if variable == "unit" or variable.endswith("Unit"):
            return unit_name(term.value) or "count"
        if term.value in labels:
            return labels[term.value]
        name = compact_name(term.value)
        if name != term.value and term.value.startswith(JKT_NS) and variable not in ("type", "class") and name[1:2].islower():
            return name[0].lower() + name[1:]  # jkt:Level -> level, jkt:Fact -> fact
        return name
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value.rsplit("#", 1)[-1] if term.datatype else ""
        if datatype in NUMERIC_TYPES:
            try:
                number = float(term.value)
            except ValueError:
                return term.value
            if _is_value_column(variable):
                unit = row.get("unit")
                return human_amount(number, unit.value if isinstance(unit, ox.NamedNode) else None)
            return number_text(number)
        if datatype == "boolean":
            return "yes" if term.value in ("true", "1") else "no"
        return term.value
    return term_text(term)


def _one_line(text: str) -> str:
    return terminal_safe(" ".join(text.split()) if ("\n" in text or "\t" in text or "\r" in text) else text)


def _water_fill(natural: list[int], budget: int, flexible: list[bool], minimum: int) -> list[int] | None:
    """Cap the flexible columns at the largest width that fits, none below ``minimum``; None if impossible."""
    fixed = sum(w for w, f in zip(natural, flexible) if not f)
    flex = [w for w, f in zip(natural, flexible) if f]
    if not flex or fixed + sum(min(w, minimum) for w in flex) > budget:
        return None
    low, high = minimum, max(flex)
    while low < high:  # the largest cap whose widths fit
        cap = (low + high + 1) // 2
        if fixed + sum(min(w, cap) for w in flex) <= budget:
            low = cap
        else:
            high = cap - 1
    widths = [min(w, low) if f else w for w, f in zip(natural, flexible)]
    spare = budget - sum(widths)
    for i in sorted(range(len(widths)), key=lambda i: -natural[i]):  # hand out what the cap left over
        if spare <= 0:
            break
        if flexible[i] and widths[i] < natural[i]:
            widths[i] += 1
            spare -= 1
    return widths


def fit_widths(natural: list[int], budget: int, minimum: int = 3, long_text: int = 24) -> list[int]:
    """Column widths that fit ``budget`` cells: long-text columns give way first (to 12), then the widest.

    >>> fit_widths([5, 60, 40], 50)
    [5, 23, 22]
    >>> fit_widths([5, 10], 50)
    [5, 10]
    >>> fit_widths([10, 20, 200], 50)
    [10, 20, 20]
    """
    if sum(natural) <= budget:
        return list(natural)
    first = _water_fill(natural, budget, [w > long_text for w in natural], 12)
    if first is not None:
        return first
    every = _water_fill(natural, budget, [True] * len(natural), min(minimum, *natural))
    return every if every is not None else [max(1, min(w, minimum)) for w in natural]


_IDENTIFIER_NAMESPACES = tuple(PREFIXES.get(p, "\0") for p in ("jkf", "jka", "jkd", "jkb")) + ("https://w3id.org/jk-tech/claim/",)


def _hidden_columns(result: QueryResult) -> list[str]:
    """Columns a readable table leaves out (``--wide`` shows them): units folded into amounts, surface text, and
    identifiers of figures, assertions, claims, documents and builds (their labels repeat other columns)."""
    hidden = []
    columns = {v: [row[i] for row in result.rows] for i, v in enumerate(result.variables)}
    has_value = any(_is_value_column(v) for v in result.variables)
    for variable, terms in columns.items():
        present = [t for t in terms if t is not None]
        if variable == "unit" and "value" in columns:
            hidden.append(variable)
        elif variable == "text" and has_value:
            hidden.append(variable)
        elif present and all(isinstance(t, ox.NamedNode) and t.value.startswith(_IDENTIFIER_NAMESPACES) for t in present):
            hidden.append(variable)
    return hidden if len(hidden) < len(result.variables) else []


def query_table(
    result: QueryResult,
    title: str | None = None,
    *,
    truncated: bool = False,
    width: int | None = None,
    wide: bool = False,
    boxed: bool = True,
    total: int | None = None,
) -> Table:
    """A rich Table of a SELECT or ASK answer, with the row count as caption.

    By default cells are readable (labels, short names, humanised amounts; fact IRIs, units folded
    into amounts and surface text left out) and, with ``width``, every row is one line: columns are
    fitted to the width, long text giving way first, and cut text ends in an ellipsis. ``wide``
    shows every column with exact values and prefixed names, and cuts nothing.
    Every cell, header and title is a ``Text`` (never parsed as rich markup, so ``[/b]`` is just
    text) with control characters made visible (so no escape sequence reaches the terminal).
    """
    table = Table(
        title=Text(terminal_safe(title)) if title else None,
        show_lines=False,
        box=(box.SIMPLE_HEAD if boxed else None),
        show_edge=False,
        pad_edge=False,
        collapse_padding=boxed,
    )
    if result.form == "ask":
        table.add_column("answer")
        table.add_row("yes" if result.boolean else "no")
        return table
    hidden = [] if wide else _hidden_columns(result)
    shown = [i for i, v in enumerate(result.variables) if v not in hidden]
    variables = [result.variables[i] for i in shown]
    cells = []
    for row in result.rows:
        named = dict(zip(result.variables, row))
        if wide:
            cells.append([_one_line(term_text(row[i])) for i in shown])
        else:
            cells.append([_one_line(readable_cell(row[i], result.variables[i], named, result.labels)) for i in shown])
    widths = [max([cell_len(v)] + [cell_len(r[i]) for r in cells]) for i, v in enumerate(variables)]
    if width is not None and not wide and widths:
        widths = fit_widths(widths, max(width - 2 * (len(widths) - 1), len(widths)))
    for variable, w in zip(variables, widths):
        table.add_column(Text(terminal_safe(variable)), width=max(w, 1), no_wrap=True, overflow="ellipsis")
    for row in cells:
        table.add_row(*(Text(cell, no_wrap=True, overflow="ellipsis") for cell in row))
    rows = len(result.rows)
    caption = f"{rows} row{'s' if rows != 1 else ''}" if total is None or total == rows else f"{rows} of {total} rows (--limit)"
    caption += " (truncated)" if truncated else ""
    caption += f"; not shown: {', '.join(hidden)} (--wide shows every column)" if hidden else ""
    table.caption = Text(caption)
    return table


def print_query_table(
    result: QueryResult,
    title: str | None = None,
    *,
    truncated: bool = False,
    wide: bool = False,
    total: int | None = None,
    console: Console | None = None,
    pager: bool = True,
) -> None:
    """Print a query answer as a table: fitted to the terminal, one line a row; a pager when it is longer than the screen.

    On a pipe or a file there is no colour and no box drawing.
    """
    console = console or Console(soft_wrap=False)
    terminal = console.is_terminal
    table = query_table(result, title, truncated=truncated, width=console.width, wide=wide, boxed=terminal, total=total)
    screen = console.width
    if wide:  # every row one long line: a pager (less -S) scrolls sideways
        console.width = max(Console(width=10**6, file=io.StringIO()).measure(table).maximum, screen)
    lines = len(result.rows) + 4 + (1 if title else 0)
    try:
        if pager and terminal and lines > console.height:
            os.environ.setdefault("LESS", "-RSFX")
            with console.pager(styles=True):
                console.print(table)
        else:
            console.print(table)
    finally:
        console.width = screen


def print_evaluation(results: list[DocumentScore], total: dict[str, Score], *, details: bool = True, console: Console | None = None) -> None:
    """Precision / recall / F1 per document and in total, then every miss and false positive."""
    console = console or Console(soft_wrap=True)
    table = Table(title="Extraction scores")
    for column in ("document", "category", "P", "R", "F1", "TP", "FP", "FN", "type acc."):
        table.add_column(column, justify="left" if column in ("document", "category") else "right")
    rows = [(r.article_id, r.scores) for r in results] + [("TOTAL", total)]
    for name, scores in rows:
        for category in CATEGORIES:
            s = scores[category]
            types = "" if s.type_accuracy is None else f"{s.type_accuracy:.3f}"
            table.add_row(escape(name), category, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.tp), str(s.fp), str(s.fn), types)
        table.add_section()
    console.print(table)
    if not details:
        return
    for result in results:
        for category in CATEGORIES:
            s = result.scores[category]
            where = escape(f"{result.article_id} {category}")
            for miss in s.misses:
                console.print(f"[yellow]miss[/] {where}: {escape(miss)}", markup=True, highlight=False)
            for fp in s.false_positives:
                console.print(f"[red]false positive[/] {where}: {escape(fp)}", markup=True, highlight=False)
            for wrong in s.wrong_types:
                console.print(f"[magenta]wrong type[/] {where}: {escape(wrong)}", markup=True, highlight=False)
