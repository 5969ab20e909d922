"""One generic runner for the rule patterns kept as data (``kg/data/patterns/*.jsonl``).

Each line of a pattern file is one rule::

    {"id": "prep.under.v1", "property": "leads",
     "pattern": [... a spaCy DependencyMatcher pattern ...],
     "subject": "person", "object": "body", "trigger": "under",
     "subject_classes": ["Person"], "object_classes": [...],
     "example": "the U.S. government under Donald Trump"}

``subject``, ``object`` and ``trigger`` name nodes of the pattern (their ``RIGHT_ID``). The
runner matches every pattern with spaCy's ``DependencyMatcher``, reads the entities each
argument node stands for (the entity named there, or through conjuncts, appositions and words
such as "members of X": ``relations.ents_of``), and states the fact through the rule context
with the pattern's id, so a pattern's fact is a rule fact like any other: it gets a modality
from its trigger and becomes a candidate and a feature of the relation model.

``"pairs": "subjects"`` states a symmetric property between the entities of the subject node
itself ("Chad and Niger signed an agreement" → cooperatesWith(Chad, Niger)).
"""

from __future__ import annotations

import functools
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import errors
from kg.extract.depmatch import rooted_matcher_class
from kg.extract.relations import Context, ents_of, most_specific_places
from kg.rdf.vocab import PROPERTIES
from kg.resources import patterns_dir

if TYPE_CHECKING:
    from spacy.matcher import DependencyMatcher
    from spacy.vocab import Vocab


@dataclass(frozen=True)
class Pattern:
    """One rule read from a pattern file."""

    id: str
    property: str
    pattern: list[dict[str, Any]]
    subject: str
    object: str | None
    trigger: str | None
    subject_classes: frozenset[str] | None
    object_classes: frozenset[str] | None
    pairs: str | None
    source: str
    objects: str | None = None


def _node_ids(pattern: list[dict[str, Any]]) -> list[str]:
    return [str(node.get("RIGHT_ID", "")) for node in pattern]


def parse_pattern(data: Any, source: str) -> Pattern:
    """Check one pattern object; raise ``InputError`` naming the file and line when invalid."""

    def bad(detail: str) -> errors.InputError:
        return errors.bad_pattern(source, detail)

    if not isinstance(data, dict):
        raise bad("a pattern line must be a JSON object")
    for key in ("id", "property", "pattern", "subject"):
        if key not in data:
            raise bad(f"missing {key!r}")
    if data["property"] not in PROPERTIES or data["property"] == "hasTitle":
        raise bad(f"unknown property {data['property']!r}")
    nodes = data["pattern"]
    if not isinstance(nodes, list) or not nodes or not all(isinstance(n, dict) for n in nodes):
        raise bad("'pattern' must be a non-empty list of DependencyMatcher nodes")
    ids = _node_ids(nodes)
    for role in ("subject", "object", "trigger"):
        name = data.get(role)
        if name is not None and name not in ids:
            raise bad(f"{role} node {name!r} is not in the pattern (nodes: {', '.join(ids)})")
    if data.get("object") is None and data.get("pairs") != "subjects":
        raise bad('a pattern needs an \'object\' node, or "pairs": "subjects"')
    if data.get("objects") not in (None, "most_specific"):
        raise bad(f"'objects' may only be \"most_specific\"; got {data['objects']!r}")

    def classes(key: str) -> frozenset[str] | None:
        value = data.get(key)
        return frozenset(value) if value else None

    return Pattern(
        id=str(data["id"]),
        property=str(data["property"]),
        pattern=nodes,
        subject=str(data["subject"]),
        object=data.get("object"),
        trigger=data.get("trigger"),
        subject_classes=classes("subject_classes"),
        object_classes=classes("object_classes"),
        pairs=data.get("pairs"),
        source=source,
        objects=data.get("objects"),
    )


def load_patterns(folder: Path | None = None) -> list[Pattern]:
    """Every pattern of every ``*.jsonl`` file of the patterns folder, in file order."""

    folder = folder or patterns_dir()
    out: list[Pattern] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            where = f"{path}:{n}"
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise errors.bad_pattern(where, f"not JSON ({exc.msg})") from None
            pat = parse_pattern(data, where)
            if pat.id in seen:
                raise errors.bad_pattern(where, f"id {pat.id!r} is already used at {seen[pat.id]}")
            seen[pat.id] = where
            out.append(pat)
    return out


class PatternRunner:
    """The patterns compiled into one ``DependencyMatcher`` for a vocabulary."""

    def __init__(self, vocab: Vocab, patterns: list[Pattern]) -> None:
        self.patterns = {p.id: p for p in patterns}
        # match ids are hashes of the pattern ids: map them here, so that a match never needs
        # the StringStore (whose strings spaCy's memory zones free between batches)
        self.ids = {vocab.strings.add(p.id): p.id for p in patterns}
        self.matcher: DependencyMatcher = rooted_matcher_class()(vocab)
        for p in patterns:
            try:
                self.matcher.add(p.id, [p.pattern])
            except ValueError as exc:
                raise errors.bad_pattern(p.source, str(exc).splitlines()[0]) from None
        self.nodes = {p.id: _node_ids(p.pattern) for p in patterns}

    def run(self, ctx: Context) -> int:
        """State every matched fact through ``ctx``; return how many matches there were."""

        doc = ctx.doc
        real = getattr(doc, "doc", doc)  # a TokenView wraps the Doc the matcher needs
        matches = self.matcher(real)
        for match_id, token_ids in matches:
            pid = self.ids[match_id]
            pat = self.patterns[pid]
            at = dict(zip(self.nodes[pid], token_ids, strict=True))
            sent = doc[at[pat.subject]].sent
            trigger = doc[at[pat.trigger]] if pat.trigger else None

            subjects = _keys(ctx, ents_of(ctx, doc[at[pat.subject]]), pat.subject_classes)
            if pat.pairs == "subjects":
                for a, b in itertools.combinations(subjects, 2):
                    ctx.emit(a, pat.property, b, sent, pat.id, trigger)
                continue
            assert pat.object is not None
            objects = _keys(ctx, ents_of(ctx, doc[at[pat.object]]), pat.object_classes)
            if pat.objects == "most_specific":
                objects = most_specific_places(ctx, objects)
            for s, o in itertools.product(subjects, objects):
                ctx.emit(s, pat.property, o, sent, pat.id, trigger)
        return len(matches)


def _keys(ctx: Context, found: list[str], allowed: frozenset[str] | None) -> list[str]:
    return [k for k in found if allowed is None or ctx.cls(k) in allowed]


@functools.lru_cache(maxsize=2)
def runner_for(vocab: Vocab) -> PatternRunner:
    """The runner of the shipped patterns for ``vocab``, built once.

    Build it when the pipeline is loaded (``extractor.add_components`` does), not inside one of
    spaCy's memory zones: strings a zone adds to the vocabulary are gone when it closes.
    """
    return PatternRunner(vocab, load_patterns())


def pattern_rules(ctx: Context) -> None:
    """The rule family of the pattern files (called by ``extractor.apply_rules``)."""
    doc = getattr(ctx.doc, "doc", ctx.doc)
    runner_for(doc.vocab).run(ctx)
