"""``kg_group_mentions``: joint mentions ("both nations", "the two countries") resolved to named entities.

Phrases such as "both nations" name the document's two principal countries (the two most
mentioned, or the first two coordinated); "both companies" the last two companies named. They go
to ``doc._.groups`` as ``(start, end, (id1, id2))`` token offsets. The phrases are data in
``patterns/entity_rules.json``.
"""

from __future__ import annotations

from collections import Counter

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from ..gazetteer import Gazetteer, default_gazetteer
from .entities import entity_rules


class GroupMentions:
    """Resolve "both nations", "the two countries" ... to the document's two principal countries."""

    def __init__(self, nlp: Language, name: str, *, gazetteer: Gazetteer | None = None):
        self.name = name
        self.gazetteer = gazetteer or default_gazetteer()
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        groups = entity_rules()["group_mentions"]
        self.matcher.add("GROUP", [nlp.make_doc(p) for p in groups["phrases"]])
        self.company_matcher = Matcher(nlp.vocab)
        self.company_matcher.add("COMPANIES", [[
            {"LOWER": {"IN": ["both", "two"]}},
            {"IS_PUNCT": False, "LOWER": {"NOT_IN": ["and", "or"]}, "OP": "{0,2}"},
            {"LOWER": {"IN": groups["company_nouns"]}},
        ]])

    def __call__(self, doc: Doc) -> Doc:
        matches = self.match(doc)
        self.set_annotations(doc, matches)
        return doc

    def match(self, doc: Doc) -> list[tuple[int, int, str]]:
        spans = [(doc[s:e], doc.vocab.strings[m]) for m, s, e in self.matcher(doc)]
        spans += [(doc[s:e], "COMPANIES") for m, s, e in self.company_matcher(doc)]
        # keep the longest of overlapping phrases ("the two nations" over "two nations")
        kept: list[tuple[int, int, str]] = []
        for span, kind in sorted(spans, key=lambda x: (-(len(x[0])), x[0].start)):
            if all(span.end <= s or span.start >= e for s, e, _ in kept):
                kept.append((span.start, span.end, kind))
        return sorted(kept)

    def set_annotations(self, doc: Doc, matches: list[tuple[int, int, str]]) -> None:
        pair = principal_pair(doc)
        groups = []
        doc.spans["kg_group_phrases"] = [doc[start:end] for start, end, _ in matches]
        for start, end, kind in matches:
            ids = pair if kind == "GROUP" else last_two(doc, start, "Company")
            if ids:
                groups.append((start, end, ids))
        doc._.groups = groups


def last_two(doc: Doc, before: int, label: str) -> tuple[str, str] | None:
    """The last two distinct entities of a type named before a token ("both companies")."""
    sentence_start = doc[before].sent.start
    earlier = [e for e in doc.ents if e.end <= sentence_start and e.label_ == label]
    same = [e for e in doc.ents if sentence_start <= e.start and e.end <= before and e.label_ == label]
    for pool in (earlier, earlier + same):  # prefer names from earlier sentences
        seen: list[str] = []
        for ent in reversed(pool):
            if ent.id_ not in seen:
                seen.append(ent.id_)
            if len(seen) == 2:
                return (seen[1], seen[0])
    return None


def principal_pair(doc: Doc) -> tuple[str, str] | None:
    """The two countries a document is about: the two most mentioned, if clearly ahead of a third."""
    counts = Counter(ent.id_ for ent in doc.ents if ent.label_ == "Country")
    ranked = counts.most_common()
    if len(ranked) < 2:
        return None
    if len(ranked) > 2 and ranked[1][1] <= ranked[2][1]:
        # a tie: the first two countries coordinated in the text ("France and Italy agreed")
        countries = [e for e in doc.ents if e.label_ == "Country"]

        def joined(x: Span, y: Span) -> bool:
            return doc[x.end : y.start].text.strip().lower() in ("and", "&", ",", ", and")

        for k in range(len(countries) - 1):
            a, b = countries[k], countries[k + 1]
            in_longer_list = (k > 0 and joined(countries[k - 1], a)) or (k + 2 < len(countries) and joined(b, countries[k + 2]))
            if a.id_ != b.id_ and joined(a, b) and not in_longer_list and min(counts[a.id_], counts[b.id_]) >= ranked[2][1]:
                return tuple(sorted((a.id_, b.id_)))  # type: ignore[return-value]
        return None
    first, second = sorted((ranked[0][0], ranked[1][0]))
    return (first, second)


@Language.factory(
    "kg_group_mentions",
    default_config={},
    requires=["doc.ents"],
    assigns=["doc._.groups"],
)
def make_group_mentions(nlp: Language, name: str) -> GroupMentions:
    return GroupMentions(nlp, name)


if not Doc.has_extension("groups"):
    Doc.set_extension("groups", default=[])
