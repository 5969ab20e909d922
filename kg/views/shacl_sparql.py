"""SHACL shapes as SPARQL: one SELECT per constraint, returning the focus nodes that violate it.

``kg validate`` on a store of 10,000 documents would spend minutes copying millions of quads
into rdflib for pyshacl; the same checks as SPARQL queries run inside Oxigraph on its indexes.
pyshacl stays the reference implementation (``kg validate --engine pyshacl``, and the tests,
which check that both report the same findings on the sample and on a broken graph per kind of
constraint used in ``kg/ontology/shapes.ttl``).

What is translated: node and property shapes with targets (``sh:targetClass``,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, ``sh:targetNode``), predicate paths, the
constraint components ``shapes.ttl`` uses (class, datatype, nodeKind, min/maxCount,
min/maxLength, pattern, in, min/max In/Exclusive, lessThan(OrEquals), or, qualifiedValueShape,
sparql) and the non-validating properties (message, severity, name, comments). Anything else
raises ``Unsupported``: ``validate`` then falls back to pyshacl, so a shapes file never gets a
silently partial check, and the test of ``shapes.ttl`` fails if a new kind of constraint has no
SPARQL translation.

``sh:class`` follows ``rdfs:subClassOf`` of the ontology (pyshacl sees the ontology mixed into
the data graph), expanded here into the list of subclasses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from kg.rdf.sparql import tokens
from kg.rdf.terms import to_ox

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
TYPE = f"<{RDF}type>"

#: Datatypes whose lexical form SPARQL can check with a cast (an ill-typed literal fails it).
_CASTS = {f"{XSD}{name}" for name in ("integer", "decimal", "double", "float", "boolean", "date")}
_CASTS |= {f"{XSD}dateTime"}
_COMPARE = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
_PAIRS = {"lessThan": "<", "lessThanOrEquals": "<="}
_NODE_KINDS = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))",
    "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}
#: Properties of a shape that do not validate anything.
_INERT = {
    f"{SH}{name}" for name in ("message", "severity", "name", "description", "order", "group")
} | {f"{RDF}type", f"{RDFS}comment", f"{RDFS}label", f"{SH}deactivated"}
_TARGETS = {
    f"{SH}{n}" for n in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode")
}
#: Constraints that are one condition on each value node (also allowed inside sh:or and
#: sh:qualifiedValueShape, where a shape is a test on one node).
_VALUE_TESTS = {f"{SH}{n}" for n in ("class", "datatype", "nodeKind", "in")}
#: Constraints pyshacl words itself when the shape has no sh:message (its wording, copied).
_GENERIC = {
    "nodeKind": "Value is not of Node Kind {}",
    "class": "Value does not have class {}",
    "datatype": "Value is not Literal with datatype {}",
}


class Unsupported(ValueError):
    """The shapes use something this translation does not cover (pyshacl must check them)."""


@dataclass(frozen=True)
class Check:
    """One constraint as a query: ``SELECT ?this [?value] [?path]``, each row a violation."""

    shape: str  # the shape holding the constraint (an IRI, or a blank node's id)
    component: str  # "minCount", "sparql", …
    severity: str  # "Violation", "Warning" or "Info"
    message: str
    path: str | None  # the property shape's path, None for a node shape
    query: str
    #: The query's boolean column that marks this check's rows (checks of one property share
    #: a query, so that its values are read once); None: every row.
    column: str | None = None


#: Renders one triple pattern from three SPARQL terms (the store's merged graph keeps kg:text in
#: the document graphs only, so the caller may send that predicate into ``GRAPH ?g``).
Pattern = Callable[[str, str, str], str]


def plain(s: str, p: str, o: str) -> str:
    return f"{s} {p} {o} ."


def translate(shapes: Any, ontology: Any, pattern: Pattern = plain) -> list[Check]:
    """The checks of every shape in ``shapes`` (an rdflib Graph); ``Unsupported`` if any is missing.

    Args:
        shapes: The SHACL shapes graph.
        ontology: The ontology (for the subclasses of each ``sh:class`` and ``sh:targetClass``).
        pattern: How a triple pattern is written (see ``Pattern``).
    """
    return list(_Translator(shapes, ontology, pattern).checks())


def _n3(term: Any) -> str:
    """A term as SPARQL text (pyoxigraph escapes literals the N-Triples way)."""
    return str(to_ox(term))


class _Translator:
    def __init__(self, shapes: Any, ontology: Any, pattern: Pattern) -> None:
        from rdflib import Graph

        self.g = shapes
        self.pattern = pattern
        both = Graph()
        for t in ontology:
            both.add(t)
        for t in shapes.triples((None, _uri(f"{RDFS}subClassOf"), None)):
            both.add(t)
        self.classes = both
        self._n = 0

    # -- helpers

    def var(self, name: str) -> str:
        self._n += 1
        return f"?{name}{self._n}"

    def one(self, node: Any, name: str) -> Any:
        values = list(self.g.objects(node, _uri(SH + name)))
        if len(values) > 1:
            raise Unsupported(f"{node} has {len(values)} sh:{name} values")
        return values[0] if values else None

    def items(self, head: Any) -> list[Any]:
        from rdflib.collection import Collection

        return list(Collection(self.g, head))

    def subclasses(self, cls: Any) -> str:
        from rdflib import URIRef

        found = {cls}
        todo = [cls]
        sub = URIRef(f"{RDFS}subClassOf")
        while todo:
            for s in self.classes.subjects(sub, todo.pop()):
                if s not in found:
                    found.add(s)
                    todo.append(s)
        return " ".join(sorted(_n3(c) for c in found))

    def is_a(self, node: str, cls: Any) -> str:
        t = self.var("t")
        return f"EXISTS {{ {self.pattern(node, TYPE, t)} VALUES {t} {{ {self.subclasses(cls)} }} }}"

    def check_properties(self, node: Any, allowed: set[str]) -> None:
        for p in sorted(set(self.g.predicates(node, None))):
            if str(p) not in allowed:
                raise Unsupported(f"shape {node} uses {p}, which has no SPARQL translation")

    # -- shapes

    def checks(self) -> Iterator[Check]:
        from rdflib import URIRef

        shapes = set(self.g.subjects(_uri(TYPE[1:-1]), URIRef(SH + "NodeShape")))
        shapes |= set(self.g.subjects(_uri(TYPE[1:-1]), URIRef(SH + "PropertyShape")))
        for target in _TARGETS:
            shapes |= set(self.g.subjects(URIRef(target), None))
        for shape in sorted(shapes, key=str):
            if self.g.value(shape, URIRef(SH + "deactivated")) is not None and bool(
                self.g.value(shape, URIRef(SH + "deactivated")).toPython()
            ):
                continue
            targets = self.targets(shape)
            if targets is None:
                continue  # a shape only used inside another one
            yield from self.shape(shape, targets)

    def targets(self, shape: Any) -> str | None:
        parts = []
        for target in sorted(_TARGETS):
            for value in sorted(self.g.objects(shape, _uri(target)), key=str):
                name = target.rsplit("#", 1)[1]
                if name == "targetClass":
                    t = self.var("t")
                    typed = self.pattern("?this", TYPE, t)
                    parts.append(f"{typed} VALUES {t} {{ {self.subclasses(value)} }}")
                elif name == "targetSubjectsOf":
                    parts.append(self.pattern("?this", _n3(value), self.var("o")))
                elif name == "targetObjectsOf":
                    parts.append(self.pattern(self.var("s"), _n3(value), "?this"))
                else:
                    parts.append(f"VALUES ?this {{ {_n3(value)} }}")
        if not parts:
            return None
        union = " UNION ".join(f"{{ {p} }}" for p in parts)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"

    def shape(self, shape: Any, targets: str, path: Any = None) -> Iterator[Check]:
        """The checks of a node shape (``path`` None) or of one of its property shapes."""
        allowed = _INERT | _VALUE_TESTS | {f"{SH}property"}
        allowed |= {f"{SH}{n}" for n in ("or", "sparql", "minLength", "maxLength", "pattern")}
        allowed |= {f"{SH}flags"} | {f"{SH}{n}" for n in _COMPARE}
        if path is None:
            allowed |= _TARGETS
        else:
            allowed |= {f"{SH}path", f"{SH}minCount", f"{SH}maxCount", f"{SH}qualifiedValueShape"}
            allowed |= {f"{SH}qualifiedMinCount", f"{SH}qualifiedMaxCount"}
            allowed |= {f"{SH}{n}" for n in _PAIRS}
        self.check_properties(shape, allowed)
        severity = str(self.one(shape, "severity") or SH + "Violation").rsplit("#", 1)[-1]
        message = self.one(shape, "message")
        path_text = _n3(path) if path is not None else None

        def check(
            component: str,
            query: str,
            generic: str | None = None,
            own: Any = None,
            column: str | None = None,
        ) -> Check:
            if own is not None:  # a SPARQL constraint's own message
                text = str(own)
            elif message is not None:
                text = str(message)
            elif generic is not None:
                text = generic
            else:
                raise Unsupported(
                    f"shape {shape} has no sh:message for its sh:{component} constraint"
                )
            return Check(str(shape), component, severity, text, _str(path), query, column)

        tests: list[tuple[str, str, str | None]] = []  # (component, violation, generic text)

        def per_value(component: str, condition: str, generic: str | None = None) -> None:
            """A violation when ``condition`` (on ``?value``) holds; run by ``values_query``."""
            tests.append((component, condition, generic))

        def values_query() -> str:
            """One query for every per-value test of the shape: the values are read once.

            Each test is a boolean column (an error counts as false, as in a FILTER); the
            values are filtered in a subquery, then joined with the targets by hashing (see
            ``_anti_joins`` on why not one lookup per focus node).
            """
            node = "?this" if path_text is None else "?value"
            columns = " ".join(f"?b{i}" for i in range(len(tests)))
            binds = " ".join(
                f"BIND (COALESCE({c.replace('?value', node)}, false) AS ?b{i})"
                for i, (_, c, _) in enumerate(tests)
            )
            any_ = " || ".join(f"?b{i}" for i in range(len(tests)))
            if path_text is None:
                return (
                    f"SELECT DISTINCT ?this {columns} WHERE {{ {targets} {binds} FILTER ({any_}) }}"
                )
            values = self.pattern("?this", path_text, "?value")
            tested = f"{values} {binds} FILTER ({any_})"
            return (
                f"SELECT DISTINCT ?this ?value {columns} WHERE {{ {targets}"
                f" {{ SELECT ?this ?value {columns} WHERE {{ {tested} }} }} }}"
            )

        def without_class(*rules: Any) -> str:
            """Value nodes that are instances of none of ``rules``: MINUS, one anti-join."""
            t = self.var("t")
            node = "?this" if path_text is None else "?value"
            classes = " ".join(sorted({c for r in rules for c in self.subclasses(r).split()}))
            typed = f"MINUS {{ {self.pattern(node, TYPE, t)} VALUES {t} {{ {classes} }} }}"
            if path_text is None:
                return f"SELECT DISTINCT ?this WHERE {{ {targets} {typed} }}"
            values = self.pattern("?this", path_text, "?value")
            return (
                f"SELECT DISTINCT ?this ?value WHERE {{ {targets}"
                f" {{ SELECT ?this ?value WHERE {{ {values} }} }} {typed} }}"
            )

        for test in ("class", "datatype", "nodeKind", "in"):
            for rule in self.g.objects(shape, _uri(SH + test)):
                generic = _GENERIC.get(test, "").format(self.g.namespace_manager.normalizeUri(rule))
                if test == "class":
                    yield check(test, without_class(rule), generic or None)
                else:
                    per_value(test, f"!({self.value_test(test, rule, '?value')})", generic or None)
        for rule in self.g.objects(shape, _uri(SH + "or")):
            members = self.items(rule)
            classes = [self.only_class(m) for m in members]
            if members and all(c is not None for c in classes):  # an instance of one of them
                yield check("or", without_class(*classes))
                continue
            conforming = [self.conforms(member, "?value") for member in members]
            per_value("or", f"!({' || '.join(conforming) or 'false'})")
        for name in ("minLength", "maxLength"):
            for rule in self.g.objects(shape, _uri(SH + name)):
                op = "<" if name == "minLength" else ">"
                per_value(name, f"isBlank(?value) || STRLEN(STR(?value)) {op} {int(rule)}")
        for rule in self.g.objects(shape, _uri(SH + "pattern")):
            flags = self.one(shape, "flags")
            extra = f", {_n3(flags)}" if flags is not None else ""
            per_value("pattern", f"isBlank(?value) || !REGEX(STR(?value), {_n3(rule)}{extra})")
        for name, op in _COMPARE.items():
            for rule in self.g.objects(shape, _uri(SH + name)):
                per_value(name, f"!COALESCE(?value {op} {_n3(rule)}, false)")
        if tests:
            shared = values_query()
            for i, (component, _, wording) in enumerate(tests):
                yield check(component, shared, wording, column=f"b{i}")
        if path_text is not None:
            yield from self.counts(shape, targets, path_text, check)
        for node in self.g.objects(shape, _uri(SH + "sparql")):
            yield check("sparql", self.sparql(node, targets), own=self.one(node, "message"))
        for prop in sorted(self.g.objects(shape, _uri(SH + "property")), key=str):
            prop_path = self.one(prop, "path")
            if not isinstance(prop_path, _uri_type()):
                raise Unsupported(f"property shape {prop} has a path that is not one IRI")
            yield from self.shape(prop, targets, prop_path)

    def counts(self, shape: Any, targets: str, path: str, check: Any) -> Iterator[Check]:
        """minCount, maxCount, qualified counts and property pairs (property shapes only).

        Values are counted per focus node in a subquery over the property alone, then joined
        with the targets (too few: MINUS the nodes that have enough).
        """
        values = self.pattern("?this", path, "?value")

        def counted(filter_: str, op: str, bound: int) -> str:
            return (
                f"{{ SELECT ?this WHERE {{ {values} {filter_} }} GROUP BY ?this"
                f" HAVING (COUNT(DISTINCT ?value) {op} {bound}) }}"
            )

        def too_few(filter_: str, bound: int) -> str:
            enough = f"{{ {values} {filter_} }}" if bound == 1 else counted(filter_, ">=", bound)
            return f"SELECT ?this WHERE {{ {targets} MINUS {enough} }}"

        def too_many(filter_: str, bound: int) -> str:
            return f"SELECT ?this WHERE {{ {targets} {counted(filter_, '>', bound)} }}"

        least, most = self.one(shape, "minCount"), self.one(shape, "maxCount")
        bounds_ = [
            (name, op, int(rule))
            for name, op, rule in (("minCount", "<", least), ("maxCount", ">", most))
            if rule is not None and not (name == "minCount" and int(rule) == 0)
        ]
        if bounds_:  # the values are counted once for both bounds
            binds = " ".join(
                f"BIND (COALESCE(?n, 0) {op} {rule} AS ?{name})" for name, op, rule in bounds_
            )
            any_ = " || ".join(f"?{name}" for name, _, _ in bounds_)
            query = (
                f"SELECT ?this {' '.join(f'?{name}' for name, _, _ in bounds_)} WHERE {{ {targets}"
                f" OPTIONAL {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ {values} }}"
                f" GROUP BY ?this }} {binds} FILTER ({any_}) }}"
            )
            for name, _, _ in bounds_:
                yield check(name, query, column=name)
        qualified = self.one(shape, "qualifiedValueShape")
        bounds = [(n, self.one(shape, n)) for n in ("qualifiedMinCount", "qualifiedMaxCount")]
        if qualified is None and any(b is not None for _, b in bounds):
            raise Unsupported(f"shape {shape} has a qualified count without sh:qualifiedValueShape")
        if qualified is not None:
            matching = f"FILTER ({self.conforms(qualified, '?value')})"
            for name, rule in bounds:
                if rule is None:
                    continue
                if name == "qualifiedMinCount":
                    if int(rule) > 0:
                        yield check(name, too_few(matching, int(rule)))
                else:
                    yield check(name, too_many(matching, int(rule)))
        for name, op in _PAIRS.items():
            for other in self.g.objects(shape, _uri(SH + name)):
                w = self.var("w")
                yield check(
                    name,
                    f"SELECT DISTINCT ?this ?value WHERE {{ {targets} {{ SELECT ?this ?value"
                    f" WHERE {{ {{ SELECT ?this ?value WHERE {{ {values} }} }}"
                    f" {{ SELECT ?this {w} WHERE {{ {self.pattern('?this', _n3(other), w)} }} }}"
                    f" FILTER (!COALESCE(?value {op} {w}, false)) }} }} }}",
                )

    def sparql(self, node: Any, targets: str) -> str:
        """A SHACL-SPARQL constraint: its SELECT joined with the targets ($this is ?this)."""
        self.check_properties(node, _INERT | {f"{SH}select", f"{SH}prefixes"})
        select = str(self.one(node, "select"))
        if "$PATH" in select or "$currentShape" in select or "$shapesGraph" in select:
            raise Unsupported(f"SPARQL constraint {node} uses a variable kg does not pre-bind")
        prologue = []
        for owner in self.g.objects(node, _uri(SH + "prefixes")):
            for decl in self.g.objects(owner, _uri(SH + "declare")):
                prefix = self.g.value(decl, _uri(SH + "prefix"))
                namespace = self.g.value(decl, _uri(SH + "namespace"))
                prologue.append(f"PREFIX {prefix}: <{namespace}>")
        head = "\n".join(sorted(set(prologue)))
        body = _where_body(select)
        if body is None:  # solution modifiers or the like: run it as a subquery
            return (
                f"{head}\nSELECT DISTINCT ?this ?path ?value WHERE {{ {targets} {{ {select} }} }}"
            )
        return (
            f"{head}\nSELECT DISTINCT ?this ?path ?value WHERE {{ {targets} {_anti_joins(body)} }}"
        )

    # -- shapes as tests on one node (inside sh:or and sh:qualifiedValueShape)

    def only_class(self, shape: Any) -> Any:
        """The class of a shape that is one ``sh:class`` and no other constraint, or None."""
        self.check_properties(shape, _INERT | _VALUE_TESTS)
        tests = [p for p in self.g.predicates(shape, None) if str(p) in _VALUE_TESTS]
        return self.one(shape, "class") if tests == [_uri(SH + "class")] else None

    def conforms(self, shape: Any, node: str) -> str:
        """A SPARQL condition: ``node`` conforms to ``shape`` (value-type constraints only)."""
        self.check_properties(shape, _INERT | _VALUE_TESTS)
        tests = [
            self.value_test(test, rule, node)
            for test in ("class", "datatype", "nodeKind", "in")
            for rule in self.g.objects(shape, _uri(SH + test))
        ]
        return "(" + " && ".join(tests or ["true"]) + ")"

    def value_test(self, test: str, rule: Any, node: str) -> str:
        """A SPARQL condition: ``node`` satisfies the constraint ``sh:test rule``."""
        if test == "class":
            return self.is_a(node, rule)
        if test == "datatype":
            if str(rule) in _CASTS:  # an ill-typed literal fails the cast
                return (
                    f"(isLiteral({node}) && DATATYPE({node}) = {_n3(rule)}"
                    f" && COALESCE(isLiteral({_n3(rule)}(STR({node}))), false))"
                )
            return f"(isLiteral({node}) && DATATYPE({node}) = {_n3(rule)})"
        if test == "nodeKind":
            kind = str(rule).rsplit("#", 1)[-1]
            if kind not in _NODE_KINDS:
                raise Unsupported(f"unknown sh:nodeKind {rule}")
            return _NODE_KINDS[kind].format(v=node)
        members = [f"sameTerm({node}, {_n3(m)})" for m in self.items(rule)]
        return "(" + (" || ".join(members) or "false") + ")"


def _where_body(select: str) -> list[Any] | None:
    """The tokens of ``SELECT [DISTINCT] ?vars WHERE { body }`` between the braces, or None.

    Joining the body with the targets (rather than running the SELECT as a subquery and joining
    its rows) lets Oxigraph start from the focus nodes, as SHACL's pre-binding of $this does.
    """
    toks = list(tokens(select))
    words = [t.text.upper() for t in toks]
    i = 1 + (len(words) > 1 and words[1] == "DISTINCT")
    if not words or words[0] != "SELECT":
        return None
    while i < len(toks) and toks[i].kind == "var":
        i += 1
    if words[i : i + 2] != ["WHERE", "{"] or toks[-1].text != "}":
        return None
    body = toks[i + 2 : -1]
    depth = 0
    for t in body:  # the closing brace must be the WHERE group's own
        depth += {"{": 1, "}": -1}.get(t.text, 0)
        if depth < 0:
            return None
    return body


#: Keywords after which a variable may be unbound or a group may see other bindings, so that
#: FILTER NOT EXISTS and MINUS could differ; a body with one of them is run as it is written.
_NOT_PLAIN = {"OPTIONAL", "UNION", "BIND", "VALUES", "GRAPH", "SERVICE", "MINUS", "SELECT"}


def _anti_joins(body: list[Any]) -> str:
    """``body`` as text, planned for Oxigraph when it is plain triple patterns and filters.

    Oxigraph evaluates ``FILTER NOT EXISTS { … }`` once per solution with a plan that ignores
    the solution's bindings (a scan of the group each time: quadratic), and joins a triple
    pattern by one index lookup per solution (about 15 µs each in a store on disk). Here each
    triple pattern becomes a subquery, so that patterns are joined by hashing (one sequential
    scan each), and a ``FILTER NOT EXISTS`` of several triple patterns becomes ``MINUS``: the
    same thing when every variable outside is bound (a body of triple patterns and filters)
    and the group shares one with it. A group of one pattern stays: one lookup per solution,
    where MINUS would read every triple matching it.
    """
    text = [t.text for t in body]
    upper = [t.upper() for t in text]
    plain_text = " ".join(text)
    if _NOT_PLAIN & set(upper) or "[" in text or any(t.startswith("_:") for t in text):
        return plain_text
    triples: list[Any] = []  # tokens outside filters and groups
    filters: list[str] = []
    groups: list[list[Any]] = []  # FILTER NOT EXISTS { plain triples }
    in_filter: set[str] = set()  # variables that only a filter expression mentions
    i = 0
    while i < len(body):
        if upper[i : i + 4] == ["FILTER", "NOT", "EXISTS", "{"] and "}" in text[i:]:
            end = text.index("}", i)
            group = body[i + 4 : end]
            if any(t.text in ("{", "(") or t.text.upper() == "FILTER" for t in group):
                return plain_text
            groups.append(group)
            i = end + 1
        elif upper[i] == "FILTER":
            depth, j = 0, i + 1
            while j < len(body):
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                if body[j].kind == "var":
                    in_filter.add(text[j][1:])
                j += 1
                if depth == 0:
                    break
            filters.append(" ".join(text[i:j]))
            i = j
        elif text[i] in ("{", "}", "(", ")"):
            return plain_text
        else:
            triples.append(body[i])
            i += 1
    bound = {t.text[1:] for t in triples if t.kind == "var"}
    parts = [_hash_joined(triples), *filters]
    for group in groups:
        shared = {t.text[1:] for t in group if t.kind == "var"} & (bound - (in_filter - bound))
        several = any(t.text in (".", ";", ",") for t in group[:-1])
        if shared and several:
            parts.append(f"MINUS {{ {_hash_joined(group)} }}")
        else:
            parts.append("FILTER NOT EXISTS { " + " ".join(t.text for t in group) + " }")
    return " ".join(parts)


def _hash_joined(tokens: list[Any]) -> str:
    """Plain triple patterns (``s p o ; p o , o .``) as one subquery each (constant predicates)."""
    out: list[str] = []
    current: list[str] = []
    subject: str | None = None
    verb: str | None = None
    for t in [*tokens, None]:
        if t is None or t.text in (".", ";", ","):
            if current:
                if subject is None:
                    subject, verb, obj = current[0], current[1], current[2:]
                elif verb is None:
                    verb, obj = current[0], current[1:]
                else:
                    obj = current
                pattern = f"{subject} {verb} {' '.join(obj)}"
                # a variable predicate would scan the whole store: joined by lookups instead
                hashed = not verb.startswith(("?", "$"))
                out.append(f"{{ SELECT * WHERE {{ {pattern} }} }}" if hashed else f"{pattern} .")
            if t is None or t.text == ".":
                subject, verb = None, None
            elif t.text == ";":
                verb = None
            current = []
        else:
            current.append(t.text)
    return " ".join(out)


def _uri(text: str) -> Any:
    from rdflib import URIRef

    return URIRef(text)


def _uri_type() -> type:
    from rdflib import URIRef

    return URIRef


def _str(term: Any) -> str | None:
    return None if term is None else str(term)
