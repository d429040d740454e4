"""Score extraction against gold annotations: precision, recall and F1 per document and in total.

Gold files (``tests/gold/<doc-id>.json``) hold ``entities``, ``figures``, optional ``periods`` and
``relations``. Matching:

- an entity matches when its text (or one of its aliases) names the same thing as a predicted
  entity (its label, a gazetteer alias or one of its mentions); among matches, the type accuracy
  is the share whose predicted type equals the gold type;
- a figure matches when the value (``value × scale``) is within 0.5%, the unit is the same and
  the figure's sentence contains the fragment (or the fragment covers the figure);
- a relation matches when subject and object resolve to the same canonical entities and the
  predicate is the same ontology property (either direction for symmetric properties).

Predictions are de-duplicated per document: an entity once, a relation once per
(subject, predicate, object). Periods are not scored (a year is a period, not a figure).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from .corpus import Article
from .errors import GoldError
from .facts import DocumentFacts
from .gazetteer import default_gazetteer, normalize_form
from .lexicon import load_patterns
TOLERANCE = Decimal("0.005")
#: Predicted types the gold conventions leave out (cities and sites): not counted as false positives.
UNSCORED_TYPES = frozenset({"Place"})


@dataclass
class Score:
    """Counts and the items behind them for one category."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)
    typed: int | None = None  # entities: matches whose predicted type is the gold type
    wrong_types: list[str] = field(default_factory=list)

    @property
    def type_accuracy(self) -> float | None:
        """Among matched entities, the share with the right type (None for other categories)."""
        if self.typed is None:
            return None
        return self.typed / self.tp if self.tp else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        if other.typed is not None:
            self.typed = (self.typed or 0) + other.typed

    def as_dict(self, details: bool = True) -> dict[str, Any]:
        result: dict[str, Any] = {
            "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
            "tp": self.tp, "fp": self.fp, "fn": self.fn,
        }
        if self.typed is not None:
            result["type_accuracy"] = round(self.type_accuracy, 4)
        if details:
            result["misses"] = self.misses
            result["false_positives"] = self.false_positives
            if self.typed is not None:
                result["wrong_types"] = self.wrong_types
        return result


CATEGORIES = ("entities", "figures", "relations")


@dataclass
class DocumentScore:
    article_id: str
    scores: dict[str, Score]


@lru_cache(maxsize=1)
def unit_aliases() -> dict[str, str]:
    return load_patterns("units")["aliases"]


def normalize_unit(unit: str) -> str:
    """Map a unit name of a gold file to the extractor's unit names.

    >>> normalize_unit("duration_years"), normalize_unit("%"), normalize_unit("usd")
    ('year', 'percent', 'USD')
    """
    unit = unit.strip()
    aliases = unit_aliases()
    if unit.lower() in aliases:
        return aliases[unit.lower()]
    if len(unit) == 3 and unit.isalpha():
        return unit.upper()
    return unit.lower()


@lru_cache(maxsize=1)
def _inverses() -> dict[str, str]:
    """Declared inverses (owl:inverseOf): a gold relation with one is compared in the other's direction."""
    from rdflib.namespace import OWL

    from .namespace import ontology_graph

    ns = "https://w3id.org/jk-tech/ontology#"
    return {str(a)[len(ns):]: str(b)[len(ns):] for a, b in ontology_graph().subject_objects(OWL.inverseOf)}


@lru_cache(maxsize=1)
def _predicates() -> tuple[dict[str, str], frozenset[str]]:
    """Ontology property names and labels -> local names; and the symmetric ones."""
    from rdflib.namespace import OWL, RDF, RDFS

    from .namespace import ontology_graph

    graph = ontology_graph()
    ns = "https://w3id.org/jk-tech/ontology#"
    names: dict[str, str] = {}
    symmetric = set()
    for prop in graph.subjects(RDF.type, OWL.ObjectProperty):
        local = str(prop)[len(ns):]
        names[local.lower()] = local
        for label in graph.objects(prop, RDFS.label):
            names[str(label).lower()] = local
        if (prop, RDF.type, OWL.SymmetricProperty) in graph:
            symmetric.add(local)
    return names, frozenset(symmetric)


def resolve_predicate(name: str, where: str) -> str:
    """An ontology property local name for a gold predicate (local name or label)."""
    names, _ = _predicates()
    local = names.get(name.strip().lower())
    if local is None:
        raise GoldError(f"{where}: predicate {name!r} is not a property of the ontology; use a local name such as 'memberOf'")
    return local


def load_gold(path: Path) -> dict[str, Any]:
    """Read and check a gold file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise GoldError(f"{path}: cannot read the gold file ({err.strerror})") from None
    except json.JSONDecodeError as err:
        raise GoldError(f"{path}: invalid JSON at line {err.lineno} column {err.colno}: {err.msg}") from None
    if not isinstance(data, dict):
        raise GoldError(f"{path}: expected a JSON object with entities, figures and relations")
    for key in CATEGORIES:
        if not isinstance(data.get(key, []), list):
            raise GoldError(f"{path}: {key!r} must be a list")
    for n, entity in enumerate(data.get("entities", [])):
        if not entity.get("text") or not entity.get("type"):
            raise GoldError(f"{path}: entities[{n}] needs 'text' and 'type'")
    for n, figure in enumerate(data.get("figures", [])):
        for key in ("sentence_fragment", "value", "unit"):
            if figure.get(key) in (None, ""):
                raise GoldError(f"{path}: figures[{n}] needs {key!r}")
    for n, relation in enumerate(data.get("relations", [])):
        for key in ("subject", "predicate", "object"):
            if not relation.get(key):
                raise GoldError(f"{path}: relations[{n}] needs {key!r}")
        relation["predicate"] = resolve_predicate(relation["predicate"], f"{path}: relations[{n}]")
    return data


class _Resolver:
    """Map a gold entity name to a canonical id, using the gold's own aliases and the gazetteer."""

    def __init__(self, gold: dict[str, Any], facts: DocumentFacts):
        self.gazetteer = default_gazetteer()
        self.by_form: dict[str, str] = {}
        predicted_forms: dict[str, set[str]] = {}
        for entity in facts.entities:
            predicted_forms.setdefault(entity.id, set()).add(normalize_form(entity.label))
        for mention in facts.mentions:
            predicted_forms.setdefault(mention.entity_id, set()).add(normalize_form(mention.text))
        for entity_id, forms in predicted_forms.items():
            for form in forms:
                self.by_form.setdefault(form, entity_id)
        self.gold_groups: dict[str, list[str]] = {}
        for entity in gold.get("entities", []):
            forms = [entity["text"], *entity.get("aliases", [])]
            self.gold_groups[normalize_form(entity["text"])] = [normalize_form(f) for f in forms]

    def resolve(self, name: str) -> str:
        from .extract.entities import slugify

        form = normalize_form(name)
        for candidate in self.gold_groups.get(form, [form]):
            entry = self.gazetteer.lookup(candidate)
            if entry is not None:
                return entry.id
            if candidate in self.by_form:
                return self.by_form[candidate]
        return slugify(name)


def _score_entities(gold: dict, facts: DocumentFacts) -> Score:
    score = Score(typed=0)
    gazetteer = default_gazetteer()
    forms: dict[str, set[str]] = {}
    types: dict[str, str] = {}
    for entity in facts.entities:
        types[entity.id] = entity.type
        names = {normalize_form(entity.label)}
        if entity.id in gazetteer:
            names |= {normalize_form(f) for f in gazetteer[entity.id].surface_forms}
        forms[entity.id] = names
    for mention in facts.mentions:
        forms.setdefault(mention.entity_id, set()).add(normalize_form(mention.text))
    matched_predicted: set[str] = set()
    for entity in gold.get("entities", []):
        names = {normalize_form(n) for n in [entity["text"], *entity.get("aliases", [])]}
        hits = [i for i, f in forms.items() if names & f]
        if hits:
            score.tp += 1
            matched_predicted.update(hits)
            if any(types.get(i) == entity["type"] for i in hits):
                score.typed += 1
            else:
                found = ", ".join(sorted({str(types.get(i)) for i in hits}))
                score.wrong_types.append(f"{entity['text']}: {found}, gold {entity['type']}")
        else:
            score.fn += 1
            score.misses.append(f"{entity['text']} ({entity['type']})")
    for entity_id in sorted(forms):
        if types.get(entity_id) in UNSCORED_TYPES:
            continue  # the gold does not annotate cities and sites: neither hit nor false positive
        if entity_id not in matched_predicted:
            score.fp += 1
            label = next((e.label for e in facts.entities if e.id == entity_id), entity_id)
            score.false_positives.append(f"{label} ({types.get(entity_id)}, id {entity_id})")
    return score


def _figure_sentence(facts: DocumentFacts, figure) -> str:
    for sentence in facts.sentences:
        if sentence.start == figure.sentence_start:
            return sentence.text
    return ""


def _fragment_covers(article: Article, fragment: str, start: int, end: int) -> bool:
    position = article.text.find(fragment)
    while position != -1:
        if position <= start and end <= position + len(fragment):
            return True
        position = article.text.find(fragment, position + 1)
    return False


def _score_figures(gold: dict, facts: DocumentFacts) -> Score:
    score = Score()
    remaining = list(facts.figures)
    for item in gold.get("figures", []):
        try:
            value = Decimal(str(item["value"])) * Decimal(str(item.get("scale") or 1))
        except InvalidOperation:
            raise GoldError(f"figure {item!r}: value and scale must be numbers") from None
        unit = normalize_unit(str(item["unit"]))
        fragment = item["sentence_fragment"]
        found = None
        for figure in remaining:
            predicted = Decimal(figure.value)
            close = abs(abs(predicted) - abs(value)) <= TOLERANCE * abs(value)
            if not close or figure.unit != unit:
                continue
            if fragment in _figure_sentence(facts, figure) or _fragment_covers(facts.article, fragment, figure.start, figure.end):
                found = figure
                break
        if found is not None:
            score.tp += 1
            remaining.remove(found)
        else:
            score.fn += 1
            score.misses.append(f"{item['value']} x {item.get('scale') or 1} {unit} in {fragment!r}")
    for figure in remaining:
        score.fp += 1
        score.false_positives.append(f"{figure.text!r} = {figure.value} {figure.unit} ({figure.measure}) in {_figure_sentence(facts, figure)[:80]!r}")
    return score


def _score_relations(gold: dict, facts: DocumentFacts) -> Score:
    score = Score()
    _, symmetric = _predicates()
    resolver = _Resolver(gold, facts)

    inverses = _inverses()

    def key(subject: str, predicate: str, obj: str) -> tuple[str, str, str]:
        if predicate in inverses:  # "A importsFrom B" is "B suppliesTo A"
            subject, predicate, obj = obj, inverses[predicate], subject
        if predicate in symmetric:
            subject, obj = sorted((subject, obj))
        return subject, predicate, obj

    predicted = {key(r.subject_id, r.predicate, r.object_id) for r in facts.relations}
    expected: dict[tuple[str, str, str], dict] = {}
    for item in gold.get("relations", []):
        k = key(resolver.resolve(item["subject"]), item["predicate"], resolver.resolve(item["object"]))
        expected.setdefault(k, item)
    for k, item in expected.items():
        if k in predicted:
            score.tp += 1
        else:
            score.fn += 1
            score.misses.append(f"{item['subject']} {item['predicate']} {item['object']} ({k[0]} {k[1]} {k[2]})")
    for k in sorted(predicted - set(expected)):
        score.fp += 1
        score.false_positives.append(" ".join(k))
    return score


def score_document(gold: dict[str, Any], facts: DocumentFacts) -> DocumentScore:
    """Score one document's facts against its gold annotations."""
    return DocumentScore(
        facts.article.id,
        {
            "entities": _score_entities(gold, facts),
            "figures": _score_figures(gold, facts),
            "relations": _score_relations(gold, facts),
        },
    )


def evaluate(pairs: list[tuple[Path, Path]], *, nlp=None) -> tuple[list[DocumentScore], dict[str, Score]]:
    """Extract each document and score it against its gold file; return per-document and total scores."""
    from .build import extract_documents
    from .corpus import read_article

    golds = [load_gold(gold_path) for gold_path, _ in pairs]
    articles = [read_article(Path(doc_path)) for _, doc_path in pairs]
    documents = extract_documents(articles, nlp=nlp)
    results = [score_document(gold, facts) for gold, facts in zip(golds, documents)]
    total = {c: Score(typed=0) if c == "entities" else Score() for c in CATEGORIES}
    for result in results:
        for c in CATEGORIES:
            total[c].add(result.scores[c])
    return results, total


def pair_gold_with_documents(gold_dir: Path, corpus_paths: list[Path]) -> list[tuple[Path, Path]]:
    """Match ``<gold_dir>/<doc-id>.json`` to the corpus documents with that id.

    With corpus directories, every gold file must have its document. With document files only,
    each of them must have a gold file, and gold files for other documents are left aside (so a
    subset of a corpus can be scored).
    """
    from .corpus import find_documents, read_article

    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise GoldError(f"{gold_dir}: not a directory of gold files")
    documents = {read_article(p).id: p for p in find_documents(corpus_paths)}
    only_files = bool(corpus_paths) and all(Path(p).is_file() for p in corpus_paths)
    golds = {p.stem: p for p in sorted(gold_dir.glob("*.json"))}
    pairs = []
    if only_files:
        for doc_id, path in sorted(documents.items()):
            if doc_id not in golds:
                raise GoldError(f"{path}: no gold file {gold_dir / (doc_id + '.json')} for document {doc_id!r}")
            pairs.append((golds[doc_id], path))
        return pairs
    for doc_id, gold_path in golds.items():
        if doc_id not in documents:
            raise GoldError(f"{gold_path}: no corpus document has id {doc_id!r}; name gold files <doc-id>.json")
        pairs.append((gold_path, documents[doc_id]))
    if not pairs:
        raise GoldError(f"{gold_dir}: no *.json gold files")
    return pairs


def report(results: list[DocumentScore], total: dict[str, Score]) -> dict[str, Any]:
    """The evaluation as a JSON-ready dict."""
    return {
        "documents": {r.article_id: {c: r.scores[c].as_dict() for c in CATEGORIES} for r in results},
        "total": {c: total[c].as_dict(details=False) for c in CATEGORIES},
    }
