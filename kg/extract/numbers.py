"""Finding numbers with their units in a Doc: the first half of ``kg_figures``.

``NumberFinder`` is a part of ``figures.FigureExtractor`` (which sets the vocabulary it reads in
its ``__init__``): it finds every number with a unit (percent, currency, time, counted noun,
multiple, ordinal, fraction) as a ``Candidate``; ``FigureExtractor`` then describes each one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from spacy.tokens import Doc

from .periods import MONTHS, YEAR

TOPIC_TYPES = {"Technology", "Industry", "Product"}
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
# "1.234,5" (dots group thousands) or "1,5" (one or two digits after the comma): unambiguous comma decimals
_DECIMAL_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+,\d+|\d+,\d{1,2})$")
_ORDINAL_DIGITS = re.compile(r"\d{1,3}(st|nd|rd|th)")


def parse_number(text: str) -> Decimal | None:
    """Parse a written number.

    >>> parse_number("1,234.5")
    Decimal('1234.5')
    >>> parse_number("two") is None
    True
    >>> parse_number("\u22125"), parse_number("1.234,5"), parse_number("1,5")
    (Decimal('-5'), Decimal('1234.5'), Decimal('1.5'))
    >>> parse_number("1,234")  # three digits after the comma: thousands, not a decimal
    Decimal('1234')
    """
    text = text.strip().replace("\u2212", "-").replace("\u2013", "-") if text[:1] in "\u2212\u2013" else text.strip()
    if _NUMBER.match(text):
        return Decimal(text.replace(",", ""))
    if _DECIMAL_COMMA.match(text):  # "1.234,5" and "1,5": a comma decimal, as written in much of Europe
        return Decimal(text.replace(".", "").replace(",", "."))
    return None


def canonical_decimal(value: Decimal) -> str:
    """A canonical string for a decimal: no exponent, no trailing zeros.

    >>> canonical_decimal(Decimal("61.4") * Decimal("1e9"))
    '61400000000'
    >>> canonical_decimal(Decimal("-33.40"))
    '-33.4'
    """
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass
class Candidate:
    start: int  # token index of the first token of the figure
    end: int  # token index after the last token
    number: int  # token index of the number
    value: Decimal
    unit: str
    kind: str = "level"
    counted: str | None = None
    measure: str | None = None


class NumberFinder:
    """Find numbers with their units (a part of ``FigureExtractor``, which holds the vocabulary)."""

    # -- finding numbers -------------------------------------------------------------------

    def match(self, doc: Doc) -> list[Candidate]:
        """Every number with a unit (percent, currency, time, counted noun, multiple)."""
        blocked = self._blocked_tokens(doc)
        percent_at = {s: e for _, s, e in self.percent_matcher(doc)}
        fraction_at = {s: e for _, s, e in self.fraction_matcher(doc)}
        candidates: list[Candidate] = []
        i = 0
        while i < len(doc):
            candidate = None
            if i in fraction_at and i not in blocked:
                candidate = self._fraction(doc, i, fraction_at[i])
            elif i not in blocked:
                candidate = self._number(doc, i, percent_at)
            if candidate is None and doc[i].lower_ in self.multiples and doc[i].pos_ in ("VERB", "NOUN", "ADJ") and i not in blocked:
                candidate = Candidate(i, i + 1, i, Decimal(self.multiples[doc[i].lower_]), "multiple", kind="change")
            if candidate is not None:
                candidates.append(candidate)
                i = candidate.end
            else:
                i += 1
        self._inherit_range_units(doc, candidates)
        return [c for c in candidates if c.unit]

    def _blocked_tokens(self, doc: Doc) -> set[int]:
        blocked: set[int] = set()
        for ent in doc.ents:  # numbers inside names ("Chip 4")
            if ent.label_ not in TOPIC_TYPES:
                blocked.update(range(ent.start, ent.end))
        for span in doc.spans.get("kg_group_phrases", []):  # "the two nations", resolved or not
            blocked.update(range(span.start, span.end))
        for token in doc:  # citation markers [1]
            if token.i > 0 and token.i + 1 < len(doc) and doc[token.i - 1].text == "[" and doc[token.i + 1].text == "]":
                blocked.add(token.i)
        for span in doc.spans.get("kg_dates", []):  # dates, but not durations ("three days")
            if not any(t.lower_ in self.time_units for t in span) or any(t.lower_ in MONTHS for t in span):
                blocked.update(range(span.start, span.end))
        return blocked

    def _word_number(self, doc: Doc, i: int) -> tuple[Decimal, int] | None:
        word = doc[i].lower_
        if i > 0 and doc[i - 1].lower_ in self.rules["vague_quantifiers"]:
            return None  # "several hundred jobs", "a few dozen firms": no number is stated
        if word in self.number_words and (doc[i].pos_ == "NUM" or doc[i].like_num):
            return Decimal(self.number_words[word]), i + 1
        return None

    def _ordinal(self, doc: Doc, i: int) -> Candidate | None:
        """"the third meeting", "the first-ever forum", "the second in Seoul" (rank); "the 50th anniversary" (years).

        Only after a determiner; not "for the first round", "the first half" (a period) or dates.
        """
        token = doc[i]
        word = token.lower_
        value = self.ordinals.get(word)
        if value is None and _ORDINAL_DIGITS.fullmatch(word):
            value = int(word[:-2])
        if value is None or i == 0 or doc[i - 1].lower_ not in self.rules["ordinal_determiners"]:
            return None
        end = i + 1
        if end + 1 < len(doc) and doc[end].text in ("-", "\u2010") and doc[end + 1].lower_ in ("ever", "largest", "biggest", "highest", "most"):
            end += 2  # "first-ever", "second-largest"
        j = end
        while j < len(doc) and j - end < 3 and (doc[j].pos_ in ("ADJ", "ADV") or doc[j].dep_ in ("amod", "compound")) and not doc[j].is_punct:
            j += 1
        noun = doc[j] if j < len(doc) else None
        series = any(t.lower_ in self.rules["ordinal_series_words"] for t in doc[end:j])  # "the 10th consecutive year"
        if noun is not None and (noun.lower_ in self.rules["ordinal_not_figures"] and not series or noun.lower_ in MONTHS):
            return None
        k = j if noun is not None and noun.lower_ == "in" else j + 1
        if k + 2 < len(doc) and doc[k].lower_ == "in" and (doc[k + 1].like_num or doc[k + 1].lower_ in self.number_words) and doc[k + 2].lower_ in self.time_units:
            return None  # "the first (meeting) in seven years": the duration is the figure
        if noun is not None and noun.lower_ in self.rules["anniversary_nouns"]:
            return Candidate(i, j + 1, i, Decimal(value), "year", counted=noun.text)
        if noun is not None and noun.pos_ in ("NOUN", "PROPN"):
            return Candidate(i, end, i, Decimal(value), "rank", counted=noun.text)
        if noun is not None and noun.pos_ == "ADP" or noun is None or noun.is_punct:
            return Candidate(i, end, i, Decimal(value), "rank")  # "the third in Peru"
        return None

    def _number(self, doc: Doc, i: int, percent_at: dict[int, int]) -> Candidate | None:
        token = doc[i]
        value = parse_number(token.text)
        end = i + 1
        if value is None:
            parsed = self._word_number(doc, i)
            if parsed is None:
                return self._ordinal(doc, i)
            value, end = parsed
        # "a three-party meeting", "a two-day visit": a number joined to a singular noun
        if end + 1 < len(doc) and doc[end].text in ("-", "\u2010") and not doc[end - 1].whitespace_ and not doc[end].whitespace_:
            noun = doc[end + 1]
            if noun.lower_ in self.time_units:
                return Candidate(i, end + 2, i, value, self.time_units[noun.lower_])
            if self._lemma_of(noun.text) in self.rules["hyphen_count_nouns"]:
                return Candidate(i, end + 2, i, value, "count", counted=noun.text)
            return None  # "two-way trade", "2-nanometer chips", "Twenty-first": no count
        start = i
        currency = None
        # currency symbol before: "$", "US$", "₩"
        if i > 0 and doc[i - 1].text in self.currency_symbols:
            currency = self.currency_symbols[doc[i - 1].text]
            start = i - 1
        elif i > 1 and doc[i - 2].text + doc[i - 1].text in self.currency_symbols and not doc[i - 2].whitespace_:
            currency = self.currency_symbols[doc[i - 2].text + doc[i - 1].text]
            start = i - 2
        # scale word after: "billion", "bn"
        if end < len(doc) and doc[end].lower_ in self.scales and (doc[end].lower_ not in ("m", "b", "k") or currency):
            value *= self.scales[doc[end].lower_]
            end += 1
        if end < len(doc) and doc[end].text in self.currency_symbols and doc[end].text.isupper() and currency is None:
            currency = self.currency_symbols[doc[end].text]  # "5 billion USD"
            end += 1
        elif end < len(doc) and doc[end].lower_ in self.currency_words and currency is None:
            currency = self.currency_words[doc[end].lower_]
            end += 1
        if currency:
            return Candidate(start, end, i, value, currency)
        if end in percent_at:
            words = doc[end : percent_at[end]].text.lower()
            unit = "percentage-point" if "point" in words else "percent"
            return Candidate(start, percent_at[end], i, value, unit)
        if YEAR.match(token.text) and end == i + 1:
            return None  # a bare year is a period, not a figure
        if token.text.lower().endswith(("st", "nd", "rd", "th")) and not token.like_num:
            return None
        # "three years", "1,005 adults", "three relevant items"
        j = end
        while j < len(doc) and j - end < 3 and (doc[j].pos_ == "ADJ" or doc[j].dep_ in ("amod", "compound")) and not doc[j].is_punct:
            j += 1
        if j < len(doc):
            noun = doc[j]
            if noun.lower_ in self.time_units:
                if i > 0 and doc[i - 1].lower_ in ("the", "its", "their") and noun.lower_.endswith("s") is False:
                    return None
                return Candidate(start, j + 1, i, value, self.time_units[noun.lower_])
            if noun.lower_ in self.rules["measure_units"]:  # "1.9 million tonnes"
                return Candidate(start, j + 1, i, value, self.rules["measure_units"][noun.lower_])
            if noun.pos_ in ("NOUN", "PROPN") and noun.tag_ in ("NNS", "NNPS") and noun.ent_type_ in ("", "Country", "Industry", "Technology", "Product"):
                if i > 0 and doc[i - 1].lower_ in self.rules["party_determiners"] and self._lemma_of(noun.text) in self.parties:
                    return None  # "the two ministers", "the four firms": the parties, not a quantity
                return Candidate(start, j + 1, i, value, "count", counted=noun.text)
        return None

    def _fraction(self, doc: Doc, start: int, end: int) -> Candidate | None:
        phrase = doc[start:end].text.lower()
        if end < len(doc) and doc[end].lower_ == "of":  # "two-thirds of companies"
            return Candidate(start, end, start, Decimal(str(self.fractions[phrase])), "percent")
        return None

    def _inherit_range_units(self, doc: Doc, candidates: list[Candidate]) -> None:
        """In "10 to 20 percent" or "between 3 and 5 billion won", the first number takes the second's unit."""
        for first, second in zip(candidates, candidates[1:]):
            between = doc[first.end : second.start]
            if first.unit == "count" and second.unit in ("percent", "USD", "KRW", "JPY", "EUR", "CNY") and between.text.lower() in ("to", "-", "\u2013", "and"):
                first.unit = second.unit
