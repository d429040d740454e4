"""Whose figure it is and what it is about: the subjects and technologies of ``kg_figures``.

``FigureRoles`` is a part of ``figures.FigureExtractor`` (which sets the vocabulary it reads):
the agents a figure is about (an "of" phrase, the measure's owner, the clause's subject, a
country named by "the country's", a "from" phrase for exports), never its partners ("exports
to Japan"), and the technology or industry it concerns.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from .groups import principal_pair
from .numbers import TOPIC_TYPES, Candidate
from .periods import clause_head

AGENT_TYPES = {"Country", "Company", "Organization", "Person"}


class FigureRoles:
    """Subjects and technologies of a figure (a part of ``FigureExtractor``)."""

    def _agents(self, doc: Doc, sent: Span) -> list[tuple[int, list[str]]]:
        """(token index, entity ids) of agents in a sentence, with joint mentions as two ids."""
        agents = [(ent.start, [ent.id_]) for ent in doc.ents if sent.start <= ent.start < sent.end and ent.label_ in AGENT_TYPES]
        agents += [(s, list(ids)) for s, e, ids in doc._.groups if sent.start <= s < sent.end]
        return sorted(agents)

    def _subjects(self, doc: Doc, c: Candidate, head: Token, sent: Span, of_phrase: Span | None, measure_span: Span | None,
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
            pair = principal_pair(doc)
            if pair:
                return list(pair)
        # partners ("shipments to Norway", "spending in Chile") are not what a figure is about
        actors = [(i, ids) for i, ids in agents if not self._is_partner(doc, i)]
        if measure_span is not None:  # "German direct investment in Poland"
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
                                measure_span: Span | None, c: Candidate) -> list[str]:
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

    def _country_anaphor(self, doc: Doc, sent: Span, c: Candidate, measure_span: Span | None) -> str | None:
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
        """The chosen agent and the agents coordinated with it ("Acme Motors and Borealis Steel")."""
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

    def _topics(self, doc: Doc, c: Candidate, sent: Span, measure_span: Span | None, own_of: Span | None = None) -> list[str]:
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
                    distance, follows = 0, 0  # inside the measure phrase: "NAND market share"
                else:
                    follows = 0 if ent.start >= end else 1
                    distance = ent.start - end if ent.start >= end else start - ent.end
                if distance <= 6 and (best is None or (distance, follows) < best[0]):
                    best = ((distance, follows), ent.id_)
        return [best[1]] if best else []
