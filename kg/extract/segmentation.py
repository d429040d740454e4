"""Segmentation components, all cheap and run before the extractors see a sentence.

``kg_line_breaks``: a line break ends a sentence (headlines, infobox lines, bullet lists).
``kg_sentence_cap``: no sentence is longer than ``max_tokens`` tokens or ``max_chars``
characters, so extractors whose cost grows with sentence length never see a runaway "sentence"
(a 2 MB text without punctuation). ``kg_script_boundaries``: no entity spans a boundary between
Latin and CJK or Hangul letters ("Hanmi한미반도체" is two names, not one).
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

#: Letters of the Latin script (ASCII and Latin-1 to Latin Extended-B, without × and ÷).
LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
#: Han, kana and Hangul letters.
CJK = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
_LATIN_END = re.compile(f"[{LATIN}]$")
_LATIN_START = re.compile(f"^[{LATIN}]")
_CJK_END = re.compile(f"[{CJK}]$")
_CJK_START = re.compile(f"^[{CJK}]")
#: Tokens that end a sentence: a cut placed right after one breaks no sentence.
SENTENCE_END = frozenset({".", "!", "?", "…", "。", "！", "？", "．"})


@Language.component("kg_line_breaks", assigns=["token.is_sent_start"])
def line_breaks(doc: Doc) -> Doc:
    """Mark the first token after a whitespace token holding a newline as a sentence start.

    And forbid a start the parser would otherwise put at a lower-case word right after a word
    of the same line ("Seoul | and Tokyo agreed ..." after a title line): a sentence begins with a
    capital, a digit or a symbol, or after a full stop. Runs before the parser, which keeps the
    starts and non-starts already set.
    """
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
        else:
            following = doc[token.i + 1]
            if following.text[:1].islower() and token.text[-1:].isalnum() and following.is_sent_start is None:
                following.is_sent_start = False
    return doc


class SentenceCap:
    """Set sentence starts so that no sentence exceeds ``max_tokens`` tokens or ``max_chars`` characters.

    Runs after ``kg_line_breaks`` and before the parser, which keeps preset starts and only adds
    others, so the bound holds for the parser's sentences too. Within a too-long stretch the
    cut goes right after the last full stop if there is one (where the parser would split
    anyway); otherwise it is a hard cut, counted in ``doc.user_data["kg_sentence_cuts"]``.
    """

    def __init__(self, nlp: Language, name: str, *, max_tokens: int, max_chars: int):
        self.name = name
        self.max_tokens = max_tokens
        self.max_chars = max_chars

    def __call__(self, doc: Doc) -> Doc:
        cuts = self.set_annotations(doc, self.match(doc))
        doc.user_data["kg_sentence_cuts"] = doc.user_data.get("kg_sentence_cuts", 0) + cuts
        return doc

    def _too_long(self, doc: Doc, start: int, token: Token) -> bool:
        return token.i - start >= self.max_tokens or token.idx + len(token) - doc[start].idx > self.max_chars

    def match(self, doc: Doc) -> list[tuple[int, bool]]:
        """(token index, hard cut?) of every sentence start to add."""
        starts: list[tuple[int, bool]] = []
        start, after_stop = 0, None
        for token in doc[1:]:
            if token.is_sent_start:
                start, after_stop = token.i, None
            elif self._too_long(doc, start, token):
                soft = after_stop is not None and after_stop > start
                cut = after_stop if soft else token.i
                starts.append((cut, not soft))
                start, after_stop = cut, None
                if self._too_long(doc, start, token):  # one token longer than max_chars
                    starts.append((token.i, True))
                    start = token.i
            if token.text in SENTENCE_END and token.i + 1 < len(doc):
                after_stop = token.i + 1
        return starts

    @staticmethod
    def set_annotations(doc: Doc, starts: list[tuple[int, bool]]) -> int:
        for i, _ in starts:
            doc[i].is_sent_start = True
        return sum(1 for i, hard in starts if hard and i > 0)


@Language.factory(
    "kg_sentence_cap",
    default_config={"max_tokens": 250, "max_chars": 3000},
    assigns=["token.is_sent_start"],
)
def make_sentence_cap(nlp: Language, name: str, max_tokens: int, max_chars: int) -> SentenceCap:
    return SentenceCap(nlp, name, max_tokens=max_tokens, max_chars=max_chars)


def script_boundary(left: Token, right: Token) -> bool:
    """True if two adjacent tokens, with no space between them, change between Latin and CJK/Hangul."""
    if left.whitespace_:
        return False
    return bool(
        (_LATIN_END.search(left.text) and _CJK_START.search(right.text))
        or (_CJK_END.search(left.text) and _LATIN_START.search(right.text))
    )


@Language.component("kg_script_boundaries", requires=["doc.ents"], assigns=["doc.ents"])
def script_boundaries(doc: Doc) -> Doc:
    """Split every entity at Latin/CJK boundaries; each part keeps the entity's label.

    The tokeniser already splits "Tokyo東京" into two tokens; this keeps the NER from joining
    them again into one cross-script name.
    """
    ents: list[Span] = []
    for ent in doc.ents:
        start = ent.start
        for i in range(ent.start + 1, ent.end):
            if script_boundary(doc[i - 1], doc[i]):
                ents.append(Span(doc, start, i, label=ent.label_))
                start = i
        ents.append(ent if start == ent.start else Span(doc, start, ent.end, label=ent.label_))
    doc.ents = ents
    return doc


def sentence_start_char(sent) -> int:
    """Character offset (in the Doc) of a sentence's first non-space token.

    ``facts.doc_to_facts`` names sentences by these trimmed offsets, so figures and relations
    refer to their sentence the same way.
    """
    for token in sent:
        if not token.is_space:
            return token.idx
    return sent.start_char
