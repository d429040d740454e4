"""``kg_modality``: is a fact stated as a fact, a plan, a forecast, a hedge, an opinion, or denied? And who says so?

The decision is made on the parse, never on the bag of words of the sentence: from the fact's own
token (a relation's trigger, a figure's number) the component walks up the chain of heads and
looks only at cues that govern that chain: an auxiliary, negation or adverb attached to a verb of
the chain ("may lift", "did not remove", "reportedly invested"), or a verb or noun whose
complement the fact is ("plans to invest", "is expected to reach", "37% expect"). A cue in
another clause of the same sentence ("the ministers, who will meet again, signed ...") does not
count. The walk stops at a relative clause, an apposition or a clause set beside the fact's own.

Attribution follows the same chain: "according to X" attached to it, or a reporting verb ("X
said that ...") whose complement holds the fact, gives the fact's source agent: an entity id when
the agent is a named entity, else the words of the agent's phrase.

The cue words are data (``patterns/modality.json``). Labels, from strongest to weakest when
several cues govern one fact: ``negated``, ``hedged``, ``forecast``, ``plan``, ``opinion``;
without a cue a fact is a ``fact``. A fact whose period lies after its document's year is a
``forecast`` ("will reach $100 billion by 2030" without "will" as much as with it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..lexicon import configured_patterns, load_patterns

#: Labels in order of precedence: the first that a cue of the chain gives wins.
LABELS = ("negated", "hedged", "forecast", "plan", "opinion", "fact")
#: Dependencies that end the walk: the head of such a token belongs to another statement.
_BOUNDARIES = {"relcl", "appos", "parataxis", "conj", "csubj", "list", "dep"}
#: Dependencies whose head is the last step of the walk.
_LAST_STEP = {"acl", "advcl"}
#: Dependencies through which a governing verb or noun takes the fact as its complement.
_COMPLEMENTS = {"xcomp", "ccomp", "acl", "prep", "pobj", "dobj", "nsubj", "nsubjpass", "attr", "oprd", "advcl", "pcomp"}
_AGENT_TYPES = {"Country", "Company", "Organization", "Person", "GPE", "ORG", "PERSON", "NORP"}
_MAX_STEPS = 12


@lru_cache(maxsize=1)
def modality_cues() -> dict[str, frozenset[str]]:
    """The cue words of ``patterns/modality.json`` as sets."""
    return cue_sets(load_patterns("modality"))


def cue_sets(data: dict[str, Any]) -> dict[str, frozenset[str]]:
    """Cue word lists as sets (the ``agent_descriptions`` table is read by ``agent_descriptions``)."""
    return {key: frozenset(value) for key, value in data.items() if isinstance(value, list)}


def reporting_verbs() -> frozenset[str]:
    """Verbs that report what someone said ("say", "announce"): their subject is a source, not an actor."""
    return modality_cues()["reporting_verbs"]


@lru_cache(maxsize=1)
def agent_descriptions() -> dict[str, frozenset[str]]:
    """Nouns of definite descriptions of agents ("the ministry") -> entity types they may refer to."""
    return {noun: frozenset(types) for noun, types in load_patterns("modality")["agent_descriptions"].items()}


@dataclass(frozen=True)
class Modality:
    """The modality of one fact, the cue that decided it, and its source agent (entity id or words)."""

    label: str = "fact"
    cue: str | None = None
    agent: str | None = None
    agent_text: str | None = None


def _chain(token: Token) -> tuple[list[Token], int]:
    """The token and its heads up to the sentence root or the first clause boundary.

    A relative clause, an apposition or a juxtaposed clause ends the walk; an adverbial or
    adjectival clause ("plans to invest", "aiming to export") reaches its head, which may govern
    it as a cue, and ends there. A verb coordinated with an earlier one and without its own
    subject ("will confirm ... and ascertain") shares that verb's auxiliaries and governors but
    not its negation: the second number returned is the chain position from which negations
    no longer count (the chain's length when all count).
    """
    chain = [token]
    current = token
    shared_from = None
    for _ in range(_MAX_STEPS):
        head = current.head
        if head.i == current.i:
            break
        if current.dep_ == "conj" and current.pos_ in ("VERB", "AUX") and head.pos_ in ("VERB", "AUX") \
                and not any(c.dep_ in ("nsubj", "nsubjpass") for c in current.children):
            shared_from = len(chain) if shared_from is None else shared_from
        elif current.dep_ in _BOUNDARIES:
            break
        chain.append(head)
        if current.dep_ in _LAST_STEP:
            break
        current = head
    return chain, len(chain) if shared_from is None else shared_from


def _is_passive(token: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in token.children)


def _has_agent_subject(verb: Token, cues: dict[str, frozenset[str]]) -> bool:
    """Whether a verb's subject is an agent that can announce its own action."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            if child.lower_ == "it" and verb.dep_ == "ccomp" and verb.head.lemma_.lower() in cues["reporting_verbs"]:
                return _has_agent_subject(verb.head, cues)  # "Samsung said it would invest": it is Samsung
            return child.ent_type_ in _AGENT_TYPES or child.lower_ in cues["agent_nouns"] or child.lemma_.lower() in cues["agent_nouns"]
    if verb.dep_ in ("xcomp", "conj") and verb.head.i != verb.i:
        return _has_agent_subject(verb.head, cues)
    return False


def _own_clause_labels(token: Token, below: Token | None, cues: dict[str, frozenset[str]]) -> list[tuple[str, str]]:
    """Cues attached to one token of the chain: negations, auxiliaries, adverbs, conditions, purpose."""
    found: list[tuple[str, str]] = []
    doc = token.doc
    for child in token.children:
        word, lemma = child.lower_, child.lemma_.lower()
        phrase = " ".join(t.lower_ for t in child.subtree)
        if child.dep_ == "neg" or (child.dep_ in ("det", "advmod", "preconj") and word in cues["negation_words"]):
            found.append(("negated", word))
        elif child.dep_ in ("advmod", "npadvmod") and phrase in cues["negation_phrases"]:
            found.append(("negated", phrase))
        elif child.dep_ == "advmod" and word in cues["negating_adverbs"] and below is not None and below.dep_ == "xcomp":
            found.append(("negated", f"{word} to"))
        elif child.dep_ == "aux" and word in cues["hedge_auxiliaries"]:
            found.append(("hedged", word))
        elif child.dep_ == "aux" and (word in cues["intent_auxiliaries"] or lemma in cues["intent_auxiliaries"]):
            if _has_agent_subject(token, cues):
                found.append(("plan", word))
            elif word in cues["forecast_auxiliaries"] or lemma in cues["forecast_auxiliaries"]:
                found.append(("forecast", word))
            else:
                found.append(("hedged", word))
        elif child.dep_ == "advmod" and word in cues["hedge_adverbs"]:
            found.append(("hedged", word))
        elif child.dep_ == "amod" and word in cues["hedge_adjectives"]:
            found.append(("hedged", word))
        elif child.dep_ in ("acl", "relcl") and lemma in cues["opinion_verbs"] and token.pos_ in ("NOUN", "NUM", "SYM", "PROPN"):
            found.append(("opinion", word))  # "61% of managers citing ...", "those who believe ..."
        elif child.dep_ == "prep" and phrase in cues["opinion_phrases"]:
            found.append(("opinion", phrase))
        elif child.dep_ == "mark" and word in cues["conditional_markers"]:
            found.append(("hedged", word))
        elif child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in cues["conditional_markers"] for m in child.children):
            found.append(("hedged", "if"))
    if token.pos_ in ("VERB", "AUX") and token.i >= 3:
        before = " ".join(t.lower_ for t in doc[token.i - 3 : token.i])
        if before in cues["purpose_phrases"]:
            found.append(("plan", before))
    return found


def _governing_label(token: Token, below: Token, cues: dict[str, frozenset[str]]) -> tuple[str, str] | None:
    """The label a verb, adjective or noun of the chain gives the fact it governs through ``below``."""
    lemma, lower, dep = token.lemma_.lower(), token.lower_, below.dep_
    if token.lower_ in cues["negation_words"] and token.dep_ == "prep":  # "without answering"
        return ("negated", lower)
    if dep not in _COMPLEMENTS:
        return None
    if lemma in cues["negating_verbs"] and dep in ("xcomp", "ccomp", "dobj"):
        return ("negated", lower)
    if lemma in cues["hedge_verbs"] and dep == "xcomp":
        return ("hedged", lower)
    if lemma in cues["hedge_passive_verbs"] and _is_passive(token) and dep == "xcomp":
        return ("hedged", lower)
    if lemma in cues["forecast_verbs"] and _is_passive(token):
        return ("forecast", lower)
    if lemma in cues["forecast_adjectives"] and token.pos_ == "ADJ" and dep == "xcomp":
        return ("forecast", lower)
    if lower in cues["scheduled_words"] and dep == "xcomp":  # "is set to invest", "exports are set to rise"
        return ("plan", lower) if _has_agent_subject(token, cues) else ("forecast", lower)
    if lemma in cues["plan_verbs"] and token.pos_ in ("VERB", "AUX") and dep in ("xcomp", "ccomp", "prep", "pobj", "dobj", "pcomp"):
        return ("plan", lower)
    if lemma in cues["plan_nouns"] and token.pos_ == "NOUN" and (
        dep in ("prep", "pobj") or (dep in ("acl", "xcomp") and any(c.dep_ == "aux" and c.lower_ == "to" for c in below.children))
    ):
        return ("plan", lower)
    if lemma in cues["opinion_verbs"] and token.pos_ in ("VERB", "AUX"):
        return ("opinion", lower)
    if lemma in cues["opinion_adjectives"] and token.pos_ == "ADJ":
        return ("opinion", lower)
    return None


def _cue_labels(chain: list[Token], cues: dict[str, frozenset[str]], shared_from: int | None = None) -> list[tuple[str, str]]:
    """(label, cue word) for every cue governing the chain (negations only up to ``shared_from``)."""
    found: list[tuple[str, str]] = []
    shared_from = len(chain) if shared_from is None else shared_from
    for position, token in enumerate(chain):
        below = chain[position - 1] if position else None
        labels = _own_clause_labels(token, below, cues)
        through_subject = below is not None and below.dep_ in ("nsubj", "nsubjpass", "csubj")
        found += [f for f in labels if (position < shared_from and not through_subject) or f[0] != "negated"]
        if below is not None:
            label = _governing_label(token, below, cues)
            if label:
                found.append(label)
    fact = chain[0]
    lemma = fact.lemma_.lower()
    if (fact.pos_ == "ADJ" and lemma in cues["opinion_adjectives"]) or (fact.pos_ == "VERB" and lemma in cues["opinion_verbs"]) \
            or (fact.pos_ == "NOUN" and lemma in cues["opinion_nouns"]):
        found.append(("opinion", fact.lower_))
    elif fact.pos_ == "VERB" and lemma in cues["intent_verbs"]:
        found.append(("plan", fact.lower_))
    return found


def _entity_in(span_tokens: list[Token]) -> tuple[str | None, str | None]:
    """The named entity among some tokens (its id), and the words of the phrase.

    A definite description ("the ministry", "the chipmaker's filing") refers to the last entity
    named before it whose type the description's noun allows.
    """
    if not span_tokens:
        return None, None
    doc = span_tokens[0].doc
    start, end = min(t.i for t in span_tokens), max(t.i for t in span_tokens) + 1
    words = doc[start:end].text
    for ent in doc.ents:
        if start <= ent.start < end and ent.id_ and ent.label_ in _AGENT_TYPES:
            return ent.id_, words
    descriptions = agent_descriptions()
    nouns = [t for t in doc[start:end] if t.pos_ == "NOUN" and t.lemma_.lower() in descriptions]
    if nouns and doc[start].lower_ in ("the", "its", "their"):
        types = descriptions[nouns[0].lemma_.lower()]
        earlier = [ent for ent in doc.ents if ent.end <= start and ent.id_ and ent.label_ in types]
        if earlier:
            return earlier[-1].id_, words
    return None, words


def _attribution(chain: list[Token], cues: dict[str, frozenset[str]]) -> tuple[str | None, str | None]:
    """The agent a fact is attributed to: "according to X" on the chain, or the subject of a reporting verb."""
    for position, token in enumerate(chain):
        for child in token.children:
            if child.lower_ in cues["according_to"]:
                objects = [g for c in child.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
                if objects:
                    return _entity_in(list(objects[0].subtree))
        if position == 0 or token.lemma_.lower() not in cues["reporting_verbs"] or _is_passive(token):
            continue
        if chain[position - 1].dep_ not in ("ccomp", "xcomp", "dobj"):
            continue
        subjects = [c for c in token.children if c.dep_ == "nsubj"]
        if subjects and subjects[0].pos_ != "PRON":
            return _entity_in(list(subjects[0].subtree))
    return None, None


def modality_of(token: Token, cues: dict[str, frozenset[str]] | None = None) -> Modality:
    """The modality of the fact carried by ``token``, decided by the cues that govern it."""
    cues = cues or modality_cues()
    chain, shared_from = _chain(token)
    found = _cue_labels(chain, cues, shared_from)
    agent, agent_text = _attribution(chain, cues)
    if not found:
        return Modality("fact", None, agent, agent_text)
    label, cue = min(found, key=lambda f: LABELS.index(f[0]))
    return Modality(label, cue, agent, agent_text)


def _later_than(period: str | None, year: int | None) -> bool:
    return bool(period and year and period[:4].isdigit() and int(period[:4]) > year)


def _token_at(doc: Doc, char: int) -> Token | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _number_token(span: Span) -> Token:
    """The token of a figure that the parse hangs it on: its number, else its root."""
    for token in span:
        if token.like_num:
            return token
    return span.root


class ModalityLabeller:
    """Label the modality and attribution of every figure and relation of a Doc."""

    def __init__(self, nlp: Language, name: str, patterns: dict[str, Any] | None = None):
        self.name = name
        self.cues = modality_cues() if patterns is None else cue_sets(configured_patterns("modality", patterns))

    def __call__(self, doc: Doc) -> Doc:
        year = doc.user_data.get("kg_year")
        figures = []
        for figure in getattr(doc._, "figures", []):
            span = doc.char_span(figure.start, figure.end, alignment_mode="expand")
            modality = modality_of(_number_token(span), self.cues) if span is not None and len(span) else Modality()
            figures.append(self._apply(figure, modality, year))
        doc._.figures = figures
        relations = []
        for relation in getattr(doc._, "relations", []):
            token = _token_at(doc, relation.trigger_start) if relation.trigger_start is not None else None
            modality = modality_of(token, self.cues) if token is not None else Modality()
            relations.append(self._apply(relation, modality, year))
        doc._.relations = relations
        return doc

    @staticmethod
    def _apply(fact, modality: Modality, year: int | None):
        label, cue = modality.label, modality.cue
        if label in ("fact", "opinion") and _later_than(fact.period, year):
            label, cue = "forecast", fact.period
        return replace(fact, modality=label, modality_cue=cue, agent=modality.agent, agent_text=modality.agent_text)


@Language.factory(
    "kg_modality",
    default_config={"patterns": None},
    requires=["token.dep", "doc._.figures", "doc._.relations"],
    assigns=["doc._.figures", "doc._.relations"],
)
def make_modality(nlp: Language, name: str, patterns: dict[str, Any] | None) -> ModalityLabeller:
    """``patterns``: cue words in the form of ``patterns/modality.json`` (default: that file)."""
    return ModalityLabeller(nlp, name, patterns)
