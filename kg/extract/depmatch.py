"""spaCy's ``DependencyMatcher`` for the pattern rules, with its per-token step done on plain
lists read once per document.

The ``DependencyMatcher`` first finds the tokens each node of each pattern matches, with a
token ``Matcher`` (one single-token pattern per node), and groups them by the root of their
tree, found as ``([token] + list(token.ancestors))[-1]``; then it joins the nodes along the
tree. The first step was a fifth of the extraction's time: the ``Matcher`` calls a Python
predicate for every ``IN`` of every node on every token, and the roots build a ``Token`` per
ancestor step. ``RootedDependencyMatcher`` does that step on lists of the tokens' forms,
lemmas, parts of speech, labels and entity types (by value lookups), and follows head indices
for the roots; the join is spaCy's.

The matches come out as the ``Matcher`` gives them, token by token and, on one token, in the
order the nodes were added; ``tests/extract/test_patterns_matcher.py`` compares both steps
with spaCy's on real parses. A node using anything else than a string or an ``IN`` list of
strings on these attributes leaves the whole step to spaCy.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from kg.nlp.tokens import head_indices

if TYPE_CHECKING:
    from spacy.matcher import DependencyMatcher
    from spacy.tokens import Doc

#: Token attributes a node may test here, and the Token property that holds each.
ATTRIBUTES = {"LOWER": "lower_", "LEMMA": "lemma_", "POS": "pos_", "DEP": "dep_"}
ATTRIBUTES["ENT_TYPE"] = "ent_type_"
#: Annotations spaCy's ``Matcher`` requires when a pattern tests them (else it raises).
_NEEDS = frozenset({"LEMMA", "POS", "DEP"})

#: One node's tests: (attribute, Token property, the values it may have).
Checks = list[tuple[str, str, frozenset[str]]]


def compile_node(attrs: dict[str, Any]) -> Checks | None:
    """A node's ``RIGHT_ATTRS`` as tests on token values; ``None`` when it uses anything this
    module does not read (spaCy then matches it)."""
    checks: Checks = []
    for attr, value in attrs.items():
        prop = ATTRIBUTES.get(attr)
        if prop is None:
            return None
        if isinstance(value, str):
            checks.append((attr, prop, frozenset([value])))
        elif (
            isinstance(value, dict)
            and list(value) == ["IN"]
            and isinstance(value["IN"], list)
            and all(isinstance(v, str) for v in value["IN"])
        ):
            checks.append((attr, prop, frozenset(value["IN"])))
        else:
            return None
    return checks


def node_matches(doc: Doc, nodes: list[tuple[int, Checks]]) -> list[tuple[int, int]]:
    """``(matcher key, token)`` of every token each node matches, as spaCy's ``Matcher``
    orders them: by token, then by node."""
    props = {prop for _, checks in nodes for _, prop, _ in checks}
    tokens = list(doc)
    values = {prop: [getattr(t, prop) for t in tokens] for prop in props}
    # value -> the tokens that have it, in order: a node's first test looks up its few allowed
    # values instead of testing every token (48 nodes on ~600 tokens per article)
    positions: dict[str, dict[str, list[int]]] = {}
    for prop, column in values.items():
        where = positions[prop] = {}
        for i, v in enumerate(column):
            where.setdefault(v, []).append(i)
    # each token's matching nodes, in the order the nodes were added: the Matcher's order
    # (by token, then by node) without sorting every (token, node) pair
    per_token: list[list[int]] = [[] for _ in range(len(doc))]
    for key, checks in nodes:
        if not checks:
            for keys in per_token:
                keys.append(key)
            continue
        _, prop, allowed = checks[0]
        where = positions[prop]
        rest = [(values[prop], allowed) for _, prop, allowed in checks[1:]]
        for v in allowed:  # a token has one value: each token comes once
            for i in where.get(v, ()):
                for column, ok in rest:
                    if column[i] not in ok:
                        break
                else:
                    per_token[i].append(key)
    return [(key, i) for i, keys in enumerate(per_token) for key in keys]


@functools.cache
def rooted_matcher_class() -> type[DependencyMatcher]:
    """The ``DependencyMatcher`` subclass (built on first use: spaCy is imported lazily)."""
    from spacy.matcher import DependencyMatcher

    class RootedDependencyMatcher(DependencyMatcher):
        """``DependencyMatcher`` whose token step reads lists (see the module docstring)."""

        def add(self, key: Any, patterns: Any, *, on_match: Any = None) -> None:
            super().add(key, patterns, on_match=on_match)
            nodes = self.__dict__.setdefault("_kg_nodes", [])
            key = self.vocab.strings.add(key) if isinstance(key, str) else key  # as spaCy keys it
            added = self._tokens_to_key[key][-len(patterns) :]
            for pattern, keys in zip(patterns, added, strict=True):
                for node, matcher_key in zip(pattern, keys, strict=True):
                    nodes.append((matcher_key, compile_node(node.get("RIGHT_ATTRS", {}))))

        def remove(self, key: Any) -> None:
            super().remove(key)
            self.__dict__["_kg_nodes"] = [(0, None)]  # the keys left are not tracked: spaCy's step

        def _get_keys_to_position_maps(self, doc: Doc) -> Any:
            nodes = self.__dict__.get("_kg_nodes", [])
            needs = {attr for _, checks in nodes for attr, _, _ in checks or () if attr in _NEEDS}
            if (
                not nodes
                or any(checks is None for _, checks in nodes)
                or not all(map(doc.has_annotation, needs))
            ):  # spaCy's own step (which raises when patterns or annotations are missing)
                return DependencyMatcher._get_keys_to_position_maps(self, doc)  # type: ignore[attr-defined]
            heads = head_indices(doc)
            n = len(heads)
            keys_to_position_maps: Any = defaultdict(lambda: defaultdict(list))
            previous = -1
            for match_id, start in node_matches(doc, nodes):
                if start != previous:  # the matches come token by token: one root per token
                    previous = root = start
                    # Token.ancestors: up while the head is another token, at most n steps
                    steps = 0
                    while heads[root] != root and steps < n:
                        root, steps = heads[root], steps + 1
                    by_key = keys_to_position_maps[root]
                by_key[match_id].append(start)
            return keys_to_position_maps

    return RootedDependencyMatcher
