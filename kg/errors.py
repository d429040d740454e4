"""Errors raised by the library; the CLI turns them into one-line messages with exit code 2."""

from __future__ import annotations


class KGError(Exception):
    """Base class: the message says what is wrong, where, and what to do next."""


class CorpusError(KGError):
    """A corpus path or document cannot be read or is malformed."""


class GraphError(KGError):
    """A graph file cannot be read or written."""


class QueryError(KGError):
    """A SPARQL query is invalid or cannot be run."""


class GoldError(KGError):
    """A gold-annotation file is malformed."""
