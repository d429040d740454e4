"""Values for reading: amounts with their unit ("$88.3 bn", "₩1.2 tn", "44%"), short names of units and terms.

Plain functions on IRIs and numbers, used by the terminal tables and the entity profile.
"""

from __future__ import annotations

from .query.terms import compact

#: Currency codes shown as symbols before the amount.
CURRENCY_SYMBOLS = {"USD": "$", "KRW": "₩", "JPY": "¥", "EUR": "€", "GBP": "£", "CNY": "CN¥", "TWD": "NT$"}
#: QUDT units by short name; an empty name is a plain count.
UNIT_NAMES = {"PERCENT": "%", "YR": "years", "MO": "months", "WK": "weeks", "DAY": "days", "HR": "hours", "MIN": "minutes", "NUM": "", "UNITLESS": ""}
_UNIT_NS = "http://qudt.org/vocab/unit/"
_CURRENCY_NS = "http://qudt.org/vocab/currency/"
_SCALES = ((10**12, "tn"), (10**9, "bn"), (10**6, "m"))
NUMERIC_TYPES = ("decimal", "integer", "double", "float", "int", "long", "nonNegativeInteger", "positiveInteger", "short")


def number_text(value: float) -> str:
    """A number with thousands separators and at most two decimals, trailing zeros dropped."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def unit_name(iri: str | None) -> str:
    """A unit or currency IRI as a short name: ``USD``, ``%``, ``years`` ('' for counts).

    >>> unit_name("http://qudt.org/vocab/currency/KRW"), unit_name("http://qudt.org/vocab/unit/PERCENT")
    ('KRW', '%')
    """
    if not iri:
        return ""
    local = iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    if iri.startswith(_CURRENCY_NS):
        return local
    return UNIT_NAMES.get(local, local.lower()) if iri.startswith(_UNIT_NS) else compact_name(iri)


def human_amount(value: float, unit: str | None) -> str:
    """An amount for reading, with its unit: ``$88.3 bn``, ``₩1.2 tn``, ``44%``, ``3 years``.

    >>> human_amount(88300000000, "http://qudt.org/vocab/currency/USD"), human_amount(1.2e12, "http://qudt.org/vocab/currency/KRW")
    ('$88.3 bn', '₩1.2 tn')
    >>> human_amount(44, "http://qudt.org/vocab/unit/PERCENT"), human_amount(-33.4, "http://qudt.org/vocab/unit/PERCENT")
    ('44%', '-33.4%')
    >>> human_amount(31444, "http://qudt.org/vocab/unit/NUM"), human_amount(1, "http://qudt.org/vocab/unit/YR")
    ('31,444', '1 year')
    """
    name = unit_name(unit)
    if name == "%":
        return f"{number_text(value)}%"
    sign, magnitude = ("-" if value < 0 else ""), abs(value)
    scaled = number_text(magnitude)
    for factor, suffix in _SCALES:
        if magnitude >= factor:
            scaled = f"{number_text(magnitude / factor)} {suffix}"
            break
    if unit and unit.startswith(_CURRENCY_NS):
        symbol = CURRENCY_SYMBOLS.get(name)
        return f"{sign}{symbol}{scaled}" if symbol else f"{sign}{scaled} {name}"
    if name and magnitude == 1 and name.endswith("s"):
        name = name[:-1]
    return f"{sign}{scaled} {name}".rstrip()


def compact_name(iri: str) -> str:
    """A short name for an IRI without a label: a measure's words, an ontology term's local name, else a prefixed name."""
    text = compact(iri)
    prefix, _, local = text.partition(":")
    if prefix == "jkm" and local:
        return local.replace("-", " ")
    if prefix in ("jkt", "jke") and local:
        return local
    return text
