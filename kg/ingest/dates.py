"""Dates as the corpus header wants them: ISO 8601 ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""

from __future__ import annotations

import re
from datetime import date, datetime

MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")],
        start=1,
    )
    for name in names
}
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WRITTEN = [
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.I), ("month", "day", "year")),
    (re.compile(rf"\b(\d{{1,2}})\s+{_MONTH},?\s+(\d{{4}})\b", re.I), ("day", "month", "year")),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("year", "month", "day")),
    (re.compile(r"\b(\d{4})[./](\d{1,2})[./](\d{1,2})\b"), ("year", "month", "day")),
]


def iso_date(value) -> str | None:
    """``YYYY-MM-DD`` from a date, a datetime, an ISO string (with or without time) or a PDF date.

    >>> iso_date("2025-06-10T09:00:00+09:00"), iso_date("D:20250610090000Z"), iso_date("2025-06")
    ('2025-06-10', '2025-06-10', '2025-06')
    >>> iso_date("yesterday") is None
    True
    """
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, tuple) and len(value) >= 3:  # time.struct_time
        return _checked(value[0], value[1], value[2])
    text = str(value).strip()
    match = re.match(r"D:(\d{4})(\d{2})?(\d{2})?", text)
    if match:
        year, month, day = match.groups()
        if day:
            return _checked(int(year), int(month), int(day))
        return f"{year}-{month}" if month else year
    match = re.match(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ]|$)", text)
    if match:
        year, month, day = match.groups()
        if day:
            return _checked(int(year), int(month), int(day))
        return f"{year}-{month}" if month else year
    return None


def written_date(text: str) -> str | None:
    """The first date written out in ``text`` ("June 10, 2025", "10 June 2025", "2025-06-10").

    >>> written_date("Press release, May 9, 2022 - Lyon")
    '2022-05-09'
    """
    best = None
    for pattern, order in _WRITTEN:
        match = pattern.search(text)
        if match and (best is None or match.start() < best[0]):
            parts = dict(zip(order, match.groups()))
            month = parts["month"]
            month = MONTHS[month.lower().rstrip(".")] if not month.isdigit() else int(month)
            found = _checked(int(parts["year"]), month, int(parts["day"]))
            if found:
                best = (match.start(), found)
    return best[1] if best else None


def _checked(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None
