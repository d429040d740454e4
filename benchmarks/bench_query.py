"""Benchmark the library queries on Oxigraph (pyoxigraph) and on rdflib's default memory store.

Builds a synthetic dataset shaped like kg's graphs (one named graph per document: sentences,
mentions, entities, figures, reified assertions), runs every library query (except the federated
example) on both engines and prints medians and ratios. rdflib runs each query in a forked child
that is killed after --timeout seconds ("> N s"). Results go to benchmarks/results/*.json.

    .venv/bin/python benchmarks/bench_query.py --triples 1000000
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import random
import statistics
import sys
import time
import zlib
from pathlib import Path

import pyoxigraph as ox
import rdflib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.query import PREFIXES, KGStore, library, run_query  # noqa: E402

B = "https://w3id.org/jk-tech/"
JKT, JKE, JKD, JKF, JKA, JKM = (B + "ontology#", B + "id/", B + "doc/", B + "figure/", B + "assertion/", B + "measure/")
RDF = PREFIXES["rdf"]
XSD = PREFIXES["xsd"]
NIF = PREFIXES["nif"]
TYPES = ["Country"] * 2 + ["Company"] * 5 + ["Technology"] * 4 + ["Industry", "Organization", "Initiative", "Person", "Place"]
MEASURES = ["survey-share", "market-share", "bilateral-trade", "foreign-direct-investment", "investment", "exports", "imports", "growth", "count"]
PREDICATES = [
    "memberOf", "leads", "cooperatesWith", "jointlyDevelops", "imposesExportControlsOn", "liftsExportControlsOn",
    "removesFromWhiteList", "restoresToWhiteList", "complainsTo", "withdrawsComplaintTo", "investsIn", "tradesWith",
    "competesWith", "hasMarketShareIn", "dominates", "suppliesTo", "holdsDialogueWith",
]
FIXED = ["japan", "south-korea", "united-states", "taiwan", "china", "chip-4", "photoresists", "dram", "semiconductors"]
BINDINGS = {"entity-facts": {"entity": "japan"}}


def _lit(value: object, datatype: str | None = None) -> str:
    text = json.dumps(str(value), ensure_ascii=False)
    return f"{text}^^<{XSD}{datatype}>" if datatype else text


def synthetic_nquads(triples: int, seed: int = 7) -> tuple[str, int]:
    """N-Quads text of at least ``triples`` distinct triples shaped like kg's output, and the document count."""
    rng = random.Random(seed)
    entity_count = max(60, triples // 700)
    entities = FIXED + [f"entity-{i}" for i in range(entity_count - len(FIXED))]
    kinds = {e: rng.choice(TYPES) for e in entities}
    kinds.update({"japan": "Country", "south-korea": "Country", "united-states": "Country", "taiwan": "Country",
                  "china": "Country", "chip-4": "Initiative", "photoresists": "Technology", "dram": "Technology",
                  "semiconductors": "Industry"})
    countries = [e for e in entities if kinds[e] == "Country"]
    technologies = [e for e in entities if kinds[e] in ("Technology", "Industry")]
    lines: list[str] = []
    count = docs = 0
    seen: set[str] = set()  # entity descriptions and direct relation triples recur across documents
    while count < triples:
        doc_id = f"doc-{docs:06d}"
        doc, graph = f"<{JKD}{doc_id}>", f"<{JKD}{doc_id}>"
        out = []
        repeats = 0

        def add(s: str, p: str, o: str) -> None:
            nonlocal repeats
            if s.startswith(f"<{JKE}"):
                key = f"{s} {p} {o}"
                repeats += key in seen
                seen.add(key)
            out.append(f"{s} {p} {o} {graph} .")

        add(doc, f"<{RDF}type>", f"<{JKT}Document>")
        add(doc, f"<{PREFIXES['dcterms']}identifier>", _lit(doc_id))
        add(doc, f"<{PREFIXES['dcterms']}title>", _lit(f"Report {docs} on Japan and South Korea"))
        add(doc, f"<{PREFIXES['rdfs']}label>", _lit(f"Report {docs}"))
        add(doc, f"<{PREFIXES['dcterms']}date>", _lit(f"20{rng.randint(15, 26)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}", "date"))
        add(doc, f"<{NIF}isString>", _lit("Lorem ipsum " * 40))
        sentences = []
        used = set()
        for s_index in range(15):
            begin, end = s_index * 100, s_index * 100 + 95
            sentence = f"<{JKD}{doc_id}#char={begin},{end}>"
            sentences.append(sentence)
            add(sentence, f"<{RDF}type>", f"<{JKT}Sentence>")
            add(sentence, f"<{NIF}anchorOf>", _lit(f"Sentence {s_index} of {doc_id} says something about trade and chips."))
            add(sentence, f"<{NIF}beginIndex>", _lit(begin, "nonNegativeInteger"))
            add(sentence, f"<{NIF}endIndex>", _lit(end, "nonNegativeInteger"))
            add(sentence, f"<{NIF}referenceContext>", doc)
            for m_index in range(4):
                entity = rng.choice(entities) if rng.random() < 0.7 else rng.choice(FIXED)
                used.add(entity)
                mention = f"<{JKD}{doc_id}#char={begin + m_index * 10},{begin + m_index * 10 + 6}>"
                add(mention, f"<{RDF}type>", f"<{JKT}Mention>")
                add(mention, f"<{NIF}anchorOf>", _lit(entity))
                add(mention, f"<{NIF}beginIndex>", _lit(begin + m_index * 10, "nonNegativeInteger"))
                add(mention, f"<{NIF}endIndex>", _lit(begin + m_index * 10 + 6, "nonNegativeInteger"))
                add(mention, f"<{NIF}referenceContext>", doc)
                add(mention, f"<{NIF}sentence>", sentence)
                add(mention, f"<{PREFIXES['itsrdf']}taIdentRef>", f"<{JKE}{entity}>")
        for entity in sorted(used):
            node = f"<{JKE}{entity}>"
            add(node, f"<{RDF}type>", f"<{JKT}{kinds[entity]}>")
            add(node, f"<{PREFIXES['rdfs']}label>", json.dumps(entity.replace("-", " ")) + "@en")
            add(node, f"<{PREFIXES['skos']}prefLabel>", json.dumps(entity.replace("-", " ")) + "@en")
            add(node, f"<{JKT}inGazetteer>", _lit("true", "boolean"))
            if zlib.crc32(entity.encode()) % 3 == 0 or entity in FIXED:
                add(node, f"<{PREFIXES['owl']}sameAs>", f"<{PREFIXES['wd']}Q{zlib.crc32(entity.encode()) % 100000}>")
        for f_index in range(3):
            sentence = rng.choice(sentences)
            figure = f"<{JKF}{doc_id}/{f_index}-{f_index + 3}>"
            measure = rng.choice(MEASURES)
            add(figure, f"<{RDF}type>", f"<{JKT}Figure>")
            add(figure, f"<{PREFIXES['schema']}value>", _lit(rng.randint(1, 99), "decimal"))
            add(figure, f"<{PREFIXES['qudt']}unit>", f"<{PREFIXES['unit']}PERCENT>")
            add(figure, f"<{JKT}surfaceText>", _lit(f"{rng.randint(1, 99)}%"))
            add(figure, f"<{JKT}figureKind>", f"<{JKT}Level>")
            add(figure, f"<{PREFIXES['schema']}measuredProperty>", f"<{JKM}{measure}>")
            add(figure, f"<{PREFIXES['schema']}observationAbout>", f"<{JKE}{rng.choice(countries)}>")
            if measure == "market-share":
                add(figure, f"<{JKT}technology>", f"<{JKE}{rng.choice(technologies)}>")
            add(figure, f"<{JKT}period>", _lit(str(rng.randint(2015, 2026)), "gYear"))
            add(figure, f"<{JKT}confidence>", _lit("0.8", "decimal"))
            add(figure, f"<{PREFIXES['prov']}wasDerivedFrom>", sentence)
        for a_index in range(4):
            sentence = rng.choice(sentences)
            predicate = rng.choice(PREDICATES)
            subject = rng.choice(countries + ["japan", "south-korea"])
            obj = "chip-4" if predicate in ("memberOf", "leads") else rng.choice(technologies if predicate in ("hasMarketShareIn", "dominates", "jointlyDevelops") else countries)
            assertion = f"<{JKA}{doc_id}/{a_index}>"
            add(f"<{JKE}{subject}>", f"<{JKT}{predicate}>", f"<{JKE}{obj}>")
            add(assertion, f"<{RDF}type>", f"<{JKT}Assertion>")
            add(assertion, f"<{RDF}subject>", f"<{JKE}{subject}>")
            add(assertion, f"<{RDF}predicate>", f"<{JKT}{predicate}>")
            add(assertion, f"<{RDF}object>", f"<{JKE}{obj}>")
            add(assertion, f"<{JKT}confidence>", _lit("0.7", "decimal"))
            if predicate in ("imposesExportControlsOn", "liftsExportControlsOn", "suppliesTo"):
                add(assertion, f"<{JKT}item>", f"<{JKE}{rng.choice(technologies)}>")
            if predicate in ("cooperatesWith", "jointlyDevelops"):
                add(assertion, f"<{JKT}field>", f"<{JKE}{rng.choice(technologies)}>")
            add(assertion, f"<{JKT}period>", _lit(str(rng.randint(2015, 2026)), "gYear"))
            add(assertion, f"<{PREFIXES['prov']}wasDerivedFrom>", sentence)
        lines.extend(out)
        count += len(out) - repeats
        docs += 1
    return "\n".join(lines) + "\n", docs


def _median_ms(times: list[float]) -> float:
    return round(statistics.median(times) * 1000, 2)


def bench_oxigraph(store: KGStore, queries: dict, repeat: int) -> dict:
    out = {}
    for name, entry in queries.items():
        times, rows = [], 0
        for _ in range(repeat):
            start = time.perf_counter()
            result = run_query(store, entry.text, BINDINGS.get(name), parameters=entry.parameters)
            times.append(time.perf_counter() - start)
            rows = len(result)
        out[name] = {"median_ms": _median_ms(times), "rows": rows, "runs": len(times)}
        print(f"  oxigraph {name:<22} {out[name]['median_ms']:>10.1f} ms  {rows} rows", flush=True)
    return out


def _rdflib_child(conn, dataset, text: str, bindings: dict, repeat: int) -> None:
    for _ in range(repeat):
        start = time.perf_counter()
        rows = len(list(dataset.query(text, initNs=PREFIXES, initBindings=bindings)))
        conn.send((time.perf_counter() - start, rows))
    conn.close()


def bench_rdflib(dataset, queries: dict, repeat: int, timeout: float) -> dict:
    context = multiprocessing.get_context("fork")  # the child shares the parsed dataset
    out = {}
    for name, entry in queries.items():
        bindings = {k: rdflib.URIRef(JKE + v) for k, v in BINDINGS.get(name, {}).items()}
        parent, child = context.Pipe()
        process = context.Process(target=_rdflib_child, args=(child, dataset, entry.text, bindings, repeat))
        process.start()
        child.close()
        times, rows = [], 0
        while len(times) < repeat and parent.poll(timeout):
            try:
                seconds, rows = parent.recv()
            except EOFError:
                break
            times.append(seconds)
        process.kill()
        process.join()
        if times:
            out[name] = {"median_ms": _median_ms(times), "rows": rows, "runs": len(times)}
            print(f"  rdflib   {name:<22} {out[name]['median_ms']:>10.1f} ms  {rows} rows", flush=True)
        else:
            out[name] = {"median_ms": None, "timeout_s": timeout, "rows": None, "runs": 0}
            print(f"  rdflib   {name:<22} > {timeout:g} s", flush=True)
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="approximate size of the synthetic graph")
    parser.add_argument("--repeat", type=int, default=5, help="runs per query on Oxigraph (median reported)")
    parser.add_argument("--rdflib-repeat", type=int, default=3, help="runs per query on rdflib")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds an rdflib query may take before it is stopped")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results", help="directory for the JSON results")
    parser.add_argument("--skip-rdflib", action="store_true", help="only run Oxigraph")
    args = parser.parse_args(argv)

    queries = {name: entry for name, entry in library().items() if "SERVICE" not in entry.text}
    start = time.perf_counter()
    data, docs = synthetic_nquads(args.triples)
    generated = time.perf_counter() - start
    print(f"Generated {docs} documents in {generated:.1f} s", flush=True)

    start = time.perf_counter()
    raw = ox.Store()
    raw.load(data, format=ox.RdfFormat.N_QUADS)
    store = KGStore(raw)  # what kg.query.load_store gives for a TriG file
    ox_load = time.perf_counter() - start
    triples = len(store)
    print(f"Oxigraph: loaded {triples} distinct triples ({len(store.full)} quads in named graphs and their merge) in {ox_load:.1f} s", flush=True)
    oxigraph = bench_oxigraph(store, queries, args.repeat)
    del store, raw

    rdf, rdf_load = {}, None
    if not args.skip_rdflib:
        start = time.perf_counter()
        dataset = rdflib.Dataset(default_union=True)
        dataset.parse(data=data, format="nquads")
        rdf_load = time.perf_counter() - start
        print(f"rdflib: parsed {len(dataset)} triples in {rdf_load:.1f} s", flush=True)
        del data
        rdf = bench_rdflib(dataset, queries, args.rdflib_repeat, args.timeout)

    rows = []
    print(f"\n{'query':<22} {'oxigraph ms':>12} {'rdflib ms':>12} {'ratio':>9}  rows")
    for name in queries:
        ox_ms = oxigraph[name]["median_ms"]
        rd = rdf.get(name, {})
        if rd.get("median_ms") is not None:
            ratio = rd["median_ms"] / ox_ms if ox_ms else None
            rd_text, ratio_text = f"{rd['median_ms']:.1f}", (f"{ratio:.1f}x" if ratio else "-")
        elif rd:
            ratio, rd_text, ratio_text = None, f"> {rd['timeout_s']:g} s", f"> {rd['timeout_s'] * 1000 / ox_ms:.0f}x" if ox_ms else "-"
        else:
            ratio, rd_text, ratio_text = None, "-", "-"
        agree = "" if not rd or rd.get("rows") in (None, oxigraph[name]["rows"]) else f" (rdflib: {rd['rows']})"
        print(f"{name:<22} {ox_ms:>12.1f} {rd_text:>12} {ratio_text:>9}  {oxigraph[name]['rows']}{agree}")
        rows.append({"query": name, "oxigraph": oxigraph[name], "rdflib": rd or None, "ratio": ratio})
    report = {
        "triples": triples,
        "documents": docs,
        "load_seconds": {"oxigraph": round(ox_load, 2), "rdflib": round(rdf_load, 2) if rdf_load else None},
        "versions": {"pyoxigraph": ox.__version__, "rdflib": rdflib.__version__, "python": platform.python_version()},
        "rdflib_timeout_s": args.timeout,
        "queries": rows,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"bench-query-{args.triples}.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {path}")
    return report


if __name__ == "__main__":
    main()
