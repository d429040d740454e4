"""Who takes part in a relation: the subjects and objects ``kg_relations`` finds for a trigger.

``Participants`` is a part of ``relations.RelationExtractor`` (which holds the rule set): the
mentions of a sentence, their conjuncts ("France and Italy"), the subject of the trigger's
clause, possessive and adjective owners ("Japan's export controls"), objects after the trigger or
governed by the rule's prepositions, pronouns resolved to the last fitting name, places that are
no actors ("held in Geneva"), and negation and reciprocity of the trigger.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..gazetteer import default_gazetteer
from .modality import reporting_verbs
from .periods import clause_head


def mention_clause(doc: Doc, start: int, end: int) -> Token:
    """The clause of a mention: climb out of the mention's own tokens first ("fluorinated polyimide")."""
    token = doc[start:end].root
    while start <= token.i < end and token.head.i != token.i:
        token = token.head
    return clause_head(token)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    ids: tuple[str, ...]
    type: str


def _speaker_tokens(trigger: Span) -> set[int]:
    """Tokens of the subject of a reporting verb whose reported clause holds the trigger ("METI said ...")."""
    cues = reporting_verbs()
    token, below = trigger.root, None
    for _ in range(8):
        if below is not None and below.dep_ == "ccomp" and token.lemma_.lower() in cues:
            subjects = [c for c in below.children if c.dep_ in ("nsubj", "nsubjpass")]
            if not subjects or any(c.pos_ == "PRON" for c in subjects):
                return set()  # "Samsung said it would invest": the speaker is the actor
            return {t.i for c in token.children if c.dep_ == "nsubj" for t in c.subtree}
        if token.head.i == token.i:
            return set()
        below, token = token, token.head
    return set()


class Participants:
    """Subjects and objects of relation triggers (a part of ``RelationExtractor``)."""

    # -- mentions -------------------------------------------------------------------------

    @staticmethod
    def _zone_tokens(doc: Doc) -> set[int]:
        """Tokens of titles and of the employers named with them ("Minister of Fisheries of Norway")."""
        cached = doc.user_data.get("kg_zone_tokens")
        if cached is None:
            zones = doc.spans["kg_role_zones"] if "kg_role_zones" in doc.spans else []
            cached = doc.user_data["kg_zone_tokens"] = frozenset(i for span in zones for i in range(span.start, span.end))
        return cached

    def _mentions_by_sentence(self, doc: Doc) -> dict[int, list[Mention]]:
        """Every mention (entities and joint phrases such as "both nations"), grouped by sentence, in one pass."""
        zone = self._zone_tokens(doc)
        types = {ent.id_: ent.label_ for ent in doc.ents}
        found: dict[int, list[Mention]] = {}
        for ent in doc.ents:
            if not (ent.start in zone and ent.end - 1 in zone):
                found.setdefault(doc[ent.start].sent.start, []).append(Mention(ent.start, ent.end, (ent.id_,), ent.label_))
        for s, e, ids in doc._.groups:
            found.setdefault(doc[s].sent.start, []).append(Mention(s, e, ids, types.get(ids[0], "Country")))
        return {start: sorted(mentions, key=lambda m: m.start) for start, mentions in found.items()}

    @staticmethod
    def _ids(mentions: list[Mention]) -> list[str]:
        return list(dict.fromkeys(i for m in mentions for i in m.ids))

    def _conjuncts(self, doc: Doc, first: Mention, mentions: list[Mention], types: set[str]) -> list[Mention]:
        """The mention and those coordinated with it ("semiconductors and robotics")."""
        group = [first]
        roots = {t.i for t in doc[first.start : first.end]}
        heads = {doc[i].head.i for i in roots} | roots
        for other in mentions:
            if other is first or other.type not in types or other.start < first.start:
                continue
            if other.ids == group[-1].ids:  # an abbreviation in brackets: "Ministry of ... (METI)"
                group[-1] = Mention(group[-1].start, other.end, other.ids, other.type)
                continue
            tokens = doc[other.start : other.end]
            linked = any(t.dep_ == "conj" and (t.head.i in roots or t.head.i in heads) for t in tokens) or any(
                t.i in {c.i for r in roots for c in doc[r].conjuncts} for t in tokens
            )
            between = self._between(doc, group[-1].end, other.start)
            if linked or between in ("and", ",", ", and", "or", "&", ";", "and the", "the"):
                group.append(other)
                roots |= {t.i for t in tokens}
            else:
                break
        return group

    # -- roles ----------------------------------------------------------------------------

    def _between(self, doc: Doc, start: int, end: int) -> str:
        """The words between two mentions, without titles, honorifics and brackets: what joins them."""
        zone = self._zone_tokens(doc)
        words = [t.lower_ for t in doc[start:end] if t.i not in zone and t.lower_ not in self.honorifics and t.text not in ("(", ")", "*")]
        text = " ".join(words).replace(" ,", ",")
        previous = None
        while previous != text:  # ", , and": titles leave their commas behind
            previous, text = text, text.replace(", ,", ",")
        return text.removesuffix(" the").removeprefix("the ").strip()

    def _subjects(self, doc: Doc, rule: dict, trigger: Span, mentions: list[Mention], types: set[str]) -> list[Mention]:
        speakers = _speaker_tokens(trigger)
        found = self._actors(doc, rule, trigger, [m for m in mentions if not speakers & set(range(m.start, m.end))], types)
        if found or not speakers:
            return found
        # "The ministry said curbs were lifted": the speaker is the source, not the actor; a
        # government body that reports its government's act stands for its country.
        gazetteer = default_gazetteer()
        for m in mentions:
            if speakers & set(range(m.start, m.end)) and m.type == "Organization":
                countries = [gazetteer[i].country for i in m.ids if i in gazetteer and gazetteer[i].country]
                if countries and "Country" in types:
                    return [Mention(m.start, m.end, (countries[0],), "Country")]
        return []

    def _actors(self, doc: Doc, rule: dict, trigger: Span, mentions: list[Mention], types: set[str]) -> list[Mention]:
        sent = trigger.sent
        candidates = [m for m in mentions if m.type in types and not (trigger.start <= m.start < trigger.end)
                      and not self._locative(doc, m)]
        mode = rule.get("subject")
        owner = self._possessive_pronoun_owner(doc, trigger)
        if owner is not None:  # "<Name> spoke on her trip to <Country>": her is the clause's person
            return [owner]
        if mode == "adjacent_before":
            before = [m for m in candidates if 0 <= trigger.start - m.end <= 0]
            return before[-1:]
        if mode == "after_trigger":
            after = [m for m in candidates if m.start >= trigger.end]
            if rule.get("subject_single"):  # "Chilean President Rivas and Peruvian Premier Soto"
                return after[:1] if after and after[0].start - trigger.end <= 1 else []
            return self._conjuncts(doc, after[0], mentions, types) if after else []
        if rule.get("passive"):
            after = [m for m in candidates if m.start >= trigger.end]
            return self._conjuncts(doc, after[0], mentions, types) if after else []
        # 1. possessive / adjective modifiers of the trigger ("Japan's export controls", "Japanese investment")
        modifiers = {c.i for t in trigger for c in t.children if c.dep_ in ("poss", "amod", "compound", "nmod")}
        modifiers |= {t.i for i in list(modifiers) for t in doc[i].subtree}
        found = [m for m in candidates if any(i in modifiers for i in range(m.start, m.end))]
        if found:
            return found
        head = clause_head(trigger.root)
        # 2. the clause's grammatical subject when it is itself a name ("Micron, the largest US maker, competes")
        named = [m for m in candidates for c in head.children
                 if trigger.root.pos_ in ("VERB", "AUX") and c.dep_ in ("nsubj", "nsubjpass") and m.start <= c.i < m.end and m.end <= trigger.start]
        if named:
            return self._conjuncts(doc, named[0], mentions, types)
        # 3. the nearest agent before the trigger in the same clause, with its conjuncts
        before = [m for m in candidates if m.end <= trigger.start and mention_clause(doc, m.start, m.end) == head]
        if before and mode != "syntax":
            return self._coordinated_before(doc, before, mentions, types)
        # 4. the subject of the governing verb (or of the verb it depends on); a pronoun subject
        #    ("Rapidus ... said it would cooperate") defers to the verb above
        verb = head
        for _ in range(4):
            subject_tokens = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
            if verb.dep_ == "relcl" and any(c.lower_ in ("which", "who", "that") for c in subject_tokens):
                # "Rapidus, which is jointly developing ...": the relative pronoun stands for the noun
                antecedent = [m for m in candidates if m.start <= verb.head.i < m.end]
                if antecedent:
                    return antecedent
            if subject_tokens and not all(c.pos_ == "PRON" for c in subject_tokens):
                heads = {c.i for c in subject_tokens} | {x.i for c in subject_tokens for x in c.conjuncts}
                found = [m for m in candidates if any(m.start <= i < m.end for i in heads) and m.start < trigger.start]
                if found:
                    return found
                span = set()
                for c in subject_tokens:
                    span |= {t.i for t in c.subtree}
                found = [m for m in candidates if m.start in span and m.start < trigger.start]
                if found:
                    return found
                break
            if verb.head.i == verb.i:
                break
            verb = clause_head(verb.head) if verb.head.pos_ not in ("VERB", "AUX") else verb.head
        # 5. the nearest agent before the trigger in the sentence, with its conjuncts
        before = [m for m in candidates if m.end <= trigger.start and trigger.start - m.end <= 12]
        if before and mode != "syntax":
            return self._coordinated_before(doc, before, mentions, types)
        return []

    def _coordinated_before(self, doc: Doc, before: list[Mention], mentions: list[Mention], types: set[str]) -> list[Mention]:
        """The last mention before a trigger and those coordinated with it ("France and Italy")."""
        group = [before[-1]]
        for other in reversed(before[:-1]):
            # syntactic coordination across titles: "President Rivas and Peruvian Premier Soto"
            if any(t.dep_ == "conj" and other.start <= t.head.i < other.end for m in group for t in doc[m.start : m.end]):
                group.insert(0, other)
                continue
            if any(doc[other.start : other.end].root.i in {t.i for t in doc[m.start : m.end].root.subtree} for m in group):
                continue  # a modifier inside a member's own phrase ("Peruvian" in "Peruvian Premier Soto")
            # "the Ministry of X (ABC) and the Ministry of Y (DEF)": bracketed acronyms between two names
            between = self._between(doc, other.end, group[0].start)
            if between in ("", "and", ",", ", and", "&", "the", "and the", ", and the"):
                group.insert(0, other)
            else:
                break
        return group

    def _objects(self, doc: Doc, rule: dict, trigger: Span, mentions: list[Mention], subjects: list[Mention]) -> list[Mention]:
        types = set(rule["object_types"])
        sent = trigger.sent
        used = {(m.start, m.end) for m in subjects}
        candidates = [m for m in mentions if m.type in types and (m.start, m.end) not in used]
        if rule.get("object") == "event_in_sentence":
            return candidates[:1]
        if rule.get("object_head_only"):  # "convene tariff review meetings": the meetings are convened, not the tariffs
            candidates = [m for m in candidates if doc[m.start : m.end].root.dep_ not in ("compound", "amod", "nmod")]
        if rule.get("object_adjacent_before"):  # "South Korean President Yoon"
            return [m for m in candidates if 0 <= trigger.start - m.end <= 1][-1:]
        if rule.get("object_adjacent_after"):  # "Samsung-backed Rainbow Robotics"
            return [m for m in candidates if 0 <= m.start - trigger.end <= 1][:1]
        if rule.get("passive") or rule.get("subject") == "after_trigger":
            before = [m for m in candidates if m.end <= trigger.start]
            if rule.get("swap"):
                return before[-1:]
            if before:
                return [before[-1]]
        preps = rule.get("object_preps")
        after = [m for m in candidates if m.start >= trigger.end and not (trigger.start <= m.start < trigger.end)]
        if preps:
            attached = [m for m in after if self._governed_by_prep(doc, m, preps, sent)]
            head = clause_head(trigger.root)
            # same clause first ("invest ... in a HBM line, while Samsung ... in Japan")
            attached.sort(key=lambda m: (mention_clause(doc, m.start, m.end) != head, m.start))
            # the preposition's own object before its possessor: "with China's HKC" -> HKC
            if len(attached) > 1 and doc[attached[0].start : attached[0].end].root.dep_ == "poss":
                owner = doc[attached[0].start : attached[0].end].root.head.i
                if attached[1].start <= owner < attached[1].end:
                    attached = attached[1:]
            if attached:
                return self._conjuncts(doc, attached[0], mentions, types)
            if rule.get("object_requires_prep"):
                after = []
        head = clause_head(trigger.root)
        if rule.get("object_anywhere"):  # "names batteries and drones as fields for shared research"
            direct = {t.i for c in head.children if c.dep_ in ("dobj", "obj") for t in c.subtree}
            earlier = [m for m in candidates if m.end <= trigger.start and m.start in direct]
            if earlier:
                return self._conjuncts(doc, earlier[0], mentions, types)
        same_clause = [m for m in after if mention_clause(doc, m.start, m.end) == head]
        if same_clause:
            return self._conjuncts(doc, same_clause[0], mentions, types)
        if rule.get("object_anywhere"):
            earlier = [m for m in candidates if m.end <= trigger.start and mention_clause(doc, m.start, m.end) == head]
            if earlier:
                return self._conjuncts(doc, earlier[0], mentions, types)
        if after:
            return self._conjuncts(doc, after[0], mentions, types)
        inside = [m for m in candidates if trigger.start <= m.start < trigger.end]
        if inside:
            return inside[:1]
        if rule.get("object_before"):
            before = [m for m in candidates if 0 <= trigger.start - m.end <= 3]
            if before:
                return [before[-1]]
        if rule.get("object_anywhere"):
            rest = [m for m in candidates if m.end <= trigger.start]
            if rest:
                return self._conjuncts(doc, rest[0], mentions, types)
        if "verbs" in rule and any(c.dep_ == "dobj" and c.lower_ in self.pronouns for c in trigger.root.children):
            earlier = [m for m in candidates if m.end <= trigger.start and m.start >= sent.start]
            if earlier:  # "Japan lifted controls on South Korea and restored it to its white list"
                return [earlier[-1]]
        return []

    @staticmethod
    def _governed_by_prep(doc: Doc, mention: Mention, preps: list[str], sent: Span) -> bool:
        """True if the nearest preposition governing the mention is one of ``preps``.

        "cargo headed for Vietnam", "replies to Brazil's tariffs"; but not Acme in
        "putting money into a venture with Acme" for "into".
        """
        token = doc[mention.start : mention.end].root
        for _ in range(4):
            if token.dep_ == "pobj":
                return token.head.lemma_.lower() in preps or token.head.lower_ in preps
            if token.dep_ not in ("poss", "compound", "amod", "nmod", "conj", "appos", "case"):
                break
            if token.head.i == token.i:
                break
            token = token.head
        prev = doc[mention.start - 1] if mention.start > sent.start else None
        return prev is not None and prev.lower_ in preps

    def _locative(self, doc: Doc, mention: Mention) -> bool:
        """A place where something happens ("a summit held in <City>") or a source quoted, not an actor."""
        root = doc[mention.start : mention.end].root
        if root.dep_ != "pobj":
            return False
        prep = root.head
        if prep.lower_ == "to" and prep.head.lower_ == "according":
            return True  # "according to <Organisation>": a source, not an actor
        return prep.lower_ in self.locative_preps

    def _possessive_pronoun_owner(self, doc: Doc, trigger: Span) -> Mention | None:
        """"his visit": the person who is the subject of the sentence's main clause."""
        if not any(c.dep_ == "poss" and c.lower_ in self.possessive_pronouns for c in trigger.root.children):
            return None
        root = trigger.sent.root
        for child in root.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                people = [e for e in doc.ents if e.label_ == "Person" and e.start <= child.i < e.end]
                if people:
                    return Mention(people[0].start, people[0].end, (people[0].id_,), "Person")
        return None

    def _personal_pronoun(self, doc: Doc, trigger: Span) -> list[Mention]:
        """"he attended the meeting": a he/she subject is the last person named before it."""
        head = clause_head(trigger.root)
        subjects = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subjects or subjects[0].lower_ not in self.personal_pronouns:
            return []
        people = [e for e in doc.ents if e.label_ == "Person" and e.end <= subjects[0].i]
        if not people:
            return []
        last = people[-1]
        return [Mention(last.start, last.end, (last.id_,), "Person")]

    def _negated(self, rule: dict, trigger: Span) -> bool:
        words = set(rule.get("negated_by", []))
        if not words:
            return False
        token: Token = trigger.root
        for _ in range(4):
            if token.lemma_.lower() in words or token.lower_ in words:
                return True
            if token.head.i == token.i:
                break
            token = token.head
        doc = trigger.doc
        window = doc[max(trigger.sent.start, trigger.start - 4) : trigger.start]
        if any(t.lemma_.lower() in words or t.lower_ in words for t in window):
            return True
        # "curbs on exports of ... had been fully lifted"
        ahead = doc[trigger.end : min(trigger.sent.end, trigger.end + 16)]
        return any(t.lemma_.lower() in words and t.pos_ == "VERB" and any(c.dep_ == "auxpass" for c in t.children) for t in ahead)

    def _pair_context(self, doc: Doc, sent: Span) -> bool:
        return any(t.lower_ in self.pair_cues for t in sent) or any(sent.start <= s < sent.end for s, _, _ in doc._.groups)

    def _reciprocal(self, sent: Span) -> bool:
        words = [t.lower_ for t in sent]
        return any(words[i : i + len(r)] == r for r in self.reciprocal for i in range(len(words)))
