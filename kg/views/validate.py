"""``kg validate``: check a graph against ``kg/ontology/shapes.ttl`` and print a readable report.

Two engines give the same findings (tested): ``sparql`` (the default) runs each constraint of
the shapes as one SPARQL query on the store (``kg.views.shacl_sparql``), so a store of 10,000
documents is checked in Oxigraph, without copying it; ``pyshacl`` (the reference) validates
the union of the document graphs, copied into rdflib, with the ontology mixed in (so
``sh:class`` follows subclasses). Shapes that the translation does not cover are checked by
pyshacl. Two checks SHACL cannot express, because it does not see named graphs, run as SPARQL
on the store: within one document an entity has exactly one class and one prefLabel. The
inferred graph (``kg.views.reason``) is left out: only asserted facts are validated.

The SPARQL queries read the store's default graph, the merged graph (``kg.store.merged``: each
triple of the document graphs once), except for ``kg:text``, which stays in the document
graphs; it also holds ``kg:Fact`` nodes, which no shape targets.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg import errors
from kg.rdf.quads import bind_prefixes
from kg.rdf.safety import check_rdf
from kg.rdf.sparql import INFERRED_GRAPH, PREFIXES
from kg.rdf.terms import to_ox
from kg.rdf.vocab import ENTITY_CLASSES, KG
from kg.resources import ontology_file, shapes_file
from kg.views.shacl_sparql import Check, Pattern, Unsupported, plain, translate

#: The validation engines: SPARQL on the store (the default), pyshacl (the reference).
ENGINES = ("sparql", "pyshacl")

SH = "http://www.w3.org/ns/shacl#"
_ENTITY_CLASSES = " ".join(f"kg:{c}" for c in ENTITY_CLASSES)


@dataclass(frozen=True)
class Finding:
    """One problem: where (focus node and its label), which property, what is wrong."""

    severity: str  # "Violation", "Warning" or "Info"
    focus: str
    label: str
    path: str
    message: str
    value: str = ""

    def line(self) -> str:
        where = f"{self.label} <{self.focus}>" if self.label else f"<{self.focus}>"
        prop = f", {self.path}" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"- [{self.severity}] {where}{prop}: {self.message}{value}"


@dataclass
class ValidationResult:
    """Outcome of a validation: ``conforms`` and a readable ``report``."""

    conforms: bool
    findings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "Violation"]

    @property
    def report(self) -> str:
        v, w = len(self.violations), len(self.warnings)
        head = "conforms" if self.conforms else "does not conform"
        lines = [
            f"{head}: {v} violation{'s' if v != 1 else ''}, {w} warning{'s' if w != 1 else ''}"
        ]
        lines += [f.line() for f in self.violations + self.warnings]
        return "\n".join(lines)


def _load_rdf(path: Path) -> Any:
    from rdflib import Graph

    if not path.is_file():
        raise errors.no_such_input(str(path))
    check_rdf(path.read_bytes(), path.suffix, source=str(path))  # bombs, remote contexts, nesting
    try:
        return Graph().parse(str(path))
    except Exception as err:  # rdflib raises many parser-specific types
        raise errors.bad_rdf(
            str(path), str(err).splitlines()[0] if str(err) else type(err).__name__
        ) from err


def data_graph(source: Any) -> Any:
    """Return the asserted triples of ``source`` (all graphs but the inferred one) as a Graph."""
    from rdflib import Graph, URIRef

    inferred = URIRef(INFERRED_GRAPH)
    g = Graph()
    bind_prefixes(g)  # type: ignore[arg-type]
    for s, p, o, name in source.quads():
        if name != inferred:
            g.add((s, p, o))
    return g


def validate(source: Any, shapes: str | None = None, engine: str = "sparql") -> ValidationResult:
    """Validate ``source`` (a ``kg.store.Store``) against the SHACL shapes.

    Args:
        source: The graph to check.
        shapes: A SHACL file to use instead of ``kg/ontology/shapes.ttl``.
        engine: ``"sparql"`` (queries on the store; shapes it cannot translate go to pyshacl)
            or ``"pyshacl"`` (the reference implementation, on a copy of the graph in rdflib).

    Returns:
        The result; ``report`` lists each problem with the focus node's label.
    """
    shapes_path = Path(shapes) if shapes else shapes_file()
    shapes_graph = _load_rdf(shapes_path)
    ontology = _load_rdf(ontology_file())
    if engine == "sparql":
        try:
            checks = translate(shapes_graph, ontology, store_pattern(source))
        except Unsupported:
            engine = "pyshacl"  # same findings, only slower
    if engine == "sparql":
        raw = run_checks(source, checks) + _per_document(source)
        data = label_graph(source, raw)
    else:
        data = data_graph(source)
        raw = _pyshacl(data, shapes_graph, ontology, shapes_path) + _per_document(source)
    findings = [_finding(r, data) for r in raw]
    unique = sorted(
        set(findings),
        key=lambda f: (f.severity != "Violation", f.label, f.focus, f.path, f.message, f.value),
    )
    conforms = not any(f.severity == "Violation" for f in unique)
    return ValidationResult(conforms, unique)


#: A finding before labels: severity, focus node, path (IRI or ""), message, and the value
#: (an RDF term, labelled later; a str, shown as it is; None: no value).
Raw = tuple[str, Any, str, str, Any]


def store_pattern(source: Any) -> Pattern:
    """How the queries on ``source`` read a triple: from its default graph, except ``kg:text``.

    The merged graph holds every triple of the document graphs but each document's text
    (``kg.store.merged``), so a ``kg:text`` pattern looks into the document graphs.
    """
    if getattr(source, "default_graph", "") != "merged":
        return plain  # an RDF file of plain triples, or a store from before the merged graph
    text = f"<{KG.text}>"
    count = iter(range(1_000_000))

    def pattern(s: str, p: str, o: str) -> str:
        if p != text:
            return plain(s, p, o)
        g = f"?textgraph{next(count)}"
        return f"GRAPH {g} {{ {s} {p} {o} }} FILTER ({g} != <{INFERRED_GRAPH}>)"

    return pattern


def run_checks(source: Any, checks: list[Check]) -> list[Raw]:
    """Run each check's query on ``source``; each row is a finding."""
    found: list[Raw] = []
    by_query: dict[str, list[Check]] = {}
    for check in checks:  # checks of one property share a query (see Check.column)
        by_query.setdefault(check.query, []).append(check)
    # the queries are independent and pyoxigraph lets go of the GIL while it evaluates one:
    # two at a time halved the wall time on 1,000 documents (benchmarks/bench_validate.py)
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        answers = list(pool.map(source.select, by_query))
    for sharing, rows in zip(by_query.values(), answers, strict=True):
        for row in rows:
            for check in sharing:
                if check.column is not None and not _true(row.get(check.column)):
                    continue
                path = row.get("path") or check.path
                value = row.get("value")
                found.append((check.severity, row["this"], str(path or ""), check.message, value))
    return found


def _true(value: Any) -> bool:
    return value is not None and bool(value.toPython())


def label_graph(source: Any, raw: list[Raw]) -> Any:
    """The triples ``_label`` reads about the nodes of the findings, fetched from ``source``.

    Their preferred labels, and for a statement its subject, predicate and object (with their
    labels): a small rdflib Graph, so that both engines label findings with the same code.
    """
    from rdflib import RDF, Graph, URIRef
    from rdflib.namespace import SKOS

    g = Graph()
    nodes = {r[1] for r in raw} | {r[4] for r in raw if _is_term(r[4])}
    iris = sorted({n for n in nodes if isinstance(n, URIRef)})
    for chunk in _chunks(iris):
        values = " ".join(str(to_ox(n)) for n in chunk)
        # the three properties named: with ``?n ?p ?x`` Oxigraph scanned 60 times longer
        rows = source.select(
            f"SELECT ?n ?s ?p ?o WHERE {{ VALUES ?n {{ {values} }} ?n a rdf:Statement"
            " OPTIONAL { ?n rdf:subject ?s } OPTIONAL { ?n rdf:predicate ?p }"
            " OPTIONAL { ?n rdf:object ?o } }"
        )
        for row in rows:
            g.add((row["n"], RDF.type, RDF.Statement))
            for prop, name in ((RDF.subject, "s"), (RDF.predicate, "p"), (RDF.object, "o")):
                if row[name] is not None:
                    g.add((row["n"], prop, row[name]))
    parts_iris = {o for o in g.objects() if isinstance(o, URIRef)}
    for chunk in _chunks(sorted(set(iris) | parts_iris)):
        values = " ".join(str(to_ox(n)) for n in chunk)
        for row in source.select(
            f"SELECT ?n ?l WHERE {{ VALUES ?n {{ {values} }} ?n skos:prefLabel ?l }}"
        ):
            g.add((row["n"], SKOS.prefLabel, row["l"]))
    return g


def _is_term(value: Any) -> bool:
    from rdflib.term import Node

    return isinstance(value, Node)  # an rdflib IRI is a str too


def _chunks(items: list[Any], size: int = 200) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _finding(raw: Raw, data: Any) -> Finding:
    severity, focus, path, message, value = raw
    if isinstance(value, str) and not _is_term(value):
        shown = value
    elif value is not None and value != focus:
        label = _label(value, data)
        shown = f"{label} <{value}>" if label and label != str(value) else str(value)
    else:
        shown = ""
    return Finding(
        severity, str(focus), _label(focus, data), _short(path) if path else "", message, shown
    )


def _pyshacl(data: Any, shapes_graph: Any, ontology: Any, shapes_path: Path) -> list[Raw]:
    from pyshacl import validate as shacl_validate

    _, results, _ = shacl_validate(
        data,
        shacl_graph=shapes_graph,
        ont_graph=ontology,
        inference="none",
        allow_warnings=True,
        allow_infos=True,
    )
    if not hasattr(results, "subjects"):  # pyshacl returns a ValidationFailure for bad shapes
        raise errors.bad_rdf(str(shapes_path), str(results))
    return _results(results)


def _short(term: Any) -> str:
    text = str(term)
    for prefix, iri in PREFIXES.items():
        if text.startswith(iri) and len(text) > len(iri):
            return f"{prefix}:{text[len(iri) :]}"
    return text


def _label(node: Any, data: Any) -> str:
    from rdflib import RDF, Literal
    from rdflib.namespace import SKOS

    if isinstance(node, Literal):
        return str(node)
    labels = sorted(str(x) for x in data.objects(node, SKOS.prefLabel))
    if labels:
        return " / ".join(labels)
    if (node, RDF.type, RDF.Statement) in data:
        parts = []
        for prop in (RDF.subject, RDF.predicate, RDF.object):
            value = data.value(node, prop)
            if value is None:
                parts.append("?")
            elif prop == RDF.predicate:
                parts.append(_short(value))
            else:
                parts.append(_label(value, data) or _short(value))
        return "statement (" + " ".join(parts) + ")"
    return ""


def _results(results: Any) -> list[Raw]:
    from rdflib import Namespace

    sh = Namespace(SH)
    found: list[Raw] = []
    for r in results.subjects(predicate=sh.resultSeverity):
        focus = results.value(r, sh.focusNode)
        path = results.value(r, sh.resultPath)
        severity = str(results.value(r, sh.resultSeverity)).rsplit("#", 1)[-1]
        message = results.value(r, sh.resultMessage)
        if message is None:
            component = results.value(r, sh.sourceConstraintComponent)
            message = f"fails {_short(component)}" if component is not None else "does not conform"
        value = results.value(r, sh.value)
        found.append((severity, focus, str(path or ""), str(message), value))
    return found


def _per_document(source: Any) -> list[Raw]:
    """Within each document graph, an entity has exactly one class and one prefLabel."""
    found: list[Raw] = []
    checks = (
        ("skos:prefLabel", "?e skos:prefLabel ?x", "has {n} skos:prefLabel values in document {g}"),
        (
            "rdf:type",
            f"?e a ?x . VALUES ?x {{ {_ENTITY_CLASSES} }}",
            "has {n} entity classes in document {g}",
        ),
    )
    for path, pattern, message in checks:
        # counted first (each graph holds a triple once), spelled out for the few found only:
        # decoding every label of a big store for GROUP_CONCAT took most of the time
        rows = source.select(
            f"SELECT ?g ?e (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {pattern} }} }}"
            " GROUP BY ?g ?e HAVING (COUNT(*) > 1)"
        )
        for chunk in _chunks(list(rows)):
            pairs = " ".join(f"({to_ox(r['g'])} {to_ox(r['e'])})" for r in chunk)
            found_values = source.select(
                "SELECT ?g ?e (GROUP_CONCAT(DISTINCT STR(?x); SEPARATOR=', ') AS ?xs)"
                f" WHERE {{ VALUES (?g ?e) {{ {pairs} }} GRAPH ?g {{ {pattern} }} }}"
                " GROUP BY ?g ?e"
            )
            spelled = {(r["g"], r["e"]): r["xs"] for r in found_values}
            for row in chunk:
                found.append(
                    (
                        "Violation",
                        row["e"],
                        path,
                        message.format(n=row["n"], g=_short(row["g"])),
                        str(spelled[(row["g"], row["e"])]),
                    )
                )
    return found
