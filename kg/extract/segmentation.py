"""``kg_line_breaks``: a line break ends a sentence (headlines, infobox lines, bullet lists)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("kg_line_breaks", assigns=["token.is_sent_start"])
def line_breaks(doc: Doc) -> Doc:
    """Mark the first token after a whitespace token holding a newline as a sentence start.

    Runs before the parser, which keeps sentence starts that are already set.
    """
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
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
