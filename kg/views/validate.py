"""``kg validate``: check a graph against ``kg/ontology/shapes.ttl`` and print a readable report.

pyshacl validates the union of the document graphs with the ontology mixed in (so ``sh:class``
follows subclasses). Two checks SHACL cannot express, because it does not see named graphs, run
as SPARQL on the store: within one document an entity has exactly one class and one prefLabel.
The inferred graph (``kg.views.reason``) is left out: only asserted facts are validated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg import errors
from kg.rdf.quads import bind_prefixes
from kg.rdf.safety import check_rdf
from kg.rdf.sparql import INFERRED_GRAPH, PREFIXES
from kg.rdf.vocab import ENTITY_CLASSES
from kg.resources import ontology_file, shapes_file

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


def validate(source: Any, shapes: str | None = None) -> ValidationResult:
    """Validate ``source`` (a ``kg.store.Store``) against the SHACL shapes.

    Args:
        source: The graph to check.
        shapes: A SHACL file to use instead of ``kg/ontology/shapes.ttl``.

    Returns:
        The result; ``report`` lists each problem with the focus node's label.
    """
    from pyshacl import validate as shacl_validate

    shapes_graph = _load_rdf(Path(shapes) if shapes else shapes_file())
    ontology = _load_rdf(ontology_file())
    data = data_graph(source)
    _, results, _ = shacl_validate(
        data,
        shacl_graph=shapes_graph,
        ont_graph=ontology,
        inference="none",
        allow_warnings=True,
        allow_infos=True,
    )
    if not hasattr(results, "subjects"):  # pyshacl returns a ValidationFailure for bad shapes
        raise errors.bad_rdf(str(shapes or shapes_file()), str(results))
    findings = _findings(results, data) + _per_document(source, data)
    unique = sorted(
        set(findings),
        key=lambda f: (f.severity != "Violation", f.label, f.focus, f.path, f.message),
    )
    conforms = not any(f.severity == "Violation" for f in unique)
    return ValidationResult(conforms, unique)


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


def _findings(results: Any, data: Any) -> list[Finding]:
    from rdflib import Namespace

    sh = Namespace(SH)
    found = []
    for r in results.subjects(predicate=sh.resultSeverity):
        focus = results.value(r, sh.focusNode)
        path = results.value(r, sh.resultPath)
        value = results.value(r, sh.value)
        severity = str(results.value(r, sh.resultSeverity)).rsplit("#", 1)[-1]
        message = results.value(r, sh.resultMessage)
        if message is None:
            component = results.value(r, sh.sourceConstraintComponent)
            message = f"fails {_short(component)}" if component is not None else "does not conform"
        shown = ""
        if value is not None and value != focus:
            label = _label(value, data)
            shown = f"{label} <{value}>" if label and label != str(value) else str(value)
        found.append(
            Finding(
                severity,
                str(focus),
                _label(focus, data),
                _short(path) if path is not None else "",
                str(message),
                shown,
            )
        )
    return found


def _per_document(source: Any, data: Any) -> list[Finding]:
    """Within each document graph, an entity has exactly one class and one prefLabel."""
    found = []
    checks = (
        ("skos:prefLabel", "?e skos:prefLabel ?x", "has {n} skos:prefLabel values in document {g}"),
        (
            "rdf:type",
            f"?e a ?x . VALUES ?x {{ {_ENTITY_CLASSES} }}",
            "has {n} entity classes in document {g}",
        ),
    )
    for path, pattern, message in checks:
        rows = source.select(
            "SELECT ?g ?e (COUNT(DISTINCT ?x) AS ?n)"
            " (GROUP_CONCAT(DISTINCT STR(?x); SEPARATOR=', ') AS ?xs)"
            f" WHERE {{ GRAPH ?g {{ {pattern} }} }} GROUP BY ?g ?e HAVING (COUNT(DISTINCT ?x) > 1)"
        )
        for row in rows:
            found.append(
                Finding(
                    "Violation",
                    str(row["e"]),
                    _label(row["e"], data),
                    path,
                    message.format(n=row["n"], g=_short(row["g"])),
                    str(row["xs"]),
                )
            )
    return found
