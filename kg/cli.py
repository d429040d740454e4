"""The command line: one short function per command, each calling one library function.

Exit codes: 0 success; 1 ``kg validate`` found violations; 2 bad input or usage (the message
says what is wrong and what to do).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .errors import KGError
from .formats import EXPORT_FORMATS


class KGUsageError(click.ClickException):
    """A KGError shown as one line on stderr, exit code 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True, file=file)


class KGGroup(click.Group):
    """Turns library errors into clean one-line messages, never tracebacks."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KGError as err:
            raise KGUsageError(str(err)) from None


@click.group(cls=KGGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg", prog_name="kg")
def cli() -> None:
    """Build and use a knowledge graph of the Japan–South Korea technology relationship.

    Typical session: `kg build corpus/` writes out/graph.ttl; then query, validate, visualise
    or export it.
    """


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", default="out", show_default=True, type=click.Path(path_type=Path), help="Directory for the outputs.")
@click.option("--encoding", metavar="ENCODING", help="Decode documents that are not UTF-8 with this encoding (e.g. cp1252); without it they are an error.")
@click.option("--max-bytes", type=click.IntRange(1), metavar="N", help="Refuse (exit 2) any document file larger than N bytes.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary (warnings are still printed).")
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(0), metavar="N", help="Extract documents in N processes (0: one per core); the output is the same for any N.")
@click.option("--no-cache", is_flag=True, help="Extract every document again instead of reusing OUT/.kg-cache (the facts of documents an earlier build extracted).")
@click.option("--dask", "dask", metavar="ADDRESS", help="Extract on a Dask cluster: a scheduler address (tcp://host:8786) or local:N (N worker processes here); needs kg[dask]. The output is the same.")
def build(paths, out_dir, encoding, max_bytes, quiet, jobs, no_cache, dask):
    """Build the graph from corpus documents (default: corpus/) into OUT.

    PATHS are corpus directories or .txt/.md documents. Writes graph.ttl (Turtle) and
    graph.trig (one named graph per document), atomically: a failed build leaves the previous
    files intact. What the build skipped or repaired (empty or repeated documents, a byte-order
    mark, control characters, HTML, a missing date, ...) is printed on stderr, one warning a
    line, and counted in the summary; the exit code is 0 unless nothing could be built.
    """
    from .build import build_graph, write_outputs
    from .cache import CACHE_NAME
    from .progress import progress_bar

    if dask and jobs != 1:
        raise click.UsageError("--dask and --jobs are exclusive: the Dask workers are the extraction's processes")
    with progress_bar(quiet=quiet, description="Extracting") as progress:
        result = build_graph(paths or [Path("corpus")], progress=progress, encoding=encoding, max_bytes=max_bytes, jobs=jobs,
                             cache_dir=None if no_cache else Path(out_dir) / CACHE_NAME, dask=dask)
    write_outputs(result, out_dir)
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if not quiet:
        c = result.counts
        files = ", ".join(str(p) for p in result.files)
        click.echo(
            f"Built {c['documents']} documents: {c['sentences']} sentences, {c['entities']} entities "
            f"({c['mentions']} mentions), {c['figures']} figures, {c['relations']} relations, "
            f"{c['triples']} triples, {c['warnings']} warning{'' if c['warnings'] == 1 else 's'}; wrote {files} in {result.seconds:.1f} s"
        )


@cli.command("add")
@click.argument("sources", nargs=-1, required=True)
@click.option("--corpus", "corpus", default="corpus", show_default=True, type=click.Path(path_type=Path), help="The corpus directory to store documents in.")
@click.option("--id", "doc_id", metavar="ID", help="The document id (and file name) when the sources give one document; default: from its title and year.")
@click.option("--timeout", default=20.0, show_default=True, type=click.FloatRange(0.1), help="Seconds a URL may take to answer completely.")
@click.option("--max-bytes", default=20_000_000, show_default=True, type=click.IntRange(1), metavar="N", help="Refuse sources (files or answers) larger than N bytes.")
@click.option("--keep-going", is_flag=True, help="Store what could be converted even if some sources failed (the exit code is still 2).")
@click.option("--dry-run", is_flag=True, help="Convert and report, store nothing.")
@click.pass_context
def add_cmd(ctx, sources, corpus, doc_id, timeout, max_bytes, keep_going, dry_run):
    """Add SOURCES to the corpus: URLs, saved web pages, PDFs, RSS/Atom feeds, text files or directories of them.

    Each source becomes a UTF-8 text file in the corpus (a feed: one per entry) whose header holds
    the metadata found (title, date, publisher, author, language, canonical address) and its
    provenance: Format (the original's media type), Original (address or file name), Hash (sha256
    of the original) and, for URLs, Retrieved. URLs must be http(s); answers must come within
    --timeout, stay under --max-bytes and be a page, PDF, feed or text. Documents already in the
    corpus (same address or text) are skipped; no file is ever overwritten. If any source fails,
    nothing is stored (unless --keep-going) and the exit code is 2.
    """
    from .ingest.add import add_sources, describe

    result = add_sources(list(sources), corpus, timeout=timeout, max_bytes=max_bytes, doc_id=doc_id, keep_going=keep_going, dry_run=dry_run)
    for added in result.added:
        click.echo(("Would add " if dry_run else "Added ") + describe(added))
    for line in result.skipped:
        click.echo(f"Skipped {line}", err=True)
    for line in result.errors:
        click.echo(f"Error: {line}", err=True)
    if result.errors:
        if len(result.errors) > 1 or result.added:
            stored = "stored nothing" if not result.added or dry_run else f"stored {len(result.added)} document{'s' if len(result.added) != 1 else ''}"
            click.echo(f"{len(result.errors)} sources failed; {stored}" if len(result.errors) > 1 else f"1 source failed; {stored}", err=True)
        ctx.exit(2)
    if not dry_run:
        click.echo(f"{len(result.added)} document{'s' if len(result.added) != 1 else ''} added to {corpus}, {len(result.skipped)} skipped", err=True)


@cli.command()
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.pass_context
def validate(ctx, file):
    """Check a graph against the SHACL shapes in ontology/shapes.ttl.

    FILE is a graph file or a directory holding graph.trig / graph.ttl (default: out/).
    Exits 0 when the graph conforms, 1 when it does not (each violation is printed as
    focus node | path | message), 2 when the graph cannot be read.
    """
    from .store import load_graph, resolve_graph_path
    from .validate import validate_graph

    path = resolve_graph_path(file)
    report = validate_graph(load_graph(path))
    for violation in report.violations:
        click.echo(str(violation))
    if report.conforms:
        click.echo(f"{path} conforms to ontology/shapes.ttl ({report.triples} triples checked in {report.seconds:.2f} s)")
    else:
        click.echo(f"{path} does not conform: {len(report.violations)} violations", err=True)
        ctx.exit(1)


@cli.command()
@click.option("--out", "out_path", default="out/ontology.html", show_default=True, type=click.Path(path_type=Path), help="The HTML file to write.")
def docs(out_path):
    """Write the ontology's HTML documentation (pyLODE) from ontology/jkt.ttl."""
    from .docs import write_ontology_docs

    click.echo(f"Wrote {write_ontology_docs(out_path)}")




@cli.command("export")
@click.argument("graph", required=False, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="ttl", show_default=True, help="The output format.")
@click.option("--out", "out", type=click.Path(path_type=Path), help="File to write; default stdout (RDF) or out/graph.graphml, out/graph.gexf, out/ (csv: a directory).")
@click.option("--bom", is_flag=True, help="csv only: start each file with a UTF-8 byte-order mark, so Excel on Windows reads it as UTF-8.")
def export_cmd(graph, fmt, out, bom):
    """Export GRAPH (default: out/graph.trig) for other tools.

    RDF: ttl (Turtle), nt (N-Triples), nq (N-Quads), trig (TriG), jsonld (JSON-LD with the
    ontology's @context), xml (RDF/XML); TriG, N-Quads and JSON-LD keep one named graph per
    document. Networks: graphml, gexf (unique edge ids, weights; GEXF with the viewer's colours,
    sizes and positions), csv (nodes.csv and edges.csv).
    """
    from .export import export_file
    from .formats import RDF_FORMATS

    if bom and fmt != "csv":
        raise click.UsageError("--bom is for --format csv only")
    if out is None and fmt in RDF_FORMATS:
        sys.stdout.buffer.write(export_file(graph, None, fmt)[1] or b"")
        sys.stdout.flush()
        return
    out = out or (Path("out") if fmt == "csv" else Path("out") / f"graph.{fmt}")
    files, _ = export_file(graph, out, fmt, bom=bom)
    click.echo(f"Wrote {', '.join(str(f) for f in files)}", err=True)


@cli.command("query")
@click.argument("query_text", metavar="[QUERY]", required=False)
@click.option("--graph", "graph", type=click.Path(path_type=Path), help="Graph file or directory (default: out/).")
@click.option("--format", "fmt", default="table", show_default=True, type=click.Choice(["table", "json", "csv", "tsv", "xml", "ttl", "nt", "jsonld"]), help="Output format; CONSTRUCT/DESCRIBE give Turtle unless nt or jsonld.")
@click.option("--bind", "binds", multiple=True, metavar="NAME=VALUE", help="Bind a variable: <iri>, prefix:name, \"text\"@lang, \"v\"^^xsd:type, or a literal; entity ids such as japan for entity parameters.")
@click.option("--list", "list_queries", is_flag=True, help="List the library queries and their questions.")
@click.option("--allow-service", is_flag=True, help="Allow SERVICE clauses (federated queries call remote servers).")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(0.1), help="Seconds the query may run; then it is stopped (exit 2).")
@click.option("--max-results", default=10000, show_default=True, type=click.IntRange(1), help="Rows or triples to print; more are cut, and the cut is stated on stderr.")
@click.option("--limit", type=click.IntRange(1), metavar="N", help="Show only the first N rows (any format).")
@click.option("--wide", is_flag=True, help="Table: exact values and prefixed names, nothing cut (one long line a row).")
def query_cmd(query_text, graph, fmt, binds, list_queries, allow_service, timeout, max_results, limit, wide):
    """Run SPARQL on the graph: QUERY is SPARQL text, a .rq file, a library query name, or - for stdin.

    Examples: `kg query figures`, `kg query entity-facts --bind entity=japan`,
    `kg query "SELECT * WHERE { ?s a jkt:Country }" --format csv`.

    The table shows one line a row, fitted to the terminal: entities by label, amounts with their
    unit ("$88.3 bn"), long text cut with an ellipsis; a pager when it is longer than the screen.
    --wide shows everything exactly; json, csv, tsv and xml keep exact values and IRIs.
    """
    from .query import cli_query, describe_library

    if list_queries:
        for name, params, question in describe_library():
            click.echo(f"{name:<22} {question}" + (f"  [{params}]" if params else ""))
        return
    if not query_text:
        raise click.UsageError("give a QUERY (SPARQL text, a .rq file or a library name), or --list")
    if query_text == "-":
        query_text = sys.stdin.read()
    answer = cli_query(query_text, graph, fmt=fmt, binds=binds, allow_service=allow_service, timeout=timeout, max_results=max_results, limit=limit)
    if isinstance(answer.output, bytes):
        click.echo(answer.output.decode("utf-8"), nl=not answer.output.endswith(b"\n"))
    else:
        from .report import print_query_table

        print_query_table(answer.output, answer.title, truncated=answer.truncated_after is not None, wide=wide, total=answer.total)
    if answer.truncated_after is not None:
        click.echo(f"Warning: truncated after {answer.truncated_after} rows; use --max-results to see more", err=True)


@cli.command("show")
@click.argument("entity")
@click.option("--graph", "graph", type=click.Path(path_type=Path), help="Graph file or directory (default: out/).")
@click.option("--format", "fmt", default="text", show_default=True, type=click.Choice(["text", "json", "md"]), help="text for the terminal, json or md (Markdown) for reuse.")
def show_cmd(entity, graph, fmt):
    """Show everything the graph says about ENTITY: an id (sk-hynix), or a label or alias in any language (韓国, "SK hynix").

    Labels in English, Japanese and Korean, type, Wikidata link; figures by measure and period with
    their sources; relations by property in both directions; the documents that mention it; the
    claims about it with their publishers and conflicts. An unknown name exits 2 with the closest names.
    """
    from .profile import entity_profile, find_entity
    from .query import load_store
    from .store import resolve_graph_path

    store = load_store(resolve_graph_path(graph))
    profile = entity_profile(store, find_entity(store, entity))
    if fmt == "json":
        click.echo(json.dumps(profile, indent=2, ensure_ascii=False))
    elif fmt == "md":
        from .profileview import profile_markdown

        click.echo(profile_markdown(profile), nl=False)
    else:
        from .profileview import print_profile

        print_profile(profile)


@cli.command("serve")
@click.option("--graph", "graph", type=click.Path(path_type=Path), help="Graph file or directory (default: out/).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535), help="Port (0 picks a free one).")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1), help="Seconds a query may run.")
@click.option("--max-results", default=10000, show_default=True, type=click.IntRange(1), help="Rows or triples per answer; more are cut (X-KG-Truncated header).")
@click.option("--allow-service", is_flag=True, help="Allow SERVICE clauses (federated queries call remote servers).")
@click.option("--allow-remote-from", multiple=True, metavar="CIDR", help="Answer clients from this address or network too (repeatable).")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 32), help="Query worker processes.")
@click.option("--cors", "cors", multiple=True, metavar="ORIGIN", help="Let browser pages from this origin (e.g. https://yasgui.org) read answers (repeatable); no CORS headers without it.")
@click.option("--get", "get_path", metavar="PATH", help="Answer one GET request such as '/sparql?query=...' and exit (no socket).")
def serve_cmd(graph, host, port, timeout, max_results, allow_service, allow_remote_from, workers, cors, get_path):
    """Serve the graph over the SPARQL 1.1 Protocol (GET and POST at /sparql; a query page at /).

    Read-only and bounded: SPARQL Update and LOAD are refused, SERVICE unless --allow-service,
    FROM only for graphs of the file; queries stop after --timeout and answers after --max-results.
    GET /sparql without a query gives the SPARQL 1.1 Service Description (Turtle, or JSON-LD).
    """
    from .serve import Limits, answer_once, serve

    limits = Limits(timeout=timeout, max_results=max_results, allow_service=allow_service)
    if get_path:
        response = answer_once(graph, get_path, limits, cors=cors)
        click.echo(response.text, nl=False)
        if "X-KG-Truncated" in response.headers:
            click.echo(f"Warning: truncated after {max_results} rows (X-KG-Truncated: {response.headers['X-KG-Truncated']}); use --max-results", err=True)
        if response.status >= 400:
            sys.exit(2)
        return
    serve(graph, host=host, port=port, limits=limits, allow_remote_from=list(allow_remote_from), workers=workers, cors=cors, echo=click.echo)


@cli.command("push")
@click.argument("endpoint")
@click.option("--graph", "graph", type=click.Path(path_type=Path), help="Graph file or directory (default: out/).")
@click.option("--auth-env", metavar="VAR", help="Environment variable holding 'user:password' (HTTP Basic) or 'Bearer TOKEN'.")
@click.option("--dry-run", is_flag=True, help="List the graphs that would be sent, send nothing.")
@click.option("--timeout", default=120.0, show_default=True, type=click.FloatRange(1), help="Seconds per request.")
def push_cmd(endpoint, graph, auth_env, dry_run, timeout):
    """Send the graph to a SPARQL 1.1 store by the Graph Store HTTP Protocol: one PUT per named graph.

    ENDPOINT is the store's Graph Store URL, e.g. http://localhost:7878/store (Oxigraph),
    http://localhost:3030/kg/data (Fuseki). PUT replaces: pushing again never duplicates.
    """
    from .push import push

    uploads = push(graph, endpoint, auth_env=auth_env, dry_run=dry_run, timeout=timeout)
    for upload in uploads:
        click.echo(f"{'would PUT' if dry_run else 'PUT'} {upload.graph or '(default graph)'}: {upload.triples} triples")
    click.echo(f"{'Would send' if dry_run else 'Sent'} {len(uploads)} graphs, {sum(u.triples for u in uploads)} triples to {endpoint}", err=True)


@cli.command("viz")
@click.argument("graph", required=False, type=click.Path(path_type=Path))
@click.option("--out", "out_path", default="out/graph.html", show_default=True, type=click.Path(path_type=Path), help="The HTML file to write.")
def viz_cmd(graph, out_path):
    """Draw GRAPH (default: out/graph.trig) as an interactive network page that works offline.

    Entities are nodes (colour and shape by class, size by degree), relations are labelled
    edges; hover or click for figures, Wikidata links and evidence sentences; search and filter
    in the side panel. The page makes no network request.
    """
    from .store import load_union
    from .viz import write_html

    nx_graph = write_html(load_union(graph, from_store=True), out_path)
    click.echo(f"Wrote {out_path}: {nx_graph.number_of_nodes()} entities, {nx_graph.number_of_edges()} relations")


@cli.command("stats")
@click.argument("graph", required=False, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True, help="Output format.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1), help="How many entities in the top lists.")
def stats_cmd(graph, fmt, top):
    """Network statistics of GRAPH (default: out/graph.trig).

    Entities per class and relations per type, the top entities by degree and by betweenness
    centrality, connected components and communities (Louvain, seeded, so stable).
    """
    import json

    from .network import to_networkx
    from .stats import format_stats, graph_stats
    from .store import load_union

    stats = graph_stats(to_networkx(load_union(graph, from_store=True)), top=top)
    click.echo(json.dumps(stats, indent=2, ensure_ascii=False) if fmt == "json" else format_stats(stats), nl=fmt == "json")


@cli.command()
@click.argument("documents", nargs=-1, type=click.Path(path_type=Path))
@click.option("--gold", "gold_file", type=click.Path(path_type=Path), help="One gold file, for one DOCUMENT.")
@click.option("--gold-dir", type=click.Path(path_type=Path), help="A directory of <doc-id>.json gold files, for the DOCUMENTS (files or corpus directories).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--details/--no-details", default=True, show_default=True, help="List every miss and false positive.")
def evaluate(documents, gold_file, gold_dir, fmt, details):
    """Score extraction against gold annotations: precision, recall, F1 of entities, figures, relations.

    \b
    kg evaluate --gold tests/gold/seed.json corpus/seed.txt
    kg evaluate --gold-dir tests/gold corpus/
    """
    from .evaluate import evaluate as run, pair_gold_with_documents, report
    from .report import print_evaluation

    if bool(gold_file) == bool(gold_dir):
        raise click.UsageError("give either --gold FILE with one DOCUMENT, or --gold-dir DIR")
    if gold_file:
        if len(documents) != 1:
            raise click.UsageError("--gold needs exactly one DOCUMENT")
        pairs = [(gold_file, documents[0])]
    else:
        pairs = pair_gold_with_documents(gold_dir, list(documents) or [Path("corpus")])
    results, total = run(pairs)
    if fmt == "json":
        click.echo(json.dumps(report(results, total), indent=2, ensure_ascii=False))
    else:
        print_evaluation(results, total, details=details)


def main() -> None:
    """Entry point of the ``kg`` console script."""
    cli.main(prog_name="kg")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
