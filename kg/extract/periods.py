"""Dates and reference periods in sentences, shared by the figure and relation extractors.

A date the recogniser found (``doc.spans["kg_dates"]``) or a bare year after "in" becomes an ISO
8601 period ("2019", "2019-07", "2025-Q1"); relative dates ("last year") resolve against the
document's year. The words that decide (period prepositions, "by the end of", "that year") are
data in ``patterns/figures.json``.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from ..lexicon import load_patterns

YEAR = re.compile(r"^(1[89]\d\d|20\d\d|2100)$")
MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9


def figure_rules():
    """The figure vocabulary (``patterns/figures.json``), read once by the lexicon."""
    return load_patterns("figures")


def resolve_period(text: str, year: int | None) -> str | None:
    """An ISO 8601 period for a date expression, relative ones resolved against ``year``.

    >>> resolve_period("January 2026", None)
    '2026-01'
    >>> resolve_period("last year's", 2026)
    '2025'
    >>> resolve_period("as of Q1 2025", None)
    '2025-Q1'
    >>> resolve_period("the first quarter of 2024", None)
    '2024-Q1'
    """
    lower = text.lower()
    years = re.findall(r"\b(1[89]\d\d|20\d\d)\b", lower)
    quarter = re.search(r"\bq([1-4])\b|\b(first|second|third|fourth) quarter\b", lower)
    if years:
        y = years[-1] if len(years) == 1 or not re.search(r"\d{4}\s*[-\u2013]\s*\d{2,4}", lower) else years[0]
        if quarter:
            q = quarter.group(1) or str(["first", "second", "third", "fourth"].index(quarter.group(2)) + 1)
            return f"{y}-Q{q}"
        month = next((m for w, m in MONTHS.items() if re.search(rf"\b{w}\b\.?", lower)), None)
        day = re.search(r"\b(\d{1,2})(st|nd|rd|th)?\b(?!\d)", re.sub(r"\b\d{4}\b", "", lower))
        if month and day and 1 <= int(day.group(1)) <= 31:
            return f"{y}-{month:02d}-{int(day.group(1)):02d}"
        if month:
            return f"{y}-{month:02d}"
        return y
    if year is not None:
        if re.search(r"\b(last|previous|past|a) year\b|\byear earlier\b|\bprior year\b", lower):
            return str(year - 1)
        if re.search(r"\bthis year\b|\bcurrent year\b", lower):
            return str(year)
        if re.search(r"\bnext year\b", lower):
            return str(year + 1)
    return None


def dated_spans(doc: Doc, sent: Span, year: int | None) -> list[tuple[Span, str, str | None]]:
    """Every date of a sentence with its ISO period and the word that opens it when that word bounds
    it ("since", "until", "through", "by"; not "by the end of 2023", which is as of then), else None.

    Dates the recogniser found (``doc.spans["kg_dates"]``) and bare years after "in"/"during"/"for"
    that it missed. "That year" takes the year of the last date named before it.
    """
    rules = figure_rules()
    dates = [span for span in doc.spans.get("kg_dates", []) if sent.start <= span.start < sent.end]
    found: list[tuple[Span, str, str | None]] = []
    for span in dates:
        before = [t.lower_ for t in doc[max(sent.start, span.start - 2) : span.start]]
        bounds = {"since", "until", "through", "by"}
        if span.text.lower().startswith(tuple(rules["period_end_phrases"])):
            bounds.discard("by")
        period = resolve_period(span.text, year)
        if period is None and span.text.lower() in rules["anaphoric_years"]:
            period = _previous_year(doc, span.start)
        if period is not None:
            found.append((span, period, next((w for w in reversed(before) if w in bounds), None)))
    for token in sent:
        if (YEAR.match(token.text) and token.i > sent.start and doc[token.i - 1].lower_ in ("in", "during", "for")
                and not any(s.start <= token.i < s.end for s in dates)):
            found.append((doc[token.i : token.i + 1], token.text, None))
    return found


def period_candidates(doc: Doc, sent: Span, year: int | None) -> list[tuple[Span, str]]:
    """The dates of a sentence that can be a figure's reference period: not those after "since",
    "until", "through" or "by" ("the lowest since 2009", "by 2040")."""
    return [(span, period) for span, period, opener in dated_spans(doc, sent, year) if opener is None]


def _previous_year(doc: Doc, before: int) -> str | None:
    """The year of the last year-bearing date named before token ``before`` ("that year" -> it)."""
    for token in reversed(doc[:before]):
        if YEAR.match(token.text):
            return token.text
    return None


def _distance(a: Span, b: Span) -> int:
    return a.start - b.end if a.start >= b.end else b.start - a.end


def sentence_period(doc: Doc, sent: Span, anchor: Span, year: int | None, *, max_distance: int = 8) -> str | None:
    """The date nearest to a span in its sentence, as an ISO period.

    Used for relations: "dropped Chile from its list in July 2019" -> "2019-07".
    Dates in the anchor's clause count as near however far they are.
    """
    options = []
    for span, period, opener in dated_spans(doc, sent, year):
        governed = opener == "since" and _since_governs(doc, span, anchor)
        if opener is not None and not governed:
            continue  # "the highest since the 2018 dispute", "by 2030": not when the relation held
        distance = min(_distance(span, anchor), max_distance) if governed else _distance(span, anchor)
        if clause_head(span.root) == clause_head(anchor.root):
            distance = min(distance, max_distance)
        options.append((distance, period))
    options = [o for o in options if o[0] <= max_distance]
    return min(options)[1] if options else None


def _since_governs(doc: Doc, span: Span, anchor: Span) -> bool:
    """Whether the "since" before a date attaches to the anchor or to a clause inside it ("curbs tightened
    since 2019" began then)."""
    since = next((t for t in reversed(doc[max(0, span.start - 3) : span.start]) if t.lower_ == "since"), None)
    if since is None:
        return False
    inside = {t.i for t in anchor.root.subtree}
    return since.head.i in inside or since.head.i == anchor.root.head.i


def clause_head(token: Token) -> Token:
    """The nearest verb (or auxiliary) governing a token, or the sentence root."""
    current = token
    while True:
        if current.pos_ in ("VERB", "AUX"):
            return current
        if current.head.i == current.i:
            return current
        current = current.head
