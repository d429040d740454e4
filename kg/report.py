"""Readable tables for the terminal (rich): query answers and evaluation scores. Only the CLI uses this module."""

from __future__ import annotations

import re

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .evaluate import CATEGORIES, DocumentScore, Score
from .query.runner import QueryResult
from .query.terms import term_text

# C0 and C1 controls but tab and newline, DEL, and the bidirectional overrides and isolates.
_UNSAFE_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    r"""Text with control characters (ESC, CR, bidi overrides...) shown as escapes, never sent raw.

    >>> terminal_safe("red \x1b[31mtext\r")
    'red \\x1b[31mtext\\x0d'
    """
    return _UNSAFE_CHARS.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def query_table(result: QueryResult, title: str | None = None, *, truncated: bool = False) -> Table:
    """A rich Table of a SELECT or ASK answer (IRIs as prefixed names), with the row count as caption.

    Every cell, header and title is a ``Text`` (never parsed as rich markup, so ``[/b]`` is just
    text) with control characters made visible (so no escape sequence reaches the terminal).
    """
    table = Table(title=Text(terminal_safe(title)) if title else None, show_lines=False)
    if result.form == "ask":
        table.add_column("answer")
        table.add_row("yes" if result.boolean else "no")
        return table
    for variable in result.variables:
        table.add_column(Text(variable), overflow="fold")
    for row in result.rows:
        table.add_row(*(Text(terminal_safe(term_text(term))) for term in row))
    rows = len(result.rows)
    table.caption = f"{rows} row{'s' if rows != 1 else ''}" + (" (truncated)" if truncated else "")
    return table


def print_query_table(result: QueryResult, title: str | None = None, *, truncated: bool = False) -> None:
    """Print a query answer as a table on standard output."""
    Console(soft_wrap=False).print(query_table(result, title, truncated=truncated))


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
