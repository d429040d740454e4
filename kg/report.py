"""Readable tables for the terminal (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .evaluate import CATEGORIES, DocumentScore, Score


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
