"""The source line under each sentence shown as evidence (entity and fact pages)."""

from __future__ import annotations

import re
from typing import Any

from kg.views.explorer import _environment


def _line(**doc: Any) -> str:
    ev = {
        "segments": [("The Navy trained with ", False), ("FOES", True), (".", False)],
        "doc": {"id": "", "title": "", "date": "", "outlet": "", "url": "", **doc},
        "start": 3,
        "end": 7,
        "confidence": 0.9,
        "modality": "asserted",
        "attributedTo": "",
        "eventDate": "",
    }
    html = (
        _environment()
        .from_string('{% from "macros.html" import evidence_item %}{{ evidence_item(ev) }}')
        .render(ev=ev)
    )
    source = html.split('<div class="source">', 1)[1]
    return " ".join(re.sub(r"<[^>]+>", " ", source).split())


def test_each_part_of_the_source_line_is_set_off_in_the_text() -> None:
    """The outlet used to run into the link after it ("news.examplesource")."""
    line = _line(
        id="d1",
        title="Drills end",
        date="2025-03-03",
        outlet="news.example",
        url="https://x.example/a",
    )
    assert line == "Drills end · 2025-03-03 · news.example · source · confidence 0.90 · asserted"


def test_missing_parts_leave_no_empty_separator() -> None:
    assert _line(id="d1", title="Drills end") == "Drills end · confidence 0.90 · asserted"
    assert (
        _line(id="d1", outlet="<b>x</b>")
        == "d1 · &lt;b&gt;x&lt;/b&gt; · confidence 0.90 · asserted"
    )
