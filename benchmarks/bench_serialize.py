"""Benchmark writing a built graph: rdflib's serialisers against kg's (pyoxigraph), same data, one process.

    .venv/bin/python benchmarks/make_corpus.py /tmp/corpus-100 --documents 100
    .venv/bin/kg build /tmp/corpus-100 --out /tmp/out-100
    .venv/bin/python benchmarks/bench_serialize.py /tmp/out-100/graph.trig --rounds 3

The graph file is read once into an rdflib Dataset (and its union graph). Each round times
rdflib's own Turtle, TriG, N-Triples and N-Quads writers and ``kg.serialize.serialize`` in the
same four formats (Oxigraph behind kg's ordering and prefixes). Reported: the best round of each
and the speed-up.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, os.environ.get("KG_REPO") or str(Path(__file__).resolve().parent.parent))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph", type=Path, help="a built graph.trig")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    from kg.rdfgraph import plain_graph
    from kg.serialize import serialize
    from kg.store import load_graph

    dataset = load_graph(args.graph)
    union = plain_graph(dataset)
    print(f"{args.graph}: {len(union)} triples, best of {args.rounds} rounds")
    cases = {
        "ttl": (union, "turtle"),
        "trig": (dataset, "trig"),
        "nt": (union, "nt"),
        "nq": (dataset, "nquads"),
    }
    for fmt, (graph, rdflib_name) in cases.items():
        best = {"rdflib": float("inf"), "kg": float("inf")}
        for _ in range(args.rounds):
            start = time.perf_counter()
            graph.serialize(format=rdflib_name, encoding="utf-8")
            best["rdflib"] = min(best["rdflib"], time.perf_counter() - start)
            start = time.perf_counter()
            serialize(graph, fmt)
            best["kg"] = min(best["kg"], time.perf_counter() - start)
        print(f"  {fmt:<5} rdflib {best['rdflib']:7.2f} s   kg (pyoxigraph) {best['kg']:6.2f} s   {best['rdflib'] / best['kg']:5.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
