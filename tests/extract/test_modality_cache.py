"""A fact's modality is read once per trigger and sentence of a document
(``Context.modality``): the same answer as ``modality_of`` for every token and sentence of real
parses, and the same extractions as reading it for every fact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kg.extract.extractor import extract_document
from kg.extract.modality import modality_of
from kg.extract.relations import Context
from kg.records import Document

ARTICLES = Path(__file__).resolve().parents[2] / "data" / "articles"


def test_the_remembered_modality_is_modality_of(rule_contexts: list[Context]) -> None:
    asked = 0
    for ctx in rule_contexts:
        ctx._modalities.clear()
        doc = ctx.doc
        for sent in list(doc.sents)[:40]:
            text = doc.text[sent.start_char : sent.end_char]
            for trigger in [None, *sent]:
                expected = modality_of(trigger, sent, ctx.lex, text)
                assert ctx.modality(trigger, sent, text) == expected
                assert ctx.modality(trigger, sent, text) is ctx.modality(trigger, sent, text)
                asked += 1
    assert asked > 1000


def test_extractions_are_those_of_reading_each_facts_modality(
    nlp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = []
    for path in sorted(ARTICLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        docs.append((nlp(text), Document(path.stem, text, str(path))))
    remembered = [extract_document(sdoc, d) for sdoc, d in docs]

    def every_time(self: Context, trigger: Any, sent: Any, text: str) -> tuple[str, str | None]:
        return modality_of(trigger, sent, self.lex, text)

    monkeypatch.setattr(Context, "modality", every_time)
    read_each_time = [extract_document(sdoc, d) for sdoc, d in docs]
    assert remembered == read_each_time
    assert sum(len(x.relations) for x in remembered) > 50
