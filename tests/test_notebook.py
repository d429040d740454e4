"""notebooks/explore.ipynb: stored without outputs, and runs top to bottom offline without errors."""

from __future__ import annotations

import sys

import nbformat
import pytest

from .conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


def test_notebook_is_stored_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code, "the notebook has no code cells"
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, f"outputs left in cell: {cell.source[:60]!r}"


def test_notebook_uses_the_public_api_and_covers_the_tour():
    source = "\n".join(cell.source for cell in nbformat.read(NOTEBOOK, as_version=4).cells)
    for needle in ('kg.load(', 'kg.query(', 'to_networkx(', 'IFrame(', 'prov:wasDerivedFrom', 'nif:beginIndex',
                   'article.text[begin:end]', 'build_graph(', 'write_outputs(', 'plt.subplots'):
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
    assert (tmp_path / "out" / "graph.trig").is_file() and (tmp_path / "out" / "graph.html").is_file()
    text = "\n".join(
        out.get("text", "") for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs if out.output_type == "stream"
    )
    assert "Built " in text and "fact:" in text
    assert sys.executable  # the kernel ran this interpreter's environment (ipykernel installed it)
