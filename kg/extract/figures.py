"""``kg_figures``: numbers in text -> normalised figures (value, unit, measure, subject, period).

All vocabulary (number words, scales, currencies, change words, measure triggers, qualifiers) is
data in ``patterns/figures.json``; this module holds the logic only. Offsets in the facts it
writes (``doc._.figures``) are character offsets into the Doc; ``facts.doc_to_facts`` shifts
them to the stored text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from ..facts import Figure
from .segmentation import sentence_start_char
from ..lexicon import load_patterns

AGENT_TYPES = {"Country", "Company", "Organization", "Person"}
TOPIC_TYPES = {"Technology", "Industry", "Product"}
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
# "1.234,5" (dots group thousands) or "1,5" (one or two digits after the comma): unambiguous comma decimals
_DECIMAL_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+,\d+|\d+,\d{1,2})$")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d|2100)$")
_ORDINAL_DIGITS = re.compile(r"\d{1,3}(st|nd|rd|th)")
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], 1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9


@lru_cache(maxsize=1)
def figure_rules() -> dict[str, Any]:
    """The figure vocabulary (``patterns/figures.json``)."""
    return load_patterns("figures")


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
        month = next((m for w, m in _MONTHS.items() if re.search(rf"\b{w}\b\.?", lower)), None)
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


def period_candidates(doc: Doc, sent: Span, year: int | None) -> list[tuple[Span, str]]:
    """Every date of a sentence that can be a reference period, with its ISO period.

    Dates the recogniser found (``doc.spans["kg_dates"]``) and bare years after "in"/"during"/"for"
    that it missed; not dates after "since", "until", "through" or "by" ("the highest since 2017"),
    except "by the end of 2023". "That year" takes the year of the last date named before it.
    """
    rules = figure_rules()
    dates = [span for span in doc.spans.get("kg_dates", []) if sent.start <= span.start < sent.end]
    found = []
    for span in dates:
        before = {t.lower_ for t in doc[max(sent.start, span.start - 2) : span.start]}
        excluded = {"since", "until", "through", "by"}
        if span.text.lower().startswith(tuple(rules["period_end_phrases"])):
            excluded.discard("by")  # "by the end of 2023": as of then
        period = resolve_period(span.text, year)
        if period is None and span.text.lower() in rules["anaphoric_years"]:
            period = _previous_year(doc, span.start)
        if period is not None and not before & excluded:
            found.append((span, period))
    for token in sent:
        if (_YEAR.match(token.text) and token.i > sent.start and doc[token.i - 1].lower_ in ("in", "during", "for")
                and not any(s.start <= token.i < s.end for s in dates)):
            found.append((doc[token.i : token.i + 1], token.text))
    return found


def _previous_year(doc: Doc, before: int) -> str | None:
    """The year of the last year-bearing date named before token ``before`` ("that year" -> it)."""
    for token in reversed(doc[:before]):
        if _YEAR.match(token.text):
            return token.text
    return None


def _distance(a: Span, b: Span) -> int:
    return a.start - b.end if a.start >= b.end else b.start - a.end


def sentence_period(doc: Doc, sent: Span, anchor: Span, year: int | None, *, max_distance: int = 8) -> str | None:
    """The date nearest to a span in its sentence, as an ISO period.

    Used for relations: "removed South Korea from the white list in July 2019" -> "2019-07".
    Dates in the anchor's clause count as near however far they are.
    """
    options = []
    for span, period in period_candidates(doc, sent, year):
        distance = _distance(span, anchor)
        if clause_head(span.root) == clause_head(anchor.root):
            distance = min(distance, max_distance)
        options.append((distance, period))
    options = [o for o in options if o[0] <= max_distance]
    return min(options)[1] if options else None


def clause_head(token: Token) -> Token:
    """The nearest verb (or auxiliary) governing a token, or the sentence root."""
    current = token
    while True:
        if current.pos_ in ("VERB", "AUX"):
            return current
        if current.head.i == current.i:
            return current
        current = current.head


@dataclass
class _Candidate:
    start: int  # token index of the first token of the figure
    end: int  # token index after the last token
    number: int  # token index of the number
    value: Decimal
    unit: str
    kind: str = "level"
    counted: str | None = None
    measure: str | None = None


class FigureExtractor:
    """Find numbers with their units and attach measure, subject, technology, period, kind."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        rules = figure_rules()
        self.rules = rules
        self.number_words = rules["number_words"]
        self.fractions = rules["fractions"]
        self.multiples = rules["multiples"]
        self.scales = {k: Decimal(str(v)) for k, v in rules["scales"].items()}
        self.currency_symbols = rules["currency_symbols"]
        self.currency_words = rules["currency_words"]
        self.time_units = rules["time_units"]
        self.change_nouns = set(rules["change_nouns"])
        self.change_verbs = set(rules["change_verbs"])
        self.negative = set(rules["negative_changes"])
        self.people = set(rules["people_nouns"])
        self.ordinals: dict[str, int] = rules["ordinal_words"]
        self.parties = {word.lower() for word in rules["party_nouns"]}
        self.qualifier_after = [re.compile(p, re.IGNORECASE) for p in rules["qualifier_after_patterns"]]
        self.measure_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for measure, phrases in rules["measures"].items():
            if phrases:
                self.measure_matcher.add(measure, [nlp.make_doc(p) for p in phrases])
        self.percent_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.percent_matcher.add("PERCENT", [nlp.make_doc(p) for p in rules["percent_words"]])
        self.marker_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.marker_matcher.add("MARKER", [nlp.make_doc(p) for p in rules["change_markers"]])
        self.before_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.before_matcher.add("QUAL", [nlp.make_doc(p) for p in rules["qualifiers_before"]])
        self.fraction_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.fraction_matcher.add("FRACTION", [nlp.make_doc(p) for p in self.fractions])

    def __call__(self, doc: Doc) -> Doc:
        matches = self.match(doc)
        self.set_annotations(doc, matches)
        return doc

    # -- finding numbers -------------------------------------------------------------------

    def match(self, doc: Doc) -> list[_Candidate]:
        """Every number with a unit (percent, currency, time, counted noun, multiple)."""
        blocked = self._blocked_tokens(doc)
        percent_at = {s: e for _, s, e in self.percent_matcher(doc)}
        fraction_at = {s: e for _, s, e in self.fraction_matcher(doc)}
        candidates: list[_Candidate] = []
        i = 0
        while i < len(doc):
            candidate = None
            if i in fraction_at and i not in blocked:
                candidate = self._fraction(doc, i, fraction_at[i])
            elif i not in blocked:
                candidate = self._number(doc, i, percent_at)
            if candidate is None and doc[i].lower_ in self.multiples and doc[i].pos_ in ("VERB", "NOUN", "ADJ") and i not in blocked:
                candidate = _Candidate(i, i + 1, i, Decimal(self.multiples[doc[i].lower_]), "multiple", kind="change")
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
            if not any(t.lower_ in self.time_units for t in span) or any(t.lower_ in _MONTHS for t in span):
                blocked.update(range(span.start, span.end))
        return blocked

    def _word_number(self, doc: Doc, i: int) -> tuple[Decimal, int] | None:
        word = doc[i].lower_
        if i > 0 and doc[i - 1].lower_ in self.rules["vague_quantifiers"]:
            return None  # "several hundred jobs", "a few dozen firms": no number is stated
        if word in self.number_words and (doc[i].pos_ == "NUM" or doc[i].like_num):
            return Decimal(self.number_words[word]), i + 1
        return None

    def _ordinal(self, doc: Doc, i: int) -> _Candidate | None:
        """"the third meeting", "the first-ever forum", "the second in Seoul" (rank); "the 50th anniversary" (years).

        Only after a determiner; not "for the first time", "the first half" (a period) or dates.
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
        if noun is not None and (noun.lower_ in self.rules["ordinal_not_figures"] and not series or noun.lower_ in _MONTHS):
            return None
        k = j if noun is not None and noun.lower_ == "in" else j + 1
        if k + 2 < len(doc) and doc[k].lower_ == "in" and (doc[k + 1].like_num or doc[k + 1].lower_ in self.number_words) and doc[k + 2].lower_ in self.time_units:
            return None  # "the first (meeting) in seven years": the duration is the figure
        if noun is not None and noun.lower_ in self.rules["anniversary_nouns"]:
            return _Candidate(i, j + 1, i, Decimal(value), "year", counted=noun.text)
        if noun is not None and noun.pos_ in ("NOUN", "PROPN"):
            return _Candidate(i, end, i, Decimal(value), "rank", counted=noun.text)
        if noun is not None and noun.pos_ == "ADP" or noun is None or noun.is_punct:
            return _Candidate(i, end, i, Decimal(value), "rank")  # "the second in Japan"
        return None

    def _number(self, doc: Doc, i: int, percent_at: dict[int, int]) -> _Candidate | None:
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
                return _Candidate(i, end + 2, i, value, self.time_units[noun.lower_])
            if self._lemma_of(noun.text) in self.rules["hyphen_count_nouns"]:
                return _Candidate(i, end + 2, i, value, "count", counted=noun.text)
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
            return _Candidate(start, end, i, value, currency)
        if end in percent_at:
            words = doc[end : percent_at[end]].text.lower()
            unit = "percentage-point" if "point" in words else "percent"
            return _Candidate(start, percent_at[end], i, value, unit)
        if _YEAR.match(token.text) and end == i + 1:
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
                return _Candidate(start, j + 1, i, value, self.time_units[noun.lower_])
            if noun.lower_ in self.rules["measure_units"]:  # "1.9 million tonnes"
                return _Candidate(start, j + 1, i, value, self.rules["measure_units"][noun.lower_])
            if noun.pos_ in ("NOUN", "PROPN") and noun.tag_ in ("NNS", "NNPS") and noun.ent_type_ in ("", "Country", "Industry", "Technology", "Product"):
                if i > 0 and doc[i - 1].lower_ in self.rules["party_determiners"] and self._lemma_of(noun.text) in self.parties:
                    return None  # "the two leaders", "the three countries": the parties, not a quantity
                return _Candidate(start, j + 1, i, value, "count", counted=noun.text)
        return None

    def _fraction(self, doc: Doc, start: int, end: int) -> _Candidate | None:
        phrase = doc[start:end].text.lower()
        if end < len(doc) and doc[end].lower_ == "of":  # "two-thirds of companies"
            return _Candidate(start, end, start, Decimal(str(self.fractions[phrase])), "percent")
        return None

    def _inherit_range_units(self, doc: Doc, candidates: list[_Candidate]) -> None:
        """In "10 to 20 percent" or "between 3 and 5 billion won", the first number takes the second's unit."""
        for first, second in zip(candidates, candidates[1:]):
            between = doc[first.end : second.start]
            if first.unit == "count" and second.unit in ("percent", "USD", "KRW", "JPY", "EUR", "CNY") and between.text.lower() in ("to", "-", "\u2013", "and"):
                first.unit = second.unit

    # -- describing them -------------------------------------------------------------------

    def set_annotations(self, doc: Doc, candidates: list[_Candidate]) -> None:
        measures = self._measure_spans(doc)
        year = doc.user_data.get("kg_year")
        self._reserved, self._stated_with = {}, {}
        for span in doc.spans.get("kg_dates", []):  # "last year's 21%": that date is the 21%'s
            for candidate in candidates:
                if 0 <= candidate.start - span.end <= 1:
                    self._reserved[span.start] = candidate.start
                elif 0 <= span.start - candidate.end <= 1 and doc[candidate.end].lower_ in ("in", "during"):
                    self._reserved.setdefault(span.start, candidate.start)  # "21% in 2022"
                    self._stated_with.setdefault(span.start, candidate.start)
        figures = [self._describe(doc, candidate, measures, year) for candidate in candidates]
        figures = self._share_measures(doc, candidates, figures)
        doc._.figures = self._share_periods(doc, candidates, figures)

    @staticmethod
    def _share_periods(doc: Doc, candidates: list[_Candidate], figures: list[Figure]) -> list[Figure]:
        """A change with no period takes the period of the level it qualifies in the same sentence.

        "Sales reached $4.1 billion in 2022, a 9% rise on the year": the 9% is 2022's.
        """
        result = list(figures)
        for k, figure in enumerate(figures):
            if figure.kind != "change" or figure.period or figure.measure is None:
                continue
            sent = doc[candidates[k].number].sent
            for j, other in enumerate(figures):
                if j != k and other.kind == "level" and other.period and other.measure == figure.measure and doc[candidates[j].number].sent.start == sent.start:
                    result[k] = replace(figure, period=other.period)
                    break
        return result

    def _share_measures(self, doc: Doc, candidates: list[_Candidate], figures: list[Figure]) -> list[Figure]:
        """A share with no measure of its own takes it from a share it is compared or coordinated with.

        "37% of firms ... up from 21% in 2022" and "61% of managers ... and 48% ..."
        """
        cues = re.compile(r"\b(from|than|compared|versus|vs|and|while|last year|a year earlier)\b", re.IGNORECASE)
        result = list(figures)
        for k, figure in enumerate(figures):
            if figure.measure is not None or figure.unit != "percent":
                continue
            sent = doc[candidates[k].number].sent
            for j in range(k - 1, -1, -1):
                other = result[j]
                other_sent = doc[candidates[j].number].sent
                if other.unit != "percent" or other.measure is None or other.kind != figure.kind:
                    continue
                same = other_sent.start == sent.start
                previous = other_sent.end == sent.start or doc[other_sent.end:sent.start].text.strip() == ""
                between = doc[candidates[j].end : candidates[k].start].text if same else sent[: candidates[k].start - sent.start].text
                if (same or previous) and cues.search(between):
                    result[k] = replace(
                        figure,
                        measure=other.measure,
                        measure_text=other.measure_text,
                        population=other.population,
                        subjects=figure.subjects if figure.subjects and not other.subjects else other.subjects,
                        compared_to=(other.start, other.end) if "from" in between.lower() or "last year" in between.lower() else None,
                    )
                break
        return result

    def _measure_spans(self, doc: Doc) -> list[tuple[str, Span]]:
        spans = [(doc.vocab.strings[m], doc[s:e]) for m, s, e in self.measure_matcher(doc)]
        # longest first; drop those inside a longer one
        kept: list[tuple[str, Span]] = []
        for measure, span in sorted(spans, key=lambda x: (-(len(x[1])), x[1].start)):
            if all(span.end <= other.start or span.start >= other.end for _, other in kept):
                kept.append((measure, span))
        return kept

    def _kind(self, doc: Doc, c: _Candidate) -> tuple[str, int]:
        """("level" | "change", sign)."""
        if c.kind == "change":
            return "change", 1
        sent = doc[c.number].sent
        after = doc[c.end : min(c.end + 6, sent.end)]
        for _, s, e in self.marker_matcher(after.as_doc()):
            if s == 0 or (s == 1 and after[0].is_punct):
                return "change", self._sign(doc, c)
        # dependency route from the figure's head upwards
        unit_token = doc[c.end - 1] if c.end - 1 > c.number else doc[c.number]
        token = unit_token
        for _ in range(4):
            head = token.head
            if head.i == token.i:
                break
            lemma = head.lemma_.lower()
            if head.pos_ == "ADP" or head.dep_ == "prep":
                if lemma in ("to", "from", "at"):
                    return "level", 1
                if lemma == "by" and head.head.lemma_.lower() in self.change_verbs | self.change_nouns:
                    return "change", -1 if head.head.lemma_.lower() in self.negative else 1
                if lemma == "of" and head.head.lemma_.lower() in self.change_nouns:
                    return "change", -1 if head.head.lemma_.lower() in self.negative else 1
            if lemma in self.change_nouns and head.pos_ == "NOUN" and token.dep_ in ("compound", "nummod", "amod", "nmod", "quantmod"):
                return "change", -1 if lemma in self.negative else 1
            if lemma in self.change_verbs and head.pos_ == "VERB" and token.dep_ in ("dobj", "npadvmod", "advmod", "obj", "attr"):
                return "change", -1 if lemma in self.negative else 1
            if lemma in ("up", "down") and token.dep_ in ("npadvmod",):
                return "change", -1 if lemma == "down" else 1
            token = head
        before = doc[c.start - 1] if c.start > 0 else None
        if before is not None and before.lower_ in ("up", "down"):
            return "change", -1 if before.lower_ == "down" else 1
        return "level", 1

    def _sign(self, doc: Doc, c: _Candidate) -> int:
        """-1 if the words governing a change figure say it fell ("fell 33.4% year-on-year")."""
        token = doc[c.number]
        for _ in range(4):
            if token.lemma_.lower() in self.negative or token.lower_ in self.negative:
                return -1
            if token.head.i == token.i:
                break
            token = token.head
        return -1 if clause_head(doc[c.number]).lemma_.lower() in self.negative else 1

    def _describe(self, doc: Doc, c: _Candidate, measures: list[tuple[str, Span]], year: int | None) -> Figure:
        rules = self.rules
        sent = doc[c.number].sent
        head = clause_head(doc[c.number])
        kind, sign = self._kind(doc, c)
        span = doc[c.start : c.end]
        population = None
        of_phrase = self._of_people(doc, c)
        measure = c.measure
        measure_span = None
        if c.unit in self.time_units.values() or c.unit == "decade":  # durations, anniversaries
            measure = rules["measure_for_duration"]
        elif c.unit == "rank":
            measure = rules["measure_for_rank"]
        elif c.unit == "count":
            measure = rules["measure_for_count"]
            if c.counted and self._lemma_of(c.counted) in self.people:
                population = c.counted
        elif c.unit == "percent" and of_phrase is not None:
            measure = rules["measure_for_people_share"]
            population = of_phrase.text
            measure_span = of_phrase
        own_of = self._own_of_phrase(doc, c) if c.unit not in ("count",) else None
        if measure is None and own_of is not None:  # "30 percent of the <technology> market"
            inside = [(m, sp) for m, sp in measures if own_of.start <= sp.start and sp.end <= own_of.end]
            if inside:
                measure, measure_span = inside[-1]
        if measure is None:
            measure, measure_span = self._nearest_measure(doc, c, measures, head, sent)
        if c.unit == "percent" and measure == rules.get("measure_for_market_size") and kind == "level":
            measure = rules.get("measure_for_market_percent", measure)  # a percent of a market is a share of it
        if measure is None and kind == "change":
            measure = rules["measure_for_multiple" if c.unit == "multiple" else "measure_for_change_default"]
        subjects = self._subjects(doc, c, head, sent, of_phrase, measure_span, measure)
        technologies = self._topics(doc, c, sent, measure_span, own_of)
        period = self._period(doc, c, head, sent, year)
        qualifier = self._qualifier(doc, c, sent)
        value = c.value * sign if c.value >= 0 else c.value  # a written sign ("−5%") is the direction itself
        measure_text = measure_span.text if measure_span is not None else (c.counted if c.unit in ("count", "rank") else None)
        if measure is None and not measure_text:
            measure_text = self._context_phrase(doc, c)
        return Figure(
            article_id="",
            start=span.start_char,
            end=span.end_char,
            text=span.text,
            value=canonical_decimal(value),
            unit=c.unit,
            sentence_start=sentence_start_char(sent),
            measure=measure,
            measure_text=measure_text,
            subjects=tuple(subjects),
            population=population,
            technologies=tuple(technologies),
            period=period,
            kind=kind,
            qualifier=qualifier,
            counted=c.counted,
            confidence=0.9 if measure and c.unit not in ("count",) else 0.7,
            rule=f"figure-{c.unit if c.unit in ('percent', 'count', 'multiple') or c.unit in self.time_units.values() else 'money'}",
        )

    @staticmethod
    def _own_of_phrase(doc: Doc, c: _Candidate) -> Span | None:
        """The figure's own "of" phrase: "30 percent of the global OLED market" gives "the global OLED market"."""
        inside = set(range(c.start, c.end))
        for token in doc[c.start : c.end]:
            for child in token.children:
                if child.lower_ == "of" and child.i not in inside:
                    objects = [t for t in child.children if t.dep_ == "pobj"]
                    if objects:
                        sub = list(objects[0].subtree)
                        return doc[sub[0].i : sub[-1].i + 1]
        return None

    def _context_phrase(self, doc: Doc, c: _Candidate) -> str:
        """What an unrecognised figure measures, from syntax: its verb and its "of" phrase.

        "bought $5 billion of lithium" gives "buy lithium";
        a figure with neither gives the head word it depends on.
        """
        inside = set(range(c.start, c.end))
        head = doc[c.number]
        while head.head.i in inside and head.head is not head:
            head = head.head
        own = self._own_of_phrase(doc, c)
        of_phrase = own.text if own is not None else ""
        verb = next((t for t in head.ancestors if t.pos_ in ("VERB", "AUX")), None)
        words = [w for w in ((verb.lemma_ if verb is not None else ""), of_phrase) if w]
        if not words:
            words = [head.head.text if head.head is not head else head.text]
        return " ".join(words)[:200]

    @staticmethod
    def _lemma_of(word: str) -> str:
        word = word.lower()
        if word.endswith("ies"):
            return word[:-3] + "y"
        if word.endswith("es") and word[:-2].endswith(("ss", "sh", "ch", "x")):
            return word[:-2]
        return word[:-1] if word.endswith("s") and not word.endswith("ss") else word

    def _of_people(self, doc: Doc, c: _Candidate) -> Span | None:
        """The population of "37% of (polled) managers ..." as a span, if the figure has one."""
        if c.end >= len(doc) or doc[c.end].lower_ != "of":
            return None
        sent_end = doc[c.number].sent.end
        for j in range(c.end + 1, min(c.end + 8, sent_end)):
            token = doc[j]
            if token.pos_ in ("NOUN", "PROPN") and (token.lemma_.lower() in self.people or self._lemma_of(token.text) in self.people):
                return doc[c.end + 1 : j + 1]
            if (token.pos_ == "VERB" and token.dep_ != "amod") or token.pos_ == "ADP" or token.is_punct:
                break
        return None

    def _nearest_measure(self, doc: Doc, c: _Candidate, measures, head: Token, sent: Span):
        best = None
        chain = set()
        token = doc[c.number]
        for _ in range(2):  # "41% global DRAM market share": the number modifies the measure noun
            chain.add(token.i)
            token = token.head
        chain.add(token.i)
        for measure, span in measures:
            if span.start < sent.start or span.end > sent.end:
                continue
            distance = span.start - c.end if span.start >= c.end else c.start - span.end
            same_clause = any(clause_head(t) == head for t in span)
            if not same_clause and distance > 4:
                continue
            if distance > 12:
                continue
            score = distance - (20 if same_clause else 0) - (50 if any(t.i in chain for t in span) else 0)
            if best is None or score < best[0]:
                best = (score, measure, span)
        return (best[1], best[2]) if best else (None, None)

    def _agents(self, doc: Doc, sent: Span) -> list[tuple[int, list[str]]]:
        """(token index, entity ids) of agents in a sentence, with joint mentions as two ids."""
        agents = [(ent.start, [ent.id_]) for ent in doc.ents if sent.start <= ent.start < sent.end and ent.label_ in AGENT_TYPES]
        agents += [(s, list(ids)) for s, e, ids in doc._.groups if sent.start <= s < sent.end]
        return sorted(agents)

    def _subjects(self, doc: Doc, c: _Candidate, head: Token, sent: Span, of_phrase: Span | None, measure_span: Span | None,
                  measure: str | None = None) -> list[str]:
        agents = self._agents(doc, sent)
        own = self._subject_by_preposition(doc, agents, measure, measure_span, c)
        if own:  # "exports of equipment from Japan to South Korea": Japan's
            return own
        country = self._country_anaphor(doc, sent, c, measure_span)
        if country:  # "the country's exports"
            return [country]
        if of_phrase is not None:  # "37% of German and French managers from both countries"
            window = doc[of_phrase.start : min(of_phrase.end + 4, sent.end)]
            inside = [ids for i, ids in agents if window.start <= i < window.end]
            if inside:
                return sorted({x for ids in inside for x in ids})
        if measure_span is not None and any(t.lower_ in ("bilateral", "two-way") for t in doc[max(sent.start, measure_span.start - 1) : measure_span.end]):
            pair = _principal_pair(doc)
            if pair:
                return list(pair)
        # partners ("exports to Japan", "investment in South Korea") are not what a figure is about
        actors = [(i, ids) for i, ids in agents if not self._is_partner(doc, i)]
        if measure_span is not None:  # "Japanese foreign direct investment in South Korea"
            near = [ids for i, ids in actors if measure_span.start - 2 <= i < measure_span.end + 4 and i < c.start]
            if near:
                return sorted({x for ids in near for x in ids})
        for pool in (actors, agents):
            clause = [(i, ids) for i, ids in pool if clause_head(doc[i]) == head]
            preceding = [(i, ids) for i, ids in (clause or pool) if i < c.start]
            if preceding:
                return self._with_conjuncts(doc, preceding[-1], pool)
            following = [(i, ids) for i, ids in clause if i >= c.end]
            if following:
                return list(following[0][1])
        return []

    def _subject_by_preposition(self, doc: Doc, agents: list[tuple[int, list[str]]], measure: str | None,
                                measure_span: Span | None, c: _Candidate) -> list[str]:
        """Agents governed by a preposition that, for this measure, names what the figure is about."""
        prepositions = set(self.rules["subject_prepositions"].get(measure or "", []))
        if not prepositions or measure_span is None:
            return []
        found = []
        for i, ids in agents:
            token = doc[i]
            while token.dep_ in ("compound", "amod", "conj") and token.head.i != token.i:
                token = token.head
            prep = token.head if token.dep_ == "pobj" else None
            if prep is not None and prep.lower_ in prepositions and measure_span.start <= prep.head.i < max(measure_span.end + 6, c.start):
                found += [x for x in ids if x not in found]
        return sorted(found)

    def _country_anaphor(self, doc: Doc, sent: Span, c: _Candidate, measure_span: Span | None) -> str | None:
        """The country "the country's" or "the nation's" refers to: the last one named before the sentence."""
        nouns = set(self.rules["anaphoric_country_nouns"])
        window_start = measure_span.start - 3 if measure_span is not None else c.start - 6
        for token in doc[max(sent.start, window_start) : c.start]:
            if token.lemma_.lower() in nouns and token.dep_ == "poss" and token.i > 0 and doc[token.i - 1].lower_ == "the":
                earlier = [ent for ent in doc.ents if ent.end <= sent.start and ent.label_ == "Country" and ent.id_]
                return earlier[-1].id_ if earlier else None
        return None

    @staticmethod
    def _with_conjuncts(doc: Doc, chosen: tuple[int, list[str]], pool: list[tuple[int, list[str]]]) -> list[str]:
        """The chosen agent and the agents coordinated with it ("Samsung Electronics and SK Hynix")."""
        roots = {ent.start: ent.root for ent in doc.ents}
        root = roots.get(chosen[0], doc[chosen[0]])
        conjuncts = {t.i for t in root.conjuncts}
        ids = list(chosen[1])
        for i, other in pool:
            if i != chosen[0] and roots.get(i, doc[i]).i in conjuncts:
                ids += [x for x in other if x not in ids]
        return sorted(ids) if len(ids) > len(chosen[1]) else ids

    def _is_partner(self, doc: Doc, i: int) -> bool:
        token = doc[i]
        for _ in range(3):
            if token.dep_ == "pobj":
                return token.head.lower_ in self.rules["partner_prepositions"]
            if token.dep_ not in ("compound", "poss", "amod", "conj") or token.head.i == token.i:
                return False
            token = token.head
        return False

    def _topics(self, doc: Doc, c: _Candidate, sent: Span, measure_span: Span | None, own_of: Span | None = None) -> list[str]:
        """The technology or industry of the figure's own "of" phrase, else the nearest to the figure or its measure."""
        if own_of is not None:
            own = [ent.id_ for ent in doc.ents if ent.label_ in TOPIC_TYPES and own_of.start <= ent.start and ent.end <= own_of.end]
            if own:
                return [own[0]]
        anchors = [(c.start, c.end)]
        if measure_span is not None:
            anchors.append((measure_span.start, measure_span.end))
        best = None
        for ent in doc.ents:
            if ent.label_ not in TOPIC_TYPES or not (sent.start <= ent.start < sent.end):
                continue
            for start, end in anchors:
                if start <= ent.start < end:
                    distance, follows = 0, 0  # inside the measure phrase: "DRAM market share"
                else:
                    follows = 0 if ent.start >= end else 1
                    distance = ent.start - end if ent.start >= end else start - ent.end
                if distance <= 6 and (best is None or (distance, follows) < best[0]):
                    best = ((distance, follows), ent.id_)
        return [best[1]] if best else []

    def _period(self, doc: Doc, c: _Candidate, head: Token, sent: Span, year: int | None) -> str | None:
        figure = doc[c.start : c.end]
        options, shared = [], []
        for span, period in period_candidates(doc, sent, year):
            if span.start >= c.start and span.end <= c.end:
                continue
            if self._reserved.get(span.start, c.start) != c.start:
                other = self._stated_with.get(span.start)
                if other is not None and clause_head(doc[other]) != head:
                    shared.append(period)  # "sales rose 4% in 2022, while exports fell to $9 billion"
                continue  # "last year's 21%": that date belongs to another figure
            if any(t.lower_ in self.time_units for t in span) and not re.search(r"\b(year|month)'?s?\b.*|last|this|next|\d{4}", span.text.lower()):
                continue  # a duration ("three years"), not a date
            same_clause = clause_head(span.root) == head
            options.append((0 if same_clause else 1, _distance(span, figure), period))
        if not options:
            dates = {p for _, p in period_candidates(doc, sent, year)}
            if len(shared) == 1 and dates == set(shared):  # the sentence's only date, given in another clause
                return shared[0]
            return self._present(doc, sent)
        options.sort()
        if options[0][1] <= 15 or len({o[2] for o in options}) == 1:  # near, or the sentence's only date
            return options[0][2]
        return self._present(doc, sent)

    def _present(self, doc: Doc, sent: Span) -> str | None:
        """The document's date for a figure stated in the present ("37% now plan ...")."""
        date = doc.user_data.get("kg_date")
        words = " " + " ".join(t.lower_ for t in sent) + " "
        if date and any(f" {marker} " in words for marker in self.rules["present_markers"]):
            return date
        return None

    def _qualifier(self, doc: Doc, c: _Candidate, sent: Span) -> str | None:
        for _, s, e in self.before_matcher(doc[max(sent.start, c.start - 3) : c.start].as_doc()):
            window = doc[max(sent.start, c.start - 3) : c.start]
            if e == len(window):
                return window[s:e].text
        after = doc[c.end : min(c.end + 8, sent.end)].text.lstrip(" \u2013\u2014-,(")
        for pattern in self.qualifier_after:
            match = pattern.match(after)
            if match:
                return match.group(0)
        return None


def _principal_pair(doc: Doc) -> tuple[str, str] | None:
    from .entities import principal_pair

    return principal_pair(doc)


@Language.factory("kg_figures", default_config={}, requires=["doc.ents", "token.dep"], assigns=["doc._.figures"])
def make_figures(nlp: Language, name: str) -> FigureExtractor:
    return FigureExtractor(nlp, name)


if not Doc.has_extension("figures"):
    Doc.set_extension("figures", default=[])
