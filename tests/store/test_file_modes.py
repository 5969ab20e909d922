"""Files kg writes get the mode any new file gets: the dataset like the page (issue 12, item 10).

Before: ``out/graph.trig`` was written 0600 (the temporary file's mode) while the page beside
it was 0644.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_store_kit import doc_quads, make_extraction

from kg.store import load_file, write_quads
from kg.views.export import Filters, export
from kg.views.viz import write_html


@pytest.fixture(params=[0o022, 0o077])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_dataset_export_and_page_share_the_new_file_mode(tmp_path: Path, umask: int) -> None:
    dataset = tmp_path / "graph.trig"
    write_quads(doc_quads(make_extraction())[1], dataset)
    page = tmp_path / "graph.html"
    with load_file(dataset) as graph:
        write_html(graph, page)
        export(graph, tmp_path / "copy.nq", Filters())
        export(graph, tmp_path / "net.graphml", Filters())
    expected = 0o666 & ~umask  # 0644 under the usual umask 022
    for written in (dataset, page, tmp_path / "copy.nq", tmp_path / "net.graphml"):
        assert _mode(written) == expected, written.name
