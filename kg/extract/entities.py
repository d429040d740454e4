"""Entity components: gazetteer matching and linking of NER entities.

``kg_entity_ruler`` runs after spaCy's ``ner``. It matches every surface form of the gazetteer
(its patterns carry the canonical id), overwrites overlapping NER entities, and then turns the
remaining NER entities into typed entities with a canonical id, dropping spurious ones (dates,
numbers, debris words). Every entity in ``doc.ents`` leaves with ``ent.label_`` = an ontology
class, ``ent.id_`` = a canonical id and ``ent.kb_id_`` = a Wikidata QID or "".

``kg_group_mentions`` (``groups``) resolves "both nations" to the document's two principal countries.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..gazetteer import ENTITY_TYPES, Gazetteer, default_gazetteer, normalize_form
from ..lexicon import load_patterns

DASHES = ["-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212"]
_INITIALS = re.compile(r"^[A-Z](\.[A-Z])+\.?$")  # "U.S.", "U.K."
_DATE_LIKE = re.compile(
    r"(?i)^(the )?(\d{4}s?|\d{4}\s*[-\u2013/]\s*\d{2,4}|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.?( \d{1,2},?)?( \d{4})?|q[1-4]( \d{4})?)$"
)


@lru_cache(maxsize=1)
def entity_rules() -> dict[str, Any]:
    """The data-driven rules for NER entities (``patterns/entity_rules.json``)."""
    return load_patterns("entity_rules")


def slugify(text: str) -> str:
    """A canonical id for an entity the gazetteer does not know.

    >>> slugify("Hanmi Semiconductor Co.")
    'hanmi-semiconductor-co'
    >>> slugify("  ") == slugify("")
    True
    """
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)  # "Japan–Korea" -> "japan-korea"
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if slug:
        return slug[:80]
    # Non-Latin names: a stable hash of the normalised form, never the raw text.
    return "u-" + hashlib.sha1(normalize_form(text).encode("utf-8")).hexdigest()[:12]


def person_id(name: str) -> str:
    """A canonical id for a person the gazetteer does not know; romanisation variants of given names agree.

    >>> person_id("Ahn Duk-geun") == person_id("Ahn Dukgeun") == "ahn-dukgeun"
    True
    >>> person_id("Lee Jae Myung") == person_id("Lee Jae-myung")
    True
    """
    words = [w for w in re.split(r"\s+", name.strip()) if w]
    if len(words) < 2:
        return slugify(name)
    rest = slugify("".join(re.sub(r"[-\u2010\u2011]", "", w) for w in words[1:]))
    return f"{slugify(words[0])}-{rest}"


def _number_variants(word: str) -> list[str]:
    """Naive singular/plural variants of the last word of a lowercase alias."""
    if not word.isalpha() or len(word) < 3:
        return []
    if word.endswith("ies"):
        return [word[:-3] + "y"]
    if word.endswith("s") and not word.endswith("ss"):
        return [word[:-1]]
    if word.endswith("y") and word[-2] not in "aeiou":
        return [word[:-1] + "ies"]
    return [word + "s"]


def _form_variants(form: str) -> list[str]:
    """A surface form with each dash written as hyphen, en dash and em dash, and both apostrophes."""
    variants = {form}
    for dash in DASHES[1:]:
        variants |= {v.replace(dash, "-") for v in variants}
    if "-" in form or any(d in form for d in DASHES[1:]):
        variants |= {v.replace("-", d) for v in list(variants) for d in ("\u2013", "\u2014")}
    variants |= {v.replace("'s", "\u2019s") for v in variants} | {v.replace("\u2019s", "'s") for v in variants}
    return sorted(variants)


def gazetteer_phrases(gazetteer: Gazetteer) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(entity id, phrase) pairs to match: case-sensitive ones, and lowercase ones (any case).

    Forms with a capital letter match case-sensitively (so "US" never matches "us"); lowercase
    forms match in any case, their last word in singular or plural.
    """
    exact: list[tuple[str, str]] = []
    folded: list[tuple[str, str]] = []
    for entry in sorted(gazetteer.entries.values()):
        for form in entry.surface_forms:
            if not form.strip():
                continue
            if any(c.isupper() for c in form):
                exact += [(entry.id, v) for v in _form_variants(form)]
                continue
            words = form.split()
            lasts = [words[-1], *_number_variants(words[-1])]
            for last in lasts:
                folded += [(entry.id, v) for v in _form_variants(" ".join([*words[:-1], last]))]
    return exact, folded


class GazetteerMatcher:
    """Every surface form of the gazetteer, matched with spaCy's PhraseMatcher (hash lookups, not patterns)."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        exact, folded = gazetteer_phrases(gazetteer)
        for matcher, pairs, lower in ((self.exact, exact, False), (self.folded, folded, True)):
            by_id: dict[str, list] = {}
            for entity_id, phrase in pairs:
                by_id.setdefault(entity_id, []).append(nlp.make_doc(phrase.lower() if lower else phrase))
            for entity_id, docs in sorted(by_id.items()):
                matcher.add(entity_id, docs)

    def __call__(self, doc: Doc) -> Doc:
        """Gazetteer matches (longest first) overwrite the NER entities they overlap."""
        spans = []
        for matcher in (self.exact, self.folded):
            for key, start, end in matcher(doc):
                entry = self.gazetteer[doc.vocab.strings[key]]
                spans.append(Span(doc, start, end, label=entry.type, span_id=entry.id, kb_id=entry.wikidata or ""))
        matched = filter_spans(spans)
        taken = {i for span in matched for i in range(span.start, span.end)}
        kept = [e for e in doc.ents if not any(i in taken for i in range(e.start, e.end))]
        doc.ents = sorted(matched + kept, key=lambda e: e.start)
        return doc


class KGEntityRuler:
    """Gazetteer entities first, then cleaned and typed NER entities, each with a canonical id."""

    def __init__(self, nlp: Language, name: str, *, gazetteer: Gazetteer | None = None):
        self.name = name
        self.gazetteer = gazetteer or default_gazetteer()
        self.ruler = GazetteerMatcher(nlp, self.gazetteer)
        rules = entity_rules()
        self.ner_types: dict[str, str] = rules["ner_label_types"]
        self.company_re = re.compile(rules["company_name_pattern"])
        self.organization_re = re.compile(rules["organization_name_pattern"])
        self.survey_re = re.compile(rules["survey_name_pattern"])
        self.person_titles = set(rules["person_titles"])
        self.name_suffixes: dict[str, str] = rules["name_suffix_types"]["suffixes"]
        self.name_joiners = set(rules["name_suffix_types"]["joiners"])
        self.name_stops = {w.lower() for w in rules["name_suffix_types"]["stops"]}
        self.title_words = set(rules["name_suffix_types"]["title_words"])
        phrases = rules["descriptive_phrases"]
        self.phrase_heads: dict[str, str] = phrases["heads"]
        self.phrase_stops = set(phrases["modifier_stops"])
        self.not_entities = {normalize_form(t) for t in rules["not_entities"]}
        self.capitals: dict[str, str] = rules["capital_metonyms"]["capitals"]
        self.unknown_organization_default: str = rules.get("unknown_organization_default", "Organization")

    def __call__(self, doc: Doc) -> Doc:
        ner_ents = list(doc.ents)
        # dates and times are periods, not entities; keep them for the figure extractor
        doc.spans["kg_dates"] = [e for e in ner_ents if e.label_ in ("DATE", "TIME")]
        doc = self.ruler(doc)
        self.set_annotations(doc, ner_ents)
        return doc

    def _keeps_name(self, ner_ent: Span, inner: list[Span]) -> bool:
        """True if an NER name should win over the gazetteer matches inside it.

        "Korea Development Bank" or "Hanmi Semiconductor Co." are names of their own that merely
        contain a place or an industry; "Samsung Electronics Co." is Samsung Electronics.
        """
        if ner_ent.label_ not in self.ner_types or len(ner_ent) < 2 or not inner:
            return False
        if any(span.start < ner_ent.start or span.end > ner_ent.end for span in inner):
            return False
        if any(span.start == ner_ent.start and span.end == ner_ent.end for span in inner):
            return False
        if any(self.gazetteer[span.id_].type in ("Company", "Organization", "Initiative", "Event", "Survey") for span in inner if span.id_ in self.gazetteer):
            return False
        body = [t for t in ner_ent if t.lower_ not in ("the", "of", "and", "&", "for") and not t.is_punct]
        return all(t.text[:1].isupper() or t.like_num for t in body)

    def _name_start(self, doc: Doc, end: int) -> int:
        """Walk back from a name's last word over capitalised words and the words names are made of.

        "the first-ever France-Republic of Italy Energy Ministerial Meeting" gives "France-Republic
        ... Meeting"; "G7-related Trade Ministers' Meetings" is one name; a lowercase joiner ("of",
        "and", ",") counts only between capitalised words.
        """
        sent_start = doc[end].sent.start
        start = k = end
        while k > sent_start:
            prev = doc[k - 1]
            joined = not prev.whitespace_ and k - 2 >= sent_start and not doc[k - 2].whitespace_
            if (prev.is_alpha and (prev.text[:1].isupper() or prev.is_upper) or _INITIALS.match(prev.text)) and prev.lower_ not in self.name_stops:
                start = k = k - 1
            elif prev.text in DASHES and joined:
                k -= 1
            elif (prev.is_alpha and prev.is_lower and k - 3 >= sent_start and doc[k - 2].text in DASHES
                  and not doc[k - 2].whitespace_ and not doc[k - 3].whitespace_ and doc[k - 3].text[:1].isupper()):
                start = k = k - 3  # "G7-related Trade Ministers' Meetings", "Lee Dong-won Declaration"
            elif prev.text in ("'", "\u2019") and k - 2 >= sent_start and doc[k - 2].text.endswith("s") and doc[k - 2].text[:1].isupper():
                k -= 1  # "Foreign Ministers' Meetings"
            elif (prev.lower_ in self.name_joiners or prev.text == ",") and k - 2 >= sent_start and doc[k - 2].text[:1].isupper() and doc[k - 2].is_alpha:
                if prev.lower_ in ("of", "for") and doc[k - 2].lower_ in self.title_words:
                    break  # "Head of Mines ... Office": the title's complement starts here
                k -= 1
            else:
                break
        return start

    def head_type(self, span: Span) -> str | None:
        """The type a name's head word gives: its last word, or the word before its first "of".

        "Readout of the Trade Ministers' Meeting" is a Product (a readout), "Notice of the Export
        of Controlled Items" an Initiative.
        """
        of = next((t.i for t in span if t.lower_ == "of"), None)
        if of is not None and of > span.start and span.doc[of - 1].text in self.name_suffixes:
            return self.name_suffixes[span.doc[of - 1].text]
        return self.name_suffixes.get(span[-1].text)

    def _suffix_names(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """Add capitalised names ending in a type word ("Joint Opinion Poll"), replacing what they cover."""
        for token in doc:
            entity_type = self.name_suffixes.get(token.text)
            if entity_type is None:
                continue
            start = self._name_start(doc, token.i)
            if token.i - start < 1:
                continue
            span = doc[start : token.i + 1]
            if any(e.start == span.start and e.end == span.end for e in ents):
                continue
            if any(e.start < span.start < e.end or (e.start < span.end < e.end) for e in ents):
                continue  # crosses an existing name: leave it
            entry = self.gazetteer.lookup(span.text)
            ents = [e for e in ents if not (span.start <= e.start and e.end <= span.end)]
            if entry is not None:
                ents.append(Span(doc, span.start, span.end, label=entry.type, span_id=entry.id, kb_id=entry.wikidata or ""))
            else:
                label = self.head_type(span) or entity_type
                ents.append(Span(doc, span.start, span.end, label=label, span_id=slugify(span.text)))
        return ents

    def _person_like(self, span: Span) -> bool:
        """A title or role just before the name ("President Yoon"), or the name says something."""
        doc = span.doc
        before = {t.lower_ for t in doc[max(0, span.start - 3) : span.start]}
        if before & self.person_titles:
            return True
        root = span.root
        return root.dep_ == "nsubj" and root.head.lemma_ in ("say", "tell", "announce", "add", "note", "write")

    def set_annotations(self, doc: Doc, ner_ents: list[Span] | None = None) -> None:
        ruled = list(doc.ents)
        restored = []
        for ner_ent in ner_ents or []:
            inner = [span for span in ruled if span.start < ner_ent.end and span.end > ner_ent.start]
            if self._keeps_name(ner_ent, inner):
                restored.append(ner_ent)
                ruled = [span for span in ruled if span not in inner]
        ents = []
        for ent in sorted(self._suffix_names(doc, ruled + restored), key=lambda span: span.start):
            if ent.id_ and ent.id_ in self.gazetteer:
                entry = self.gazetteer[ent.id_]
                if len(ent) == 1 and ent[0].is_lower and _used_as_verb(ent[0]):
                    continue  # a lowercase name used as a verb ("lawmakers resist the plan"), not the thing
                ents.append(Span(doc, ent.start, ent.end, label=entry.type, span_id=entry.id, kb_id=entry.wikidata or ""))
                continue
            if ent.label_ in ENTITY_TYPES:  # already typed: a name found by its suffix ("... Opinion Poll")
                ents.append(ent)
                continue
            span = self._clean(ent)
            if span is not None:
                ents.append(span)
        doc.ents = self._descriptive_phrases(doc, ents)

    def _descriptive_phrases(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """"the bilateral meeting", "summit diplomacy": lowercase heads with modifiers, scoped to the document."""
        scope = doc.user_data.get("kg_doc") or ""
        taken = {i for e in ents for i in range(e.start, e.end)}
        found = []
        for token in doc:
            label = self.phrase_heads.get(token.text)  # lowercase heads only: capitalised ones are names
            if label is None or token.i in taken or token.dep_ in ("compound", "amod"):
                continue
            start = token.i
            while start > token.sent.start:
                prev = doc[start - 1]
                joined = prev.text in DASHES and not prev.whitespace_
                if prev.i in taken and any(e.start <= prev.i < e.end and e.label_ != "Country" and e.id_ in self.gazetteer for e in ents):
                    break  # a known name ends the phrase; countries ("Chile-Peru border talks") and unknown names do not
                if joined or prev.text in ("'", "\u2019") or (prev.pos_ in ("ADJ", "NOUN", "PROPN") and prev.lower_ not in self.phrase_stops and prev.is_alpha):
                    start -= 1
                else:
                    break
            while start < token.i and (doc[start].text in DASHES or doc[start].text in ("'", "\u2019")):
                start += 1
            if start == token.i or (start >= 2 and doc[start - 1].text in DASHES and doc[start - 2].like_num):
                continue  # nothing but the head, or "a three-party meeting" (a count, not a name)
            span = doc[start : token.i + 1]
            if any(t.like_num for t in span):
                continue
            slug = slugify(span.text)
            found.append(Span(doc, start, token.i + 1, label=label, span_id=f"{scope}-{slug}" if scope else slug))
        if not found:
            return ents
        inside = {i for f in found for i in range(f.start, f.end)}
        kept = [e for e in ents if not any(e.start < f.end and f.start < e.end for f in found)]
        return sorted(kept + found, key=lambda e: e.start)

    def _clean(self, ent: Span) -> Span | None:
        """Trim an NER entity, link it to the gazetteer if one of its forms is known, or drop it."""
        start, end = ent.start, ent.end
        doc = ent.doc
        while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct or doc[start].is_space):
            start += 1
        while end > start and (doc[end - 1].lower_ in ("'s", "\u2019s", "'") or doc[end - 1].is_punct or doc[end - 1].is_space):
            end -= 1
        if start >= end:
            return None
        span = doc[start:end]
        text = span.text
        entry = self.gazetteer.lookup(text)
        if entry is not None:
            return Span(doc, start, end, label=entry.type, span_id=entry.id, kb_id=entry.wikidata or "")
        entity_type = self.ner_types.get(ent.label_)
        if entity_type is None:
            return None
        if entity_type in ("Place", "Region") and text.isupper() and text.isalpha() and 2 <= len(text) <= 6:
            entity_type = "Organization"  # "HKC": an acronym, not a place
        capital_of = self.capitals.get(text)
        if capital_of in self.gazetteer and _agentive(span):
            entry = self.gazetteer[capital_of]
            return Span(doc, start, end, label=entry.type, span_id=entry.id, kb_id=entry.wikidata or "")
        if (
            not any(c.isalpha() for c in text)
            or normalize_form(text) in self.not_entities
            or _DATE_LIKE.match(text)
            or span[0].like_num
            or not any(t.text[:1].isupper() or not t.text[:1].isalpha() for t in span if t.is_alpha)
        ):
            return None
        if entity_type == "Person" and not self._person_like(span):
            previous = doc[span.start - 1].lower_ if span.start > 0 else ""
            entity_type = "Place" if previous in ("in", "at", "near", "of") else "Organization"
        if entity_type == "Person":
            return Span(doc, start, end, label="Person", span_id=person_id(text))
        head_type = self.head_type(span)
        if head_type and entity_type in ("Organization", "Company", "Place", "Person", "Product", "Region", "Event", "Initiative"):
            return Span(doc, start, end, label=head_type, span_id=slugify(text))  # "... Ministerial Meeting" is an event
        if self.survey_re.search(text) and entity_type in ("Organization", "Event", "Product"):
            entity_type = "Survey"  # "the Japan–Korea Joint Opinion Poll"
        elif entity_type == "Organization" and not self.organization_re.search(text) and (
            self.company_re.search(text) or self.unknown_organization_default == "Company"
        ):
            entity_type = "Company"
        return Span(doc, start, end, label=entity_type, span_id=slugify(text))


def _agentive(span: Span) -> bool:
    """True if a name acts: subject, passive agent or possessor ("Tokyo removed ...", "Seoul's reply")."""
    root = span.root
    if root.dep_ in ("nsubj", "nsubjpass", "poss"):
        return True
    return root.dep_ == "pobj" and root.head.lower_ == "by"


_MODALS = {"to", "will", "would", "can", "could", "should", "may", "might", "must", "not", "n't"}


def _used_as_verb(token) -> bool:
    """A tagged verb with a subject, object or auxiliary, or after "to" / a modal: really a verb."""
    if token.pos_ not in ("VERB", "AUX"):
        return False
    if any(c.dep_ in ("nsubj", "nsubjpass", "dobj", "aux", "auxpass", "xcomp", "ccomp", "neg") for c in token.children):
        return True
    return token.i > 0 and token.doc[token.i - 1].lower_ in _MODALS


@Language.factory(
    "kg_entity_ruler",
    default_config={},
    requires=["doc.ents"],
    assigns=["doc.ents", "token.ent_type", "token.ent_iob"],
)
def make_entity_ruler(nlp: Language, name: str) -> KGEntityRuler:
    return KGEntityRuler(nlp, name)
