"""The notebooks run top to bottom (nbclient) and are stored without outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = ["explore.ipynb", "quality.ipynb"]


def _read(name: str):  # type: ignore[no-untyped-def]
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (.ci/browser.sh)")
    return nbformat.read(NOTEBOOKS / name, as_version=4)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stored_without_outputs(name: str) -> None:
    nb = _read(name)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{name} has no code"
    assert all(c.outputs == [] and c.execution_count is None for c in code)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom(name: str) -> None:
    pytest.importorskip("nbclient", reason="nbclient is not installed (.ci/browser.sh)")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed (.ci/browser.sh)")
    pytest.importorskip("pandas", reason="pandas is not installed (.ci/browser.sh)")
    pytest.importorskip("matplotlib", reason="matplotlib is not installed (.ci/browser.sh)")
    from nbclient import NotebookClient

    nb = _read(name)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        # run where Jupyter runs them: in notebooks/ (they find the sample articles in ..);
        # they write their outputs to a temporary folder of their own
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # raises CellExecutionError with the cell and traceback on any failure
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert images, f"{name} drew no figure"
    tables = [o for o in outputs if "text/html" in o.get("data", {})]
    assert tables, f"{name} showed no table"
