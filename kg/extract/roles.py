"""``kg_roles``: people with their titles, and names that stand for each other in one document.

Releases name officials by title: "<Country-adjective> Minister of <Portfolio> <Name>", "<Name>,
Secretary of <Portfolio>, <Country>", "Director General for <Portfolio> <Name> at the Ministry of
<Portfolio>". The small model reads a title's portfolio as an organisation and glues titles to
names ("<Portfolio> <Name>"). This component, after ``kg_entity_ruler``:

1. finds role phrases from a title lexicon (``patterns/roles.json``: titles, their modifiers,
   portfolio words, honorifics);
2. drops entities inside a role phrase (the portfolio is part of the title), and makes the name
   next to it a Person: the entity just after the title or just before ", title";
3. finds the employer: an organisation or country in the title's complement ("of Japan", "at the
   Ministry of ..."), after it (", European Commission"), or before it ("Japanese", "the ROK's");
   else the ministry the gazetteer knows by the portfolio ("Minister of X" -> "Ministry of X");
4. links short forms to the full name within the document ("Minister <Family>" is the person
   named "<Family> <Given>" earlier), and an acronym defined in brackets ("<Name> (ABC)") stands for
   the name before it.

Roles leave in ``doc._.roles`` as ``(holder_id, title, employer_id or "", sentence token start)``;
``kg_relations`` turns them into ``holdsPositionIn`` relations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..gazetteer import Gazetteer, default_gazetteer
from .entities import person_id, slugify
from ..lexicon import configured_patterns, load_patterns



def role_rules() -> dict[str, Any]:
    """The role lexicon (``patterns/roles.json``), checked against its schema."""
    return load_patterns("roles")


@dataclass(frozen=True)
class RolePhrase:
    """A title in the text: tokens [start, end), its words, the portfolio and the complement entity."""

    start: int
    end: int
    title: str
    portfolio: str


class RoleFinder:
    """Titles, their holders and employers; short names and acronyms resolved per document."""

    def __init__(self, nlp: Language, name: str, *, gazetteer: Gazetteer | None = None, patterns: dict[str, Any] | None = None):
        self.name = name
        self.gazetteer = gazetteer or default_gazetteer()
        rules = role_rules() if patterns is None else configured_patterns("roles", patterns)
        self.titles = sorted((tuple(t.lower().split()) for t in rules["titles"]), key=len, reverse=True)
        self.modifiers = {m.lower() for m in rules["modifiers"]}
        self.portfolio_words = {w.lower() for w in rules["portfolio_words"]}
        self.honorifics = {h.lower() for h in rules["honorifics"]}
        self.complement_words = {w.lower() for w in rules["complement_words"]}
        self.employer_types = set(rules["employer_types"])
        self.portfolio_prefixes = list(rules["portfolio_prefixes"])
        self.org_heads = {w.lower() for w in rules["organisation_heads"]}

    def __call__(self, doc: Doc) -> Doc:
        phrases = self.find_phrases(doc)
        self.set_annotations(doc, phrases)
        return doc

    # -- role phrases ---------------------------------------------------------------------

    def _title_at(self, doc: Doc, i: int) -> int:
        """The end of a title starting at token i (0 if none); titles are capitalised in names."""
        if not doc[i].text[:1].isupper():
            return 0
        words = [t.lower_ for t in doc[i : i + 5]]
        for title in self.titles:
            if tuple(words[: len(title)]) == title:
                return i + len(title)
        return 0

    def find_phrases(self, doc: Doc) -> list[RolePhrase]:
        phrases: list[RolePhrase] = []
        i = 0
        while i < len(doc):
            start = i
            while i < len(doc) and doc[i].lower_ in self.modifiers and doc[i].text[:1].isupper():
                i += 1
            end = self._title_at(doc, i) if i < len(doc) else 0
            if not end:
                i = start + 1
                continue
            if end < len(doc) and doc[end].text in ("-", "\u2010", "\u2011") and not doc[end - 1].whitespace_:
                i = end  # "<Title>-Level Meeting": a hyphen-joined modifier, not a title
                continue
            # "<Title> and <Title> of <Portfolio>": two titles of one person
            while end + 1 < len(doc) and doc[end].lower_ == "and" and self._title_at(doc, end + 1):
                end = self._title_at(doc, end + 1)
            portfolio_start = end
            end = self._portfolio_end(doc, end)
            portfolio = doc[portfolio_start:end].text if end > portfolio_start else ""
            phrases.append(RolePhrase(start, end, doc[start:end].text, portfolio))
            i = max(end, start + 1)
        return phrases

    def _portfolio_end(self, doc: Doc, i: int) -> int:
        """After "of" / "for": portfolio words, commas and "and" ("of Fisheries, Forests and Water")."""
        if i >= len(doc) or doc[i].lower_ not in ("of", "for"):
            return i
        j = i + 1
        last = i
        while j < len(doc) and not doc[j].is_sent_start:
            token = doc[j]
            if token.lower_ in self.portfolio_words and token.text[:1].isupper():
                last = j + 1
            elif token.text in (",", "&") or token.lower_ == "and":
                if j + 1 < len(doc) and doc[j + 1].lower_ in self.portfolio_words and doc[j + 1].text[:1].isupper():
                    pass
                else:
                    break
            else:
                break
            j += 1
        if last > i and last < len(doc) and doc[last].lower_ in self.org_heads:
            return i  # "for <Portfolio> Department": an organisation, the employer
        return last if last > i else i

    # -- annotation -----------------------------------------------------------------------

    def set_annotations(self, doc: Doc, phrases: list[RolePhrase]) -> None:
        ents = list(doc.ents)
        roles: list[tuple[str, str, str, int]] = []
        zones: list[Span] = []  # titles and the employers named with them: no actors of other relations
        for phrase in phrases:
            ents = self._clear_inside(doc, ents, phrase)
            holder, ents = self._holder(doc, ents, phrase)
            if holder is None:
                continue
            employer, named = self._employer(doc, ents, phrase, holder)
            roles.append((holder.id_, phrase.title, employer, phrase.start))
            zones.append(doc[phrase.start : phrase.end])
            if named is not None:
                zones.append(named)
        ents = self._short_names(doc, ents)
        ents = self._acronyms(doc, ents)
        doc.ents = sorted(ents, key=lambda e: e.start)
        ids = {e.id_: e.id_ for e in doc.ents}
        doc._.roles = [(ids.get(h, h), t, e, s) for h, t, e, s in roles]
        doc.spans["kg_role_zones"] = zones

    def _clear_inside(self, doc: Doc, ents: list[Span], phrase: RolePhrase) -> list[Span]:
        """Entities inside a title go (the portfolio is no organisation); one reaching past it is cut to the rest."""
        kept = []
        for ent in ents:
            if ent.end <= phrase.start or ent.start >= phrase.end:
                kept.append(ent)
            elif ent.start >= phrase.start and ent.end <= phrase.end:
                continue
            elif ent.label_ == "Country":
                kept.append(ent)
            else:  # cut to what lies outside the title: "Andean Council [Senior Deputy Chair] ..."
                if ent.start < phrase.start:
                    kept.append(self._part(doc, ent.start, phrase.start, ent.label_))
                if ent.end > phrase.end:
                    kept.append(self._part(doc, phrase.end, ent.end, ent.label_))
        return [e for e in kept if e is not None]

    def _part(self, doc: Doc, start: int, end: int, label: str) -> Span | None:
        while start < end and (doc[start].is_punct or doc[start].lower_ in ("the", "'s", "\u2019s", "for", "of", "at", "and")):
            start += 1
        while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in ("'s", "\u2019s")):
            end -= 1
        if start >= end:
            return None
        entry = self.gazetteer.lookup(doc[start:end].text)
        if entry is not None:
            return Span(doc, start, end, label=entry.type, span_id=entry.id, kb_id=entry.wikidata or "")
        return Span(doc, start, end, label=label, span_id=slugify(doc[start:end].text))
        return kept

    def _name_span(self, doc: Doc, start: int, forward: bool) -> tuple[int, int] | None:
        """Capitalised name tokens (2-4, hyphenated parts included) from start, forward or backward."""
        def is_name(token) -> bool:
            return (token.text[:1].isupper() and token.is_alpha and token.lower_ not in self.honorifics
                    and token.lower_ not in self.portfolio_words and token.ent_type_ not in ("Country",))

        if forward:
            end = start
            while end < len(doc) and end - start < 4:
                token = doc[end]
                if is_name(token) or (token.text in ("-", "\u2010") and end > start and end + 1 < len(doc) and doc[end + 1].is_alpha and not token.whitespace_):
                    end += 1
                elif end > start and doc[end - 1].text in ("-", "\u2010") and token.is_alpha:
                    end += 1
                else:
                    break
            return (start, end) if end - start >= 2 else None
        end = start
        begin = end
        while begin > 0 and end - begin < 4 and is_name(doc[begin - 1]):
            begin -= 1
        return (begin, end) if end - begin >= 2 else None

    def _holder(self, doc: Doc, ents: list[Span], phrase: RolePhrase) -> tuple[Span | None, list[Span]]:
        """The person the title belongs to: right after it (past an honorific), or right before ", title"."""
        after = phrase.end
        while after < len(doc) and (doc[after].lower_ in self.honorifics or doc[after].text == "."):
            after += 1
        before_comma = phrase.start - 1 if phrase.start > 0 and doc[phrase.start - 1].text == "," else None
        for start, forward in ((after, True), (before_comma, False)):
            if start is None:
                continue
            touching = [e for e in ents if (e.start == start if forward else e.end == start)]
            if touching and touching[0].label_ == "Person":
                return touching[0], ents
            if touching and touching[0].label_ in ("Country", "Region") or (touching and touching[0].id_ in self.gazetteer and self.gazetteer[touching[0].id_].type != "Person"):
                continue
            span = self._name_span(doc, start, forward)
            if span is None:
                continue
            name = doc[span[0] : span[1]]
            entry = self.gazetteer.lookup(name.text)
            if entry is not None and entry.type != "Person":
                continue
            person = Span(doc, span[0], span[1], label="Person", span_id=entry.id if entry else person_id(name.text), kb_id=(entry.wikidata or "") if entry else "")
            ents = [e for e in ents if e.end <= span[0] or e.start >= span[1]] + [person]
            return person, ents
        return None, ents

    def _employer(self, doc: Doc, ents: list[Span], phrase: RolePhrase, holder: Span) -> tuple[str, Span | None]:
        """The organisation or country the title is held in, and the entity naming it in the text."""
        employers = [e for e in ents if e.label_ in self.employer_types and e is not holder]
        sent = doc[phrase.start].sent

        def starting_at(k: int) -> Span | None:
            while k < len(doc) and doc[k].lower_ == "the":
                k += 1
            found = [e for e in employers if e.start == k and e.end <= sent.end]
            return found[0] if found else None

        # 1. the title's complement ("of Japan", "for ... Department"), or "at" after the holder
        if phrase.end < len(doc) and doc[phrase.end].lower_ in self.complement_words:
            found = starting_at(phrase.end + 1)
            if found is not None:
                return found.id_, found
        if holder.start >= phrase.end and holder.end < len(doc) and doc[holder.end].lower_ == "at":
            found = starting_at(holder.end + 1)
            if found is not None:
                return found.id_, found
        # 2. just before the title: "Peruvian Minister ...", "Chile's Deputy ...", "Andean Council Senior ..."
        k = phrase.start
        if k > 0 and doc[k - 1].lower_ in ("'s", "\u2019s"):
            k -= 1
        found = [e for e in employers if e.end == k]
        if found:
            return found[-1].id_, found[-1]
        # 3. ", Employer" just after the title: "Minister of Finance, the Netherlands"
        if phrase.end < len(doc) and doc[phrase.end].text == ",":
            found = starting_at(phrase.end + 1)
            if found is not None:
                return found.id_, found
        # 4. the ministry the gazetteer knows by the portfolio
        if phrase.portfolio:
            for prefix in self.portfolio_prefixes:
                entry = self.gazetteer.lookup(prefix + phrase.portfolio)
                if entry is not None and entry.type in self.employer_types:
                    return entry.id, None
        return "", None

    def _short_names(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """A one-word Person (or name after a title) that is part of a fuller Person name is that person."""
        people = [e for e in ents if e.label_ == "Person" and len(e) >= 2]
        parts: dict[str, set[str]] = {}
        for person in people:
            for token in person:
                if token.is_alpha and len(token) > 1:
                    parts.setdefault(token.lower_, set()).add(person.id_)
        result = []
        for ent in ents:
            if len(ent) == 1 and ent.label_ in ("Person", "Company", "Organization", "Place") and ent.id_ not in self.gazetteer:
                owners = parts.get(ent[0].lower_, set())
                if len(owners) > 1:  # a full name named twice beats a title-case headline's "<Family> Visits"
                    counts = sorted(((sum(p.id_ == o for p in people), o) for o in owners), reverse=True)
                    owners = {counts[0][1]} if counts[0][0] > counts[1][0] else set()
                if len(owners) == 1:
                    owner = next(p for p in people if p.id_ in owners)
                    result.append(Span(doc, ent.start, ent.end, label="Person", span_id=owner.id_, kb_id=owner.kb_id_))
                    continue
            result.append(ent)
        return result

    def _acronyms(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """"Name (ACRONYM)": the acronym names the same entity everywhere in the document."""
        defined: dict[str, Span] = {}
        by_start = {e.start: e for e in ents}
        for ent in ents:
            k = ent.end
            if k + 2 < len(doc) and doc[k].text == "(" and doc[k + 2].text == ")":
                acronym = doc[k + 1]
                if acronym.is_upper and acronym.is_alpha and 2 <= len(acronym) <= 8 and ent.label_ not in ("Person",):
                    defined.setdefault(acronym.text, ent)
        if not defined:
            return ents
        result = [e for e in ents if not (len(e) == 1 and e.text in defined and e.id_ != defined[e.text].id_)]
        covered = {i for e in result for i in range(e.start, e.end)}
        for token in doc:
            target = defined.get(token.text)
            if target is None or token.i in covered:
                continue
            if token.i in by_start and by_start[token.i].id_ == target.id_:
                continue
            result.append(Span(doc, token.i, token.i + 1, label=target.label_, span_id=target.id_, kb_id=target.kb_id_))
            covered.add(token.i)
        return result


@Language.factory("kg_roles", default_config={"patterns": None}, requires=["doc.ents"], assigns=["doc.ents", "doc._.roles"])
def make_roles(nlp: Language, name: str, patterns: dict[str, Any] | None) -> RoleFinder:
    """``patterns``: titles and offices in the form of ``patterns/roles.json`` (default: that file)."""
    return RoleFinder(nlp, name, patterns=patterns)


if not Doc.has_extension("roles"):
    Doc.set_extension("roles", default=[])
