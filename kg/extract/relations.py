"""``kg_relations``: typed relations between entities, from trigger lexicons kept as data.

Rules live in ``patterns/relations.json``; a new relation type is a new rule there plus a
property in the ontology. For each trigger found in a sentence the component picks subjects
(the subject of the governing verb, possessive/adjective modifiers of the trigger, the nearest
agent before it, or the document's two principal countries when the sentence speaks of them
jointly) and objects (entities of the rule's types after the trigger, with their conjuncts),
then writes ``Relation`` facts to ``doc._.relations``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from ..facts import Relation
from .relation_roles import Participants, Mention
from .groups import principal_pair
from .periods import clause_head
from .periods import sentence_period
from .segmentation import sentence_start_char
from ..lexicon import configured_patterns, load_patterns

_GAP = {"POS": {"IN": ["ADJ", "ADV", "DET", "PART"]}, "OP": "{0,2}"}


@lru_cache(maxsize=1)
def relation_rules() -> dict[str, Any]:
    """The relation rules (``patterns/relations.json``)."""
    return load_patterns("relations")


def trigger_pattern(trigger: str, attr: str = "LEMMA") -> list[dict[str, Any]]:
    """A Matcher pattern for a lemma (or lowercase word) sequence, allowing short modifiers between words.

    >>> trigger_pattern("export control")[0]
    {'LEMMA': 'export'}
    >>> trigger_pattern("export control")[1]["OP"]
    '{0,2}'
    """
    pattern: list[dict[str, Any]] = []
    for k, word in enumerate(trigger.split()):
        if k:
            pattern.append(dict(_GAP))
        pattern.append({attr: word})
    return pattern


class RelationExtractor(Participants):
    """Apply the relation rules to every sentence of a Doc."""

    def __init__(self, nlp: Language, name: str, patterns: dict[str, Any] | None = None):
        self.name = name
        data = relation_rules() if patterns is None else configured_patterns("relations", patterns)
        self.rules: list[dict[str, Any]] = data["rules"]
        self.agent_types = set(data["agent_types"])
        self.topic_types = set(data["topic_types"])
        self.pair_cues = set(data["pair_cues"])
        self.reciprocal = [r.split() for r in data["reciprocal"]]
        self.pronouns = set(data["pronoun_objects"])
        self.personal_pronouns = set(data["personal_pronouns"])
        self.honorifics = set(data["honorifics"])
        self.locative_preps = set(data["locative_prepositions"])
        self.possessive_pronouns = set(data["possessive_pronouns"])
        # One Matcher per first word of a trigger: a Doc is matched only against the triggers whose
        # first word it holds (as a lemma or in lower case), not against all of them at every token.
        self.matchers: dict[str, Matcher] = {}
        for index, rule in enumerate(self.rules):
            for trigger in rule.get("triggers", []):
                for attr in ("LEMMA", "LOWER"):
                    first = trigger.split()[0] if attr == "LEMMA" else trigger.split()[0].lower()
                    matcher = self.matchers.setdefault(first, Matcher(nlp.vocab, validate=True))
                    matcher.add(f"{index}", [trigger_pattern(trigger, attr=attr)])

    def __call__(self, doc: Doc) -> Doc:
        matches = self.match(doc)
        self.set_annotations(doc, matches)
        return doc

    def match(self, doc: Doc) -> list[tuple[int, Span]]:
        """(rule index, trigger span) for every trigger; for verb rules, the verb."""
        words = {token.lemma_ for token in doc} | {token.lower_ for token in doc}
        found = [
            (int(doc.vocab.strings[m]), doc[s:e])
            for first in sorted(words & self.matchers.keys())
            for m, s, e in self.matchers[first](doc)
        ]
        for index, rule in enumerate(self.rules):
            if "verbs" not in rule:
                continue
            for ent in doc.ents:
                if ent.id_ != rule["entity"]:
                    continue
                verb = clause_head(ent.root)
                if verb.lemma_.lower() in rule["verbs"]:
                    found.append((index, doc[verb.i : verb.i + 1]))
        # the longest trigger per rule and start wins; a rule may ask for a verb ("exports" the noun is no act)
        by_rule: dict[str, list[Span]] = {}
        for index, span in found:
            by_rule.setdefault(self.rules[index]["name"], []).append(span)
        best: dict[tuple[int, int], Span] = {}
        for index, span in found:
            if not self._trigger_allowed(self.rules[index], span, by_rule):
                continue
            key = (index, span.start)
            if key not in best or len(span) > len(best[key]):
                best[key] = span
        return sorted(((i, s) for (i, _), s in best.items()), key=lambda x: (x[1].start, x[0]))

    @staticmethod
    def _trigger_allowed(rule: dict, span: Span, by_rule: dict[str, list[Span]]) -> bool:
        """The rule's conditions on its trigger: part of speech, a clause's verb, a percentage before, no overlap."""
        wanted = rule.get("trigger_pos")
        if wanted and span.root.pos_ not in wanted:
            return False
        if rule.get("trigger_finite") and (span.root.pos_ != "VERB" or span.root.dep_ in ("amod", "acl", "compound")):
            return False
        if rule.get("trigger_after_percent"):
            before = span.doc[span.start - 1] if span.start > 0 else None
            if before is None or not (before.text == "%" or before.lower_ in ("percent", "cent")):
                return False
        for other in rule.get("suppressed_by", []):
            if any(o.start < span.end and span.start < o.end for o in by_rule.get(other, [])):
                return False
        return True

    # -- annotation -----------------------------------------------------------------------

    def set_annotations(self, doc: Doc, matches: list[tuple[int, Span]]) -> None:
        relations: set[Relation] = set()
        mentions_by_sent = self._mentions_by_sentence(doc) if matches else {}
        pair = principal_pair(doc)
        for index, trigger in matches:
            rule = self.rules[index]
            sent = trigger.sent
            mentions = mentions_by_sent.get(sent.start, [])
            subject_types = set(rule.get("subject_types") or self.agent_types)
            subjects = self._subjects(doc, rule, trigger, mentions, subject_types)
            objects = self._objects(doc, rule, trigger, mentions, subjects)
            confidence = float(rule["confidence"])
            if not subjects and rule.get("subject_anaphora"):  # "The results were published by ..."
                earlier = [e for e in doc.ents if e.end <= sent.start and e.label_ in subject_types]
                if earlier:
                    subjects = [Mention(earlier[-1].start, earlier[-1].end, (earlier[-1].id_,), earlier[-1].label_)]
                    objects = self._objects(doc, rule, trigger, mentions, subjects)
            if not subjects and "Person" in subject_types:
                subjects = self._personal_pronoun(doc, trigger)
                if subjects:
                    objects = self._objects(doc, rule, trigger, mentions, subjects)
            subject_ids = self._ids(subjects)
            if not subject_ids and rule.get("pair_fallback") and pair and self._pair_context(doc, sent):
                subject_ids = list(pair)
                confidence = round(confidence * 0.7, 2)
                if rule.get("symmetric"):
                    objects = []
                objects = [m for m in objects if not set(m.ids) & set(pair)]
            predicate = rule["predicate"]
            if self._negated(rule, trigger):
                predicate = rule["negated_predicate"]
            object_ids = self._ids(objects)
            pairs: list[tuple[str, str]] = []
            if self._reciprocal(sent) and len(subject_ids) >= 2 and not rule.get("symmetric"):
                pairs = [(a, b) for a in subject_ids for b in subject_ids if a != b]
            elif rule.get("symmetric"):
                if object_ids:
                    pairs = [(a, b) for a in subject_ids for b in object_ids if a != b]
                if not pairs and len(subject_ids) >= 2:
                    pairs = [(a, b) for k, a in enumerate(subject_ids) for b in subject_ids[k + 1 :]]
                pairs = [tuple(sorted(p)) for p in pairs]  # symmetric: one canonical direction
            else:
                pairs = [(a, b) for a in subject_ids for b in object_ids if a != b]
            if rule.get("swap") or rule.get("swap_roles"):  # "the survey, conducted by Nikkei": the survey is the subject
                pairs = [(b, a) for a, b in pairs]
            topics = []
            if rule.get("items") or rule.get("fields"):
                topics = [m for m in mentions if m.type in self.topic_types and m.start >= trigger.start]
                topics = self._ids(topics)
            period = sentence_period(doc, sent, trigger, doc.user_data.get("kg_year")) if pairs else None
            for subject_id, object_id in pairs:
                relations.add(
                    Relation(
                        article_id="",
                        sentence_start=sentence_start_char(sent),
                        subject_id=subject_id,
                        predicate=predicate,
                        object_id=object_id,
                        confidence=confidence,
                        trigger=trigger.text,
                        trigger_start=trigger.start_char,
                        items=tuple(t for t in topics if t != object_id) if rule.get("items") else (),
                        fields=tuple(t for t in topics if t != object_id) if rule.get("fields") else (),
                        period=period,
                        rule=rule["name"],
                    )
                )
        relations |= self._positions(doc)
        doc._.relations = sorted(self._merge(relations))

    def _positions(self, doc: Doc) -> set[Relation]:
        """``holdsPositionIn`` from the roles of ``kg_roles``: the title is the trigger."""
        found = set()
        for holder, title, employer, start in getattr(doc._, "roles", []):
            if not employer or employer == holder:
                continue
            sent = doc[start].sent
            found.add(Relation(
                article_id="", sentence_start=sentence_start_char(sent), subject_id=holder,
                predicate="holdsPositionIn", object_id=employer, confidence=0.8, trigger=title,
                period=None, rule="holds-position",
            ))
        return found

    @staticmethod
    def _merge(relations: set[Relation]) -> list[Relation]:
        """One relation per sentence and (subject, predicate, object): the most confident, items merged."""
        merged: dict[tuple, Relation] = {}
        for relation in sorted(relations, key=lambda r: (-r.confidence, r)):  # ties: a fixed order, any process
            key = (relation.sentence_start, relation.subject_id, relation.predicate, relation.object_id)
            if key in merged:
                kept = merged[key]
                merged[key] = Relation(
                    **{**kept.__dict__,
                       "items": tuple(dict.fromkeys(kept.items + relation.items)),
                       "fields": tuple(dict.fromkeys(kept.fields + relation.fields))}
                )
            else:
                merged[key] = relation
        return list(merged.values())


@Language.factory(
    "kg_relations", default_config={"patterns": None}, requires=["doc.ents", "token.dep"], assigns=["doc._.relations"]
)
def make_relations(nlp: Language, name: str, patterns: dict[str, Any] | None) -> RelationExtractor:
    """``patterns``: a rule set in the form of ``patterns/relations.json`` (default: that file)."""
    return RelationExtractor(nlp, name, patterns)


if not Doc.has_extension("relations"):
    Doc.set_extension("relations", default=[])
