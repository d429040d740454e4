"""The README's checked examples: each `<!-- checked: COLUMNS=N -->` console block is what kg prints on the corpus's build."""

from __future__ import annotations

import re
import shlex

import pytest

from kg.cli import cli

from .conftest import ROOT

BLOCK = re.compile(r"<!-- checked: COLUMNS=(\d+) -->\n```console\n(.*?)```", re.S)


def examples() -> list[tuple[int, str, str]]:
    """(columns, command, expected output) of every checked block of README.md."""
    out = []
    for columns, body in BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8")):
        command, lines = None, []
        for line in body.splitlines():
            if line.startswith("$ "):
                if command:
                    out.append((int(columns), command, "\n".join(lines)))
                command, lines = line[2:], []
            else:
                lines.append(line)
        if command:
            out.append((int(columns), command, "\n".join(lines)))
    return out


def test_the_readme_has_checked_examples_of_tables_and_profiles():
    commands = [command for _, command, _ in examples()]
    assert any(c.startswith("kg query ") for c in commands) and any(c.startswith("kg show ") for c in commands)


@pytest.mark.slow
@pytest.mark.parametrize("columns, command, expected", examples(), ids=[c for _, c, _ in examples()])
def test_readme_example_is_what_kg_prints(built, runner, columns, command, expected):
    args = shlex.split(command)
    assert args[0] == "kg"
    result = runner.invoke(cli, [*args[1:], "--graph", str(built[1])], env={"COLUMNS": str(columns)})
    printed = "\n".join(line.rstrip() for line in result.output.rstrip("\n").splitlines())
    assert printed == expected.rstrip("\n"), f"README example out of date: {command}\n{printed}"
