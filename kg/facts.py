"""Plain fact objects: the seam between spaCy (``extract/``) and rdflib (``graph.py``).

Every offset in a fact counts characters into the *stored* document text (``Article.text``), so
``article.text[fact.start:fact.end]`` is what the fact was read from. Facts are frozen and
ordered; sorting them gives deterministic output.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .corpus import Article
from .gazetteer import Gazetteer, default_gazetteer

if TYPE_CHECKING:  # spaCy stays on its side of the seam
    from spacy.tokens import Doc


@dataclass(frozen=True, order=True)
class Sentence:
    article_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, order=True)
class Entity:
    id: str
    type: str
    label: str
    wikidata: str | None = None
    in_gazetteer: bool = False


@dataclass(frozen=True, order=True)
class Mention:
    article_id: str
    start: int
    end: int
    text: str
    entity_id: str
    sentence_start: int


@dataclass(frozen=True, order=True)
class Figure:
    """A number reported in a sentence, normalised."""

    article_id: str
    start: int
    end: int
    text: str
    value: str  # a decimal, as a canonical string ("88300000000", "44", "-33.4")
    unit: str  # "percent", an ISO 4217 code ("USD"), "count", "year", "day", "month" ...
    sentence_start: int
    measure: str | None = None  # a measure id of ontology/measures.ttl, e.g. "market-share"
    measure_text: str | None = None
    subjects: tuple[str, ...] = ()  # entity ids the figure is about
    population: str | None = None  # "executives"
    technologies: tuple[str, ...] = ()  # entity ids of technologies / industries
    period: str | None = None  # ISO 8601: "2025", "2026-01", "2025-Q1"
    kind: str = "level"  # "level" or "change"
    qualifier: str | None = None
    counted: str | None = None  # for counts: what is counted
    compared_to: tuple[int, int] | None = None  # (start, end) of the figure this one is compared with
    confidence: float = 0.8
    rule: str = ""
    modality: str = "fact"  # fact, plan, forecast, hedged, opinion or negated (extract/modality.py)
    modality_cue: str | None = None  # the word that decided it ("may", "plans")
    agent: str | None = None  # entity id of the source the sentence attributes the figure to
    agent_text: str | None = None  # the words naming that source ("the ministry")


@dataclass(frozen=True, order=True)
class Relation:
    """A typed relation between two entities, read from one sentence."""

    article_id: str
    sentence_start: int
    subject_id: str
    predicate: str  # a property local name of the ontology, e.g. "memberOf"
    object_id: str
    confidence: float = 0.7
    trigger: str = ""
    items: tuple[str, ...] = ()  # entity ids of controlled / supplied items
    fields: tuple[str, ...] = ()  # entity ids of fields of cooperation
    period: str | None = None
    rule: str = ""
    trigger_start: int | None = None  # character offset of the trigger
    modality: str = "fact"
    modality_cue: str | None = None
    agent: str | None = None
    agent_text: str | None = None


@dataclass(frozen=True)
class DocumentFacts:
    """Everything extracted from one document."""

    article: Article
    sentences: tuple[Sentence, ...] = ()
    entities: tuple[Entity, ...] = ()
    mentions: tuple[Mention, ...] = ()
    figures: tuple[Figure, ...] = ()
    relations: tuple[Relation, ...] = ()
    stats: dict[str, Any] = field(default_factory=dict, compare=False)


def _trimmed(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Token range without leading/trailing whitespace tokens."""
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    return start, end


def doc_to_facts(doc: Doc, article: Article, gazetteer: Gazetteer | None = None) -> DocumentFacts:
    """Turn an annotated Doc of ``article.body`` into plain facts with stored-text offsets."""
    gazetteer = gazetteer or default_gazetteer()
    shift = article.body_start
    sentences = []
    sentence_of_token: dict[int, int] = {}
    for sent in doc.sents:
        start, end = _trimmed(doc, sent.start, sent.end)
        if start >= end:
            continue
        begin = doc[start].idx + shift
        finish = doc[end - 1].idx + len(doc[end - 1].text) + shift
        sentences.append(Sentence(article.id, begin, finish, article.text[begin:finish]))
        for i in range(sent.start, sent.end):
            sentence_of_token[i] = begin

    entities: dict[str, Entity] = {}
    mentions = []
    for ent in doc.ents:
        entry = gazetteer.entries.get(ent.id_)
        if entry is not None:
            entity = Entity(entry.id, entry.type, entry.label, entry.wikidata, True)
        else:
            entity = entities.get(ent.id_) or Entity(ent.id_, ent.label_, ent.text, None, False)
        entities.setdefault(entity.id, entity)
        begin = ent.start_char + shift
        mentions.append(Mention(article.id, begin, ent.end_char + shift, ent.text, entity.id, sentence_of_token[ent.start]))
    for start, end, ids in doc._.groups:
        span = doc[start:end]
        for entity_id in ids:
            entry = gazetteer[entity_id]
            entities.setdefault(entity_id, Entity(entry.id, entry.type, entry.label, entry.wikidata, True))
            mentions.append(
                Mention(article.id, span.start_char + shift, span.end_char + shift, span.text, entity_id, sentence_of_token[start])
            )

    figures = [
        replace(f, article_id=article.id, start=f.start + shift, end=f.end + shift, sentence_start=f.sentence_start + shift,
                compared_to=(f.compared_to[0] + shift, f.compared_to[1] + shift) if f.compared_to else None)
        for f in getattr(doc._, "figures", [])
    ]
    relations = [
        replace(r, article_id=article.id, sentence_start=r.sentence_start + shift,
                trigger_start=None if r.trigger_start is None else r.trigger_start + shift)
        for r in getattr(doc._, "relations", [])
    ]
    agents = [f.agent for f in figures if f.agent] + [r.agent for r in relations if r.agent]
    for entity_id in [r.subject_id for r in relations] + [r.object_id for r in relations] + agents:
        if entity_id not in entities and entity_id in gazetteer:  # e.g. a country named by "both nations" only
            entry = gazetteer[entity_id]
            entities[entity_id] = Entity(entry.id, entry.type, entry.label, entry.wikidata, True)
    return DocumentFacts(
        article=article,
        sentences=tuple(sorted(sentences)),
        entities=tuple(sorted(entities.values())),
        mentions=tuple(sorted(set(mentions))),
        figures=tuple(sorted(set(figures))),
        relations=tuple(sorted(set(relations))),
    )
