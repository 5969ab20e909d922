"""The document page: the article's text with the sentence of each extracted fact highlighted.

The text is the document's ``kg:text`` (``kg.rdf.quads``), into which each statement's
``kg:startOffset``/``kg:endOffset`` count characters, so a sentence is found where the extractor
read it. A statement whose offsets do not hold its sentence (a graph written by another tool, or
a text changed by hand) is looked for by its words; one that is still not found, and every
statement of a document stored without its text (before kg kept it), is listed apart.

The facts, listed by sentence beside the text, are paged (``PAGE_SIZE`` sentences a page, with
``page``/``pages``/``prev``/``next`` as on the other paged pages); the text keeps every sentence
highlighted on each page, each number linking to its facts on the page that lists them.
"""

from __future__ import annotations

import re
from typing import Any

from kg.views.explorer.common import (
    ENTITY_NS,
    PAGE_SIZE,
    document_iri,
    highlight,
    paged,
    pages,
    solutions,
    term,
)
from kg.views.explorer.facts import Fact, documents_info, evidence, fact_link
from kg.views.explorer.index import LabelIndex

_SPACES = re.compile(r"\s+")

_FIELDS = (
    "?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:sentence ?sentence . "
    "OPTIONAL { ?st kg:startOffset ?start } OPTIONAL { ?st kg:endOffset ?end } "
    "OPTIONAL { ?st kg:confidence ?confidence } OPTIONAL { ?st kg:modality ?modality } "
    "OPTIONAL { ?st kg:attributedTo ?attributedTo } OPTIONAL { ?st kg:eventDate ?eventDate } "
    "OPTIONAL { ?st kg:extractor ?extractor }"
)
_NAMES = (
    *("st", "s", "p", "o", "sentence", "start", "end", "confidence", "modality"),
    *("attributedTo", "eventDate", "extractor"),
)


def _same(a: str, b: str) -> bool:
    """Whether two sentences are the same text (the stored sentence has its line breaks and
    controls folded to spaces, ``kg.rdf.terms.clean_text``)."""
    return _SPACES.sub(" ", a).strip() == _SPACES.sub(" ", b).strip()


def place(text: str, sentence: str, start: int, end: int) -> tuple[int, int] | None:
    """Where ``sentence`` is in ``text``: at its offsets, else where its words first occur.

    Without the white space at its ends: a headline's offsets may take in the blank line after
    it, and the link to its facts, shown after the sentence, belongs on the sentence's line.
    """
    if 0 <= start < end <= len(text) and _same(text[start:end], sentence):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return start, end
    words = [re.escape(w) for w in sentence.split()]
    if not words:
        return None
    found = re.search(r"\s+".join(words), text)
    return (found.start(), found.end()) if found else None


def document_page(
    source: Any, index: LabelIndex, doc_id: str, page: int = 1
) -> dict[str, Any] | None:
    """A document: its metadata, its text with the facts' sentences placed, and a page of its
    facts by sentence (``sentences``: the page's; ``unplacedSentences``: every sentence not
    found in the text, shown with the text)."""
    iri = document_iri(doc_id)
    info = documents_info(source, [iri]).get(iri)
    if info is None:
        return None
    graph = f"GRAPH {term(iri)}"  # a constant: Oxigraph then reads just that graph
    found = solutions(source, f"SELECT ?t WHERE {{ {graph} {{ {term(iri)} kg:text ?t }} }}")
    text = next((sol[0].value for sol in found), None)
    rows = solutions(
        source, f"SELECT {' '.join('?' + n for n in _NAMES)} WHERE {{ {graph} {{ {_FIELDS} }} }}"
    )
    sentences: dict[tuple[int, int, str], dict[str, Any]] = {}
    count = 0
    for sol in rows:
        count += 1
        raw: dict[str, Any] = {n: (sol[n].value if sol[n] is not None else None) for n in _NAMES}
        ev = evidence(raw["st"], raw)
        key = (ev["start"], ev["end"], ev["sentence"])
        sentence = sentences.get(key)
        if sentence is None:
            at = place(text, ev["sentence"], ev["start"], ev["end"]) if text else None
            sentence = sentences[key] = {
                "start": key[0],
                "end": key[1],
                "text": key[2],
                "at": at,
                "facts": [],
            }
        fact = fact_link(index, Fact(raw["s"], raw["p"], sol["o"], 0))
        del fact["documents"], fact["id"]
        fact.update(
            {k: ev[k] for k in ("confidence", "modality", "attributedTo", "eventDate", "extractor")}
        )
        sentence["facts"].append(fact)
    end = (len(text or ""), 0)  # the sentences not found in the text come last
    ordered = sorted(sentences.values(), key=lambda s: (s["at"] or end, s["start"], s["end"]))
    for n, sentence in enumerate(ordered, 1):
        sentence["n"] = n
        sentence["anchor"] = f"s{sentence['start']}-{sentence['end']}"
        sentence["facts"].sort(key=lambda f: (f["property"], f["subject"]["label"]))
        labels = [f["subject"]["label"] for f in sentence["facts"]]
        labels += [f["object"]["label"] for f in sentence["facts"] if f["object"]["iri"]]
        sentence["labels"] = labels
        sentence["segments"] = highlight(sentence["text"], labels)
    mentioned = solutions(
        source, f"SELECT DISTINCT ?e WHERE {{ {graph} {{ ?e skos:prefLabel ?l }} }}"
    )
    url = "/document/" + str(info["id"])

    def href(n: int) -> str:
        """The link from the text to sentence ``n``'s facts: on this page, or on its own."""
        on = (n - 1) // PAGE_SIZE + 1
        return f"#f{n}" if on == page else f"{url}?page={on}#f{n}"

    for sentence in ordered:
        sentence["href"] = href(sentence["n"])
    info["text"] = text
    info["sentences"] = ordered[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    info["sentenceCount"] = len(ordered)
    info.update(paged(url, {}, page, pages(len(ordered))))
    info["unplaced"] = [s["n"] for s in ordered if s["at"] is None]
    info["unplacedSentences"] = [s for s in ordered if s["at"] is None]
    info["facts"] = count
    info["entities"] = sorted(
        (index.entity(sol[0].value) for sol in mentioned if sol[0].value.startswith(ENTITY_NS)),
        key=lambda e: e["label"].casefold(),
    )
    info["article"] = article_blocks(text, ordered) if text else []
    for block in info["article"]:
        if "numbers" in block:
            block["hrefs"] = [href(n) for n in block["numbers"]]
    for sentence in ordered:
        del sentence["labels"]
        sentence["at"] = list(sentence["at"]) if sentence["at"] else None
    return info


def article_blocks(text: str, sentences: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The text cut into plain stretches and highlighted sentences, for the template.

    Sentences that overlap (two rules reading one sentence differently) make one highlighted
    stretch, which carries the anchors and numbers of all of them.
    """
    spans = sorted((s["at"][0], s["at"][1], s) for s in sentences if s["at"])
    merged: list[list[Any]] = []
    for a, b, sentence in spans:
        if merged and a < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
            merged[-1][2].append(sentence)
        else:
            merged.append([a, b, [sentence]])
    blocks: list[dict[str, Any]] = []
    pos = 0
    for a, b, group in merged:
        if a > pos:
            blocks.append({"text": text[pos:a]})
        labels = [label for s in group for label in s["labels"]]
        blocks.append(
            {
                "anchors": [s["anchor"] for s in group],
                "numbers": [s["n"] for s in group],
                "segments": highlight(text[a:b], labels),
            }
        )
        pos = b
    if pos < len(text):
        blocks.append({"text": text[pos:]})
    return blocks
