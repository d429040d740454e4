"""Readable tables for the terminal (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .evaluate import CATEGORIES, DocumentScore, Score


def print_evaluation(results: list[DocumentScore], total: dict[str, Score], *, details: bool = True, console: Console | None = None) -> None:
    """Precision / recall / F1 per document and in total, then every miss and false positive."""
    console = console or Console(soft_wrap=True)
    table = Table(title="Extraction scores")
    for column in ("document", "category", "P", "R", "F1", "TP", "FP", "FN"):
        table.add_column(column, justify="right" if len(column) <= 2 else "left")
    rows = [(r.article_id, r.scores) for r in results] + [("TOTAL", total)]
    for name, scores in rows:
        for category in CATEGORIES:
            s = scores[category]
            table.add_row(name, category, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.tp), str(s.fp), str(s.fn))
        table.add_section()
    console.print(table)
    if not details:
        return
    for result in results:
        for category in CATEGORIES:
            s = result.scores[category]
            for miss in s.misses:
                console.print(f"[yellow]miss[/] {result.article_id} {category}: {miss}", markup=True, highlight=False)
            for fp in s.false_positives:
                console.print(f"[red]false positive[/] {result.article_id} {category}: {fp}", markup=True, highlight=False)
