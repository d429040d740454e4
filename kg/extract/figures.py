"""``kg_figures``: numbers in text -> normalised figures (value, unit, measure, subject, period).

All vocabulary (number words, scales, currencies, change words, measure triggers, qualifiers) is
data in ``patterns/figures.json``; this module holds the logic only. Offsets in the facts it
writes (``doc._.figures``) are character offsets into the Doc; ``facts.doc_to_facts`` shifts
them to the stored text. Finding numbers is ``numbers.NumberFinder``; who and what a figure is
about is ``figure_roles.FigureRoles``; dates and periods are ``periods``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from ..facts import Figure
from ..lexicon import configured_patterns
from .figure_roles import FigureRoles
from .numbers import Candidate, NumberFinder, canonical_decimal
from .periods import _distance, clause_head, figure_rules, period_candidates
from .segmentation import sentence_start_char


class FigureExtractor(NumberFinder, FigureRoles):
    """Find numbers with their units and attach measure, subject, technology, period, kind."""

    def __init__(self, nlp: Language, name: str, patterns: dict | None = None):
        self.name = name
        rules = figure_rules() if patterns is None else configured_patterns("figures", patterns)
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

    # -- describing them -------------------------------------------------------------------

    def set_annotations(self, doc: Doc, candidates: list[Candidate]) -> None:
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
    def _share_periods(doc: Doc, candidates: list[Candidate], figures: list[Figure]) -> list[Figure]:
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

    def _share_measures(self, doc: Doc, candidates: list[Candidate], figures: list[Figure]) -> list[Figure]:
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

    def _kind(self, doc: Doc, c: Candidate) -> tuple[str, int]:
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

    def _sign(self, doc: Doc, c: Candidate) -> int:
        """-1 if the words governing a change figure say it fell ("fell 33.4% year-on-year")."""
        token = doc[c.number]
        for _ in range(4):
            if token.lemma_.lower() in self.negative or token.lower_ in self.negative:
                return -1
            if token.head.i == token.i:
                break
            token = token.head
        return -1 if clause_head(doc[c.number]).lemma_.lower() in self.negative else 1

    def _describe(self, doc: Doc, c: Candidate, measures: list[tuple[str, Span]], year: int | None) -> Figure:
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
    def _own_of_phrase(doc: Doc, c: Candidate) -> Span | None:
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

    def _context_phrase(self, doc: Doc, c: Candidate) -> str:
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

    def _of_people(self, doc: Doc, c: Candidate) -> Span | None:
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

    def _nearest_measure(self, doc: Doc, c: Candidate, measures, head: Token, sent: Span):
        best = None
        chain = set()
        token = doc[c.number]
        for _ in range(2):  # "37% global NAND market share": the number modifies the measure noun
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

    def _period(self, doc: Doc, c: Candidate, head: Token, sent: Span, year: int | None) -> str | None:
        figure = doc[c.start : c.end]
        options, shared = [], []
        candidates = period_candidates(doc, sent, year)
        for span, period in candidates:
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
            if len(shared) == 1 and {p for _, p in candidates} == set(shared):  # the sentence's only date, given in another clause
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

    def _qualifier(self, doc: Doc, c: Candidate, sent: Span) -> str | None:
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


@Language.factory("kg_figures", default_config={"patterns": None}, requires=["doc.ents", "token.dep"], assigns=["doc._.figures"])
def make_figures(nlp: Language, name: str, patterns: dict | None) -> FigureExtractor:
    """``patterns``: vocabulary in the form of ``patterns/figures.json`` (default: that file; dates and
    periods always read the file)."""
    return FigureExtractor(nlp, name, patterns)


if not Doc.has_extension("figures"):
    Doc.set_extension("figures", default=[])
