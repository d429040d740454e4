"""An entity profile (``kg.profile``) for reading: lines for the terminal (rich) and Markdown. The CLI's.

One outline serves both: a title, headings and items; in the terminal every item is one line cut
with an ellipsis at the width, in Markdown nothing is cut.
"""

from __future__ import annotations

from typing import Any, Iterable

from rich.console import Console
from rich.text import Text

from .humanize import compact_name, human_amount, unit_name
from .report import terminal_safe

#: (kind, text): kind is "title", "note", "heading", "sub" or "item".
Line = tuple[str, str]
_LANGUAGES = {"en": "English", "ja": "Japanese", "ko": "Korean"}


def _amount(figure: dict[str, Any]) -> str:
    try:
        amount = human_amount(float(figure["value"]), figure.get("unit"))
    except (TypeError, ValueError):
        amount = f"{figure.get('value')} {unit_name(figure.get('unit'))}".strip()
    if figure.get("kind", "").endswith("#Change") and not amount.startswith("-"):
        amount = "+" + amount
    return amount


def _source(item: dict[str, Any]) -> str:
    parts = [p for p in (item.get("publisher"), item.get("date")) if p]
    return f"{item.get('id') or item.get('document')}" + (f" ({', '.join(parts)})" if parts else "")


def _modality(iri: str | None) -> str:
    name = compact_name(iri) if iri else "Fact"
    return "" if name == "Fact" else f" ({name.lower()})"


def profile_outline(profile: dict[str, Any]) -> list[Line]:
    """The profile as an outline of (kind, text) lines."""
    lines: list[Line] = []
    types = ", ".join(compact_name(t) for t in profile["types"]) or "entity"
    lines.append(("title", f"{profile['label']} ({profile['id']}) · {types}"))
    names = [f"{_LANGUAGES.get(lang, lang)}: {name}" for lang, name in profile["labels"].items()]
    lines.append(("note", " · ".join(names)))
    if profile["aliases"]:
        lines.append(("note", "Also: " + ", ".join(a["name"] for a in profile["aliases"])))
    for iri in profile["wikidata"]:
        lines.append(("note", f"Wikidata: {iri}"))
    if profile["broader"]:
        lines.append(("note", "Broader: " + ", ".join(b["label"] or compact_name(b["iri"]) for b in profile["broader"])))
    lines.append(("note", f"IRI: {profile['iri']}"))

    count = sum(len(group["figures"]) for group in profile["figures"])
    lines.append(("heading", f"Figures ({count})"))
    for group in profile["figures"]:
        measure = compact_name(group["measure"]) if group["measure"].startswith("http") else group["measure"]
        lines.append(("sub", f"{measure or 'unspecified measure'}, {group['period'] or 'no period stated'}"))
        for figure in group["figures"]:
            what = []
            if figure["technology"]:
                what.append(", ".join(figure["technology"]))
            if figure["about"]:
                what.append("with " + ", ".join(figure["about"]))
            detail = f" ({'; '.join(what)})" if what else ""
            lines.append(("item", f"{_amount(figure)}{detail}{_modality(figure.get('modality'))} — {_source(figure)}: “{figure['evidence']}”"))

    count = sum(len(group["others"]) for group in profile["relations"])
    lines.append(("heading", f"Relations ({count})"))
    for group in profile["relations"]:
        arrow = "→" if group["direction"] == "outgoing" else "←"
        others = []
        for other in group["others"]:
            modality = "".join(_modality(m) for m in other["modality"] if not m.endswith("#Fact"))
            sentences = len(other["evidence"])
            others.append(f"{other['label'] or compact_name(other['iri'])}{modality} [{sentences} sentence{'s' if sentences != 1 else ''}]")
        lines.append(("item", f"{compact_name(group['predicate'])} {arrow} {', '.join(others)}"))

    lines.append(("heading", f"Documents ({len(profile['documents'])})"))
    for doc in profile["documents"]:
        mentions = doc.get("mentions") or 0
        lines.append(("item", f"{doc.get('date') or 'undated'} · {doc.get('id') or doc['document']} · {mentions} mention{'s' if mentions != 1 else ''} · {doc.get('publisher') or 'no publisher'} · {doc.get('title') or ''}"))

    conflicted = sum(1 for claim in profile["claims"] if claim["conflicts"])
    lines.append(("heading", f"Claims ({len(profile['claims'])}, {conflicted} in conflict)"))
    for claim in profile["claims"]:
        publishers = claim.get("publishers") or 0
        span = " … ".join(dict.fromkeys(p for p in (claim.get("firstReported"), claim.get("lastReported")) if p))
        conflicts = f" — conflicts with: {'; '.join(claim['conflicts'])}" if claim["conflicts"] else ""
        lines.append(("item", f"{claim['label']} — {publishers} publisher{'s' if publishers != 1 else ''}, {claim.get('sources') or 0} document{'s' if (claim.get('sources') or 0) != 1 else ''}" + (f", {span}" if span else "") + conflicts))
    return lines


def profile_markdown(profile: dict[str, Any]) -> str:
    """The profile as Markdown: headings and lists, nothing cut."""
    out = []
    marks = {"title": "# ", "heading": "\n## ", "sub": "\n### ", "item": "- ", "note": ""}
    for kind, text in profile_outline(profile):
        text = text.replace("\n", " ")
        out.append(marks[kind] + (text + "  " if kind == "note" else text))
    return "\n".join(out) + "\n"


def print_profile(profile: dict[str, Any], console: Console | None = None) -> None:
    """The profile in the terminal: one line an item, cut with an ellipsis at the width; no colour on a pipe."""
    console = console or Console(soft_wrap=False)
    styles = {"title": "bold", "heading": "bold underline", "sub": "bold", "item": "", "note": "dim"}
    indent = {"title": "", "heading": "", "sub": "  ", "item": "    ", "note": "  "}
    for kind, text in profile_outline(profile):
        if kind == "heading":
            console.print()
        line = Text(indent[kind] + terminal_safe(" ".join(text.split())), style=styles[kind], no_wrap=True, overflow="ellipsis")
        line.truncate(console.width, overflow="ellipsis")
        console.print(line, soft_wrap=False, no_wrap=True, overflow="ellipsis")


def names_of(profile: dict[str, Any]) -> Iterable[str]:
    """Every name of the profiled entity: labels and aliases."""
    yield from profile["labels"].values()
    yield from (alias["name"] for alias in profile["aliases"])
