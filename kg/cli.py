"""The command line: one short function per command, each calling one library function.

Exit codes: 0 success; 1 ``kg validate`` found violations; 2 bad input or usage (the message
says what is wrong and what to do).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import KGError


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
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
def build(paths, out_dir, quiet):
    """Build the graph from corpus documents (default: corpus/) into OUT.

    PATHS are corpus directories or .txt/.md documents. Writes graph.ttl (Turtle) and
    graph.trig (one named graph per document), atomically: a failed build leaves the previous
    files intact.
    """
    from .build import build_graph, write_outputs
    from .progress import progress_bar

    with progress_bar(quiet=quiet, description="Extracting") as progress:
        result = build_graph(paths or [Path("corpus")], progress=progress)
    write_outputs(result, out_dir)
    if not quiet:
        c = result.counts
        files = ", ".join(str(p) for p in result.files)
        click.echo(
            f"Built {c['documents']} documents: {c['sentences']} sentences, {c['entities']} entities "
            f"({c['mentions']} mentions), {c['figures']} figures, {c['relations']} relations, "
            f"{c['triples']} triples; wrote {files} in {result.seconds:.1f} s"
        )


def main() -> None:
    """Entry point of the ``kg`` console script."""
    cli.main(prog_name="kg")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
