"""Benchmark extraction against bare spaCy on the same texts, in one process, interleaved.

    .venv/bin/python benchmarks/bench_extract.py                    # corpus/ x 10, 3 rounds
    .venv/bin/python benchmarks/bench_extract.py --copies 30 --rounds 5
    .venv/bin/python benchmarks/bench_extract.py --repo ../other-checkout   # kg of another checkout

Both sides run ``nlp.pipe`` over the corpus bodies repeated ``--copies`` times: "spaCy" is the
pinned model alone (tokenizer, tagger, parser, NER), "kg" is ``kg.build.extract_documents`` (the
model plus kg's components and the conversion to facts). The model is loaded once per side,
outside the timing. Reported: the best round of each, words per second, and kg / spaCy. To
compare two versions of kg, run the script with ``--repo`` pointing at each checkout, one after
the other, on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parent.parent, help="checkout whose kg is measured")
    parser.add_argument("--corpus", type=Path, default=None, help="corpus directory (default: REPO/corpus)")
    parser.add_argument("--copies", type=int, default=10, help="times the corpus is repeated per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.repo.resolve()))

    import spacy

    from kg.build import extract_documents
    from kg.corpus import read_corpus
    from kg.nlp import MODEL, make_nlp

    articles = read_corpus([args.corpus or args.repo / "corpus"]) * args.copies
    words = sum(len(a.body.split()) for a in articles)
    bare = spacy.load(MODEL)
    kg_nlp = make_nlp()
    best = {"spaCy": float("inf"), "kg": float("inf")}
    for _ in range(args.rounds):
        start = time.perf_counter()
        for _doc in bare.pipe((a.body for a in articles), batch_size=32):
            pass
        best["spaCy"] = min(best["spaCy"], time.perf_counter() - start)
        start = time.perf_counter()
        extract_documents(articles, nlp=kg_nlp)
        best["kg"] = min(best["kg"], time.perf_counter() - start)
    print(f"{len(articles)} documents, {words} words, best of {args.rounds} rounds ({args.repo})")
    for side, seconds in best.items():
        print(f"  {side:<6} {seconds:7.2f} s  {words / seconds:9.0f} words/s")
    print(f"  kg / spaCy = {best['kg'] / best['spaCy']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
