"""Claims: one fact as several documents report it, with corroboration, conflicts, modality and time.

Plain Python over the facts of all documents (no spaCy, no rdflib); ``graph.py`` turns the result
into RDF. A relation claim is a subject, property and object (the extractor already orders the
two sides of a symmetric property); a figure claim is a measure, subjects, technologies, period,
unit and kind whose values agree after rounding. A denied fact ("did not impose") is a claim of its
own; every other support keeps its modality label, and the claim takes the most frequent one.

Independence: documents that tell the same story (near-duplicates, found by MinHash over word
shingles and confirmed by exact Jaccard similarity) count once; publishers and their countries
come from each document's ``Publisher`` header, resolved through the gazetteer.

>>> agree(FigureValue.of("61400000000", "$61.4 billion"), FigureValue.of("61000000000", "about $61 billion", "about"))
True
>>> agree(FigureValue.of("61400000000", "$61.4 billion"), FigureValue.of("58000000000", "$58 billion"))
False
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Iterable

from .corpus import Article
from .facts import DocumentFacts, Figure, Relation
from .gazetteer import Gazetteer, default_gazetteer
from .lexicon import load_patterns
from .repeats import without_url_queries

#: A denied fact is a claim of its own; all other modalities report the same claim (each support keeps its label).
POLARITY = {"negated": "denied"}
#: A plan or forecast made before its period never contradicts what is reported once the period has come.
PROSPECTIVE = {"plan", "forecast"}
#: Modalities that assert a relation as holding (a plan or a hedge does not contradict a fact).
ASSERTING = {"fact", "opinion"}
_NUMBER = re.compile(r"\d[\d,]*(?:\.(\d+))?")
_WORD = re.compile(r"\w+")
_MERSENNE = (1 << 61) - 1


@lru_cache(maxsize=1)
def claim_rules() -> dict[str, Any]:
    """Thresholds and qualifier words (``patterns/claims.json``)."""
    return load_patterns("claims")


# ---------------------------------------------------------------------------------------------
# Values that agree after rounding
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureValue:
    """A figure's value with the precision it was written with, and its bound if it has one."""

    value: Decimal
    step: Decimal  # one unit of the last written digit, in the value's scale
    bound: str = "exact"  # exact, approximate, lower, upper

    @classmethod
    def of(cls, value: str, text: str, qualifier: str | None = None) -> FigureValue:
        number = Decimal(value)
        match = _NUMBER.search(text)
        step = Decimal(1)
        if match:
            try:
                written = Decimal(match.group(0).replace(",", ""))
            except InvalidOperation:
                written = Decimal(0)
            decimals = len(match.group(1) or "")
            scale = abs(number / written) if written else Decimal(1)
            digits = match.group(0).replace(",", "")
            zeros = len(digits) - len(digits.rstrip("0")) if not decimals else 0
            if zeros >= 2 and len(digits) - zeros >= 2:  # "31,000" is rounded to thousands, "100" may be exact
                decimals = -zeros
            step = scale * Decimal(1).scaleb(-decimals)
        rules = claim_rules()
        words = (qualifier or "").lower()
        bound = "exact"
        if any(words.startswith(q) for q in rules["approximate_qualifiers"]):
            bound = "approximate"
        elif any(words.startswith(q) for q in rules["lower_bound_qualifiers"]):
            bound = "lower"
        elif any(words.startswith(q) for q in rules["upper_bound_qualifiers"]):
            bound = "upper"
        return cls(number, step, bound)

    @property
    def tolerance(self) -> Decimal:
        return self.step if self.bound == "approximate" else self.step / 2


def agree(a: FigureValue, b: FigureValue) -> bool:
    """Whether two values of one claim key can both be right, given rounding and bounds."""
    if a.bound in ("lower", "upper") or b.bound in ("lower", "upper"):
        bounded, other = (a, b) if a.bound in ("lower", "upper") else (b, a)
        slack = other.tolerance
        return other.value >= bounded.value - slack if bounded.bound == "lower" else other.value <= bounded.value + slack
    return abs(a.value - b.value) <= max(a.tolerance, b.tolerance)


# ---------------------------------------------------------------------------------------------
# Near-duplicate documents
# ---------------------------------------------------------------------------------------------


def shingles(text: str, size: int) -> set[str]:
    """The word ``size``-grams of a text, lower-cased, URL query strings dropped.

    >>> sorted(shingles("A b  C d", 3))
    ['a b c', 'b c d']
    """
    words = _WORD.findall(without_url_queries(text).lower())
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def _hash32(text: str, salt: bytes = b"") -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=4, salt=salt).digest(), "big")


@lru_cache(maxsize=4)
def _permutations(count: int) -> tuple[tuple[int, int], ...]:
    """The fixed hash functions ``(a * x + b) mod p`` of a MinHash signature, the same in every process."""
    return tuple((_hash32(f"a{k}", b"kg-minhash") | 1, _hash32(f"b{k}", b"kg-minhash")) for k in range(count))


def minhash(items: set[str], permutations: int) -> tuple[int, ...]:
    """A MinHash signature: for each of ``permutations`` fixed hash functions, the least hash of an item.

    Computed with numpy in unsigned 64-bit integers: ``a * v + b`` stays below 2**64 because
    ``a``, ``v`` and ``b`` are below 2**32, so the values are exact.

    >>> minhash({"one two three", "two three four"}, 3) == tuple(
    ...     min((a * _hash32(x) + b) % _MERSENNE for x in ("one two three", "two three four")) for a, b in _permutations(3))
    True
    """
    import numpy as np

    values = np.array([_hash32(item) for item in items] or [0], dtype=np.uint64)
    factors = np.array(_permutations(permutations), dtype=np.uint64)
    hashes = (factors[:, :1] * values[None, :] + factors[:, 1:]) % np.uint64(_MERSENNE)
    return tuple(int(h) for h in hashes.min(axis=1))


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def near_duplicates(articles: Iterable[Article]) -> dict[str, str]:
    """Map each document that repeats an earlier story to that earlier document's id.

    Candidates share a band of their MinHash signatures (locality-sensitive hashing, so the cost
    grows with the corpus, not with its square); each candidate pair is confirmed by the exact
    Jaccard similarity of its shingles. "Earlier" is by date, then id.
    """
    rules = claim_rules()
    size, permutations, bands = rules["shingle_size"], rules["minhash_permutations"], rules["minhash_bands"]
    rows = permutations // bands
    ordered = sorted(articles, key=lambda a: (a.date or "9999", a.id))
    sets = {a.id: shingles(a.text[a.body_start : a.body_end], size) for a in ordered}
    buckets: dict[tuple, list[str]] = defaultdict(list)
    duplicate_of: dict[str, str] = {}
    for article in ordered:
        signature = minhash(sets[article.id], permutations)
        candidates: list[str] = []
        for band in range(bands):
            key = (band, signature[band * rows : (band + 1) * rows])
            candidates += buckets[key]
            buckets[key].append(article.id)
        for earlier in dict.fromkeys(candidates):
            if jaccard(sets[article.id], sets[earlier]) >= rules["duplicate_similarity"]:
                duplicate_of[article.id] = duplicate_of.get(earlier, earlier)
                break
    return duplicate_of


# ---------------------------------------------------------------------------------------------
# Publishers
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Publisher:
    key: str  # an entity id, else the publisher's name as written, else the document id
    entity: str | None  # the gazetteer entity of the publisher, when known
    country: str  # a country id of ``publisher_countries``, or "other"


def publisher_of(article: Article, gazetteer: Gazetteer) -> Publisher:
    """The publisher of a document and its country, from the ``Publisher`` header and the gazetteer."""
    name = (article.publisher or "").strip()
    if not name:
        return Publisher(f"document:{article.id}", None, "other")
    known = claim_rules()["publisher_countries"]
    bodies = gazetteer.find_in(name, ("Organization", "Company"))
    countries = [e.id for e in gazetteer.find_in(name, ("Country",))]
    entity = bodies[0] if bodies else None
    country = (entity.country if entity and entity.country else None) or (countries[0] if countries else None)
    key = entity.id if entity else " ".join(name.lower().split())
    return Publisher(key, entity.id if entity else None, country if country in known else "other")


# ---------------------------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------------------------


@dataclass
class Claim:
    """What one or more documents report, with everything needed to weigh it."""

    id: str
    kind: str  # "figure" or "relation"
    key: tuple
    modality: str = "fact"
    figures: list[Figure] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    value: Figure | None = None  # for figure claims: the most precise supporting figure
    documents: tuple[str, ...] = ()  # independent documents (near-duplicates counted once)
    publishers: tuple[str, ...] = ()
    publisher_entities: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    first_reported: str | None = None
    last_reported: str | None = None
    periods: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    conflicts: set[str] = field(default_factory=set)  # ids of conflicting claims

    @property
    def supports(self) -> list[Figure | Relation]:
        return [*self.figures, *self.relations]


@dataclass
class ClaimSet:
    claims: list[Claim]
    figure_conflicts: list[tuple[Figure, Figure]]
    relation_conflicts: list[tuple[Relation, Relation]]
    duplicates: dict[str, str]  # document id -> id of the earlier document it repeats


def _period(fact: Figure | Relation, article: Article) -> str:
    """The reference period: the sentence's own, else the document's date (marked as such)."""
    if fact.period:
        return fact.period
    return f"reported:{article.date[:4]}" if article.date else "reported:unknown"


def _in_advance(figure: Figure, articles: dict[str, Article]) -> bool:
    """A plan or forecast reported before its period began ("will reach $100 billion in 2030", said in 2024)."""
    date = articles[figure.article_id].date
    return bool(figure.modality in PROSPECTIVE and figure.period and date and date[:4] < figure.period[:4])


def _outcome_of_forecast(a: Figure, b: Figure, articles: dict[str, Article]) -> bool:
    """One figure is a plan or forecast made in advance, the other what was reported as happening."""
    return (_in_advance(a, articles) and b.modality not in PROSPECTIVE) or (_in_advance(b, articles) and a.modality not in PROSPECTIVE)


def _overlap(a: str, b: str) -> bool:
    a, b = a.removeprefix("reported:"), b.removeprefix("reported:")
    return a.startswith(b) or b.startswith(a)


def _figure_key(figure: Figure, article: Article) -> tuple:
    measure = figure.measure or f"text:{' '.join((figure.measure_text or '').lower().split())}"
    counted = " ".join((figure.counted or "").lower().split())
    return ("figure", measure, tuple(sorted(set(figure.subjects))), tuple(sorted(set(figure.technologies))), counted,
            _period(figure, article), figure.unit, figure.kind, POLARITY.get(figure.modality, "stated"))


def _relation_key(relation: Relation) -> tuple:
    return ("relation", relation.subject_id, relation.predicate, relation.object_id, POLARITY.get(relation.modality, "stated"))


def _claim_id(parts: Iterable[Any]) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def _clusters(figures: list[Figure]) -> list[list[Figure]]:
    """Figures whose values agree, as connected groups (in value order)."""
    values = {id(f): FigureValue.of(f.value, f.text, f.qualifier) for f in figures}
    ordered = sorted(figures, key=lambda f: (Decimal(f.value), f))
    groups: list[list[Figure]] = []
    for figure in ordered:
        for group in groups:
            if any(agree(values[id(figure)], values[id(other)]) for other in group):
                group.append(figure)
                break
        else:
            groups.append([figure])
    return groups


def _precision(figure: Figure) -> tuple:
    match = _NUMBER.search(figure.text)
    return (len(match.group(1) or "") if match else -1, figure.qualifier is None, figure)


def _fill(claim: Claim, articles: dict[str, Article], publishers: dict[str, Publisher], duplicates: dict[str, str]) -> None:
    supports = claim.supports
    documents = sorted({duplicates.get(s.article_id, s.article_id) for s in supports})
    claim.documents = tuple(documents)
    claim.publishers = tuple(sorted({publishers[d].key for d in documents}))
    claim.publisher_entities = tuple(sorted({publishers[d].entity for d in documents if publishers[d].entity}))
    claim.countries = tuple(sorted({publishers[d].country for d in documents}))
    dates = sorted(articles[s.article_id].date for s in supports if articles[s.article_id].date)
    claim.first_reported, claim.last_reported = (dates[0], dates[-1]) if dates else (None, None)
    claim.periods = tuple(sorted({_period(s, articles[s.article_id]) for s in supports}))
    claim.agents = tuple(sorted({s.agent for s in supports if s.agent}))
    labels = Counter(s.modality for s in supports)
    order = ("fact", "opinion", "plan", "forecast", "hedged", "negated")
    claim.modality = min(labels, key=lambda m: (-labels[m], order.index(m)))


def build_claims(documents: list[DocumentFacts], gazetteer: Gazetteer | None = None,
                 contradictions: Iterable[tuple[str, str]] = ()) -> ClaimSet:
    """Group the figures and relations of all documents into claims, and find their conflicts.

    ``contradictions`` are pairs of properties that cannot hold between the same subject and
    object at the same time (``jkt:contradicts`` in the ontology), in either order.
    """
    pairs = [tuple(pair) for pair in contradictions]
    opposites = frozenset(pairs) | frozenset((b, a) for a, b in pairs)
    gazetteer = gazetteer or default_gazetteer()
    rules = claim_rules()
    articles = {d.article.id: d.article for d in documents}
    by_name: dict[str, Publisher] = {}  # a corpus has few publishers: resolve each name once
    publishers = {}
    for facts in documents:
        article = facts.article
        name = (article.publisher or "").strip()
        if not name:
            publishers[article.id] = publisher_of(article, gazetteer)
            continue
        if name not in by_name:
            by_name[name] = publisher_of(article, gazetteer)
        publishers[article.id] = by_name[name]
    duplicates = near_duplicates(articles.values())

    claims: list[Claim] = []
    figure_conflicts: list[tuple[Figure, Figure]] = []
    by_figure_key: dict[tuple, list[Figure]] = defaultdict(list)
    for facts in documents:
        for figure in facts.figures:
            by_figure_key[_figure_key(figure, facts.article)].append(figure)
    for key in sorted(by_figure_key):
        groups = _clusters(by_figure_key[key])
        key_claims = []
        for group in groups:
            best = max(group, key=_precision)
            claim = Claim(_claim_id((*key, best.value)), "figure", key, figures=sorted(group), value=best)
            _fill(claim, articles, publishers, duplicates)
            key_claims.append(claim)
        claims += key_claims
        if key[1] not in rules["single_valued_measures"] or key[-1] == "denied" or len(key_claims) < 2:
            continue
        for i, first in enumerate(key_claims):
            for second in key_claims[i + 1 :]:
                pairs = [(a, b) for a in first.figures for b in second.figures
                         if a.article_id not in duplicates and b.article_id not in duplicates and a.article_id != b.article_id
                         and not _outcome_of_forecast(a, b, articles)]
                if pairs:
                    first.conflicts.add(second.id)
                    second.conflicts.add(first.id)
                    figure_conflicts += pairs

    by_relation_key: dict[tuple, list[Relation]] = defaultdict(list)
    for facts in documents:
        for relation in facts.relations:
            by_relation_key[_relation_key(relation)].append(relation)
    relation_claims: dict[tuple, Claim] = {}
    for key in sorted(by_relation_key):
        claim = Claim(_claim_id(key), "relation", key, relations=sorted(by_relation_key[key]))
        _fill(claim, articles, publishers, duplicates)
        relation_claims[key] = claim
    claims += relation_claims.values()
    relation_conflicts = _relation_conflicts(relation_claims, articles, duplicates, opposites)
    return ClaimSet(sorted(claims, key=lambda c: c.id), sorted(figure_conflicts), sorted(relation_conflicts), duplicates)


def _relation_conflicts(claims: dict[tuple, Claim], articles: dict[str, Article], duplicates: dict[str, str],
                        contradictions: frozenset[tuple[str, str]]) -> list[tuple[Relation, Relation]]:
    """Relations that contradict each other for overlapping periods: opposite properties, or asserted vs denied.

    Only claims about the same subject and object are compared, so the cost grows with the
    number of claims about one pair, not with the square of all claims.
    """
    by_pair: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for key in sorted(claims):
        by_pair[(key[1], key[3])].append(key)
    found: list[tuple[Relation, Relation]] = []
    for keys in by_pair.values():
        for i, first in enumerate(keys):
            for second in keys[i + 1 :]:
                opposite = (first[2], second[2]) in contradictions and first[4] == second[4] == "stated"
                denied = first[2] == second[2] and {first[4], second[4]} == {"stated", "denied"}
                if not (opposite or denied):
                    continue
                pairs = [
                    (a, b) for a in claims[first].relations for b in claims[second].relations
                    if (a.modality in ASSERTING or a.modality == "negated") and (b.modality in ASSERTING or b.modality == "negated")
                    and _overlap(_period(a, articles[a.article_id]), _period(b, articles[b.article_id]))
                    and a.article_id not in duplicates and b.article_id not in duplicates and a.article_id != b.article_id
                ]
                if pairs:
                    claims[first].conflicts.add(claims[second].id)
                    claims[second].conflicts.add(claims[first].id)
                    found += pairs
    return found
