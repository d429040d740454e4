"""notebooks/explore.ipynb: stored with its outputs, and runs top to bottom offline without errors."""

from __future__ import annotations

import sys

import nbformat
import pytest

from .conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


def code_cells(notebook) -> list:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def expectations_cell(notebook):
    return next(cell for cell in code_cells(notebook) if "def expectation_shares" in cell.source)


def test_notebook_is_stored_with_the_outputs_of_one_clean_run():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = code_cells(notebook)
    assert code, "the notebook has no code cells"
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1)), "run it top to bottom and save"
    errors = [out for cell in code for out in cell.outputs if out.output_type == "error"]
    assert errors == []
    text = nbformat.writes(notebook)
    assert "/tmp/" not in text and str(ROOT) not in text, "outputs name paths of one machine"


def stream_text(cell) -> str:
    return "".join(out.get("text", "") for out in cell.outputs if out.output_type == "stream")


def test_expectations_plot_shows_only_the_expectation_answers_once_each():
    cell = expectations_cell(nbformat.read(NOTEBOOK, as_version=4))
    rows = [line.split() for line in stream_text(cell).strip().splitlines()]
    assert rows == [["period", "value"], ["2025", "16.0"], ["2026-01", "44.0"]]
    assert any("image/png" in out.get("data", {}) for out in cell.outputs), "the plot is saved"
    for needle in ("set_xlabel(", "set_ylabel(", "Source: "):
        assert needle in cell.source


def test_notebook_uses_the_public_api_and_covers_the_tour():
    source = "\n".join(cell.source for cell in nbformat.read(NOTEBOOK, as_version=4).cells)
    for needle in ('kg.load(', 'kg.query(', 'to_networkx(', 'IFrame(', 'prov:wasDerivedFrom', 'nif:beginIndex',
                   'article.text[begin:end]', 'build_graph(', 'write_outputs(', 'plt.subplots',
                   '.to_df()', 'entity_profile(', 'find_entity('):
        assert needle in source, needle


@pytest.mark.notebook
@pytest.mark.slow
def test_notebook_runs_top_to_bottom(tmp_path, monkeypatch):
    from ipykernel.kernelspec import install
    from nbclient import NotebookClient

    # A kernelspec for this interpreter (the venv) in a private directory, found first via JUPYTER_PATH.
    prefix = tmp_path / "jupyter"
    install(prefix=str(prefix), kernel_name="kg-python3", display_name="kg venv")
    monkeypatch.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("KG_OUT", str(tmp_path / "out"))  # the notebook must build the graph itself
    work = tmp_path / "work"
    work.mkdir()
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(notebook, kernel_name="kg-python3", timeout=600, resources={"metadata": {"path": str(work)}})
    client.execute()  # raises CellExecutionError, with the cell and traceback, if any cell fails
    errors = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs if out.output_type == "error"]
    assert errors == []
    stored = nbformat.read(NOTEBOOK, as_version=4)
    assert stream_text(expectations_cell(notebook)) == stream_text(expectations_cell(stored)), "saved outputs are stale"
    assert (tmp_path / "out" / "graph.trig").is_file() and (tmp_path / "out" / "graph.html").is_file()
    text = "\n".join(
        out.get("text", "") for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs if out.output_type == "stream"
    )
    assert "Built " in text and "fact:" in text
    assert sys.executable  # the kernel ran this interpreter's environment (ipykernel installed it)


@pytest.mark.notebook
@pytest.mark.slow
def test_a_failing_cell_fails_the_run(tmp_path, monkeypatch):
    from ipykernel.kernelspec import install
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    prefix = tmp_path / "jupyter"
    install(prefix=str(prefix), kernel_name="kg-python3", display_name="kg venv")
    monkeypatch.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
    broken = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("1 / 0")])
    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        NotebookClient(broken, kernel_name="kg-python3", timeout=120).execute()
