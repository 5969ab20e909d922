"""The package's shape: no import circle, kg's own imports at module top, arrows pointing down
the stages, modules of a readable size. Read from the source (``ast``), nothing is imported.

Run as a script it prints the figures of the layout (import floors and the longest chain, circles,
the largest modules, function-local imports of kg's modules):

    python tests/test_layout.py
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parent.parent / "kg"

#: Each package may import only from packages of a lower rank (and from itself):
#: cli → eval → run → extract, views → ingest, store → rdf, nlp → checks, resources → errors,
#: records.
RANK = {
    "errors": 0,
    "records": 0,
    "resources": 1,
    "lifeline": 1,
    "checks": 1,
    "rdf": 2,
    "nlp": 2,
    "ingest": 3,
    "store": 3,
    "extract": 4,
    "views": 4,
    "run": 5,
    "eval": 6,
    "cli": 7,
}
MAX_LINES = 600


def _module(path: Path) -> str:
    parts = path.relative_to(KG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in sorted(KG.rglob("*.py"))}


def _target(name: str) -> str:
    """The kg module an imported name belongs to (``kg.store.open_store`` → ``kg.store``)."""
    while name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _imports_kg(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[0] == "kg"
    return isinstance(node, ast.Import) and any(a.name.split(".")[0] == "kg" for a in node.names)


def _imports(path: Path) -> list[tuple[ast.ImportFrom | ast.Import, bool, bool]]:
    """(import of a kg module, inside a function, under ``if TYPE_CHECKING``)."""
    found = []

    def visit(node: ast.AST, in_function: bool, typing_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            function = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            typing = typing_only or (
                isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test)
            )
            if _imports_kg(child):
                found.append((child, in_function, typing_only))  # type: ignore[arg-type]
            visit(child, function, typing)

    visit(ast.parse(path.read_text(encoding="utf-8")), False, False)
    return found


def _edges() -> dict[str, set[str]]:
    """Module → the kg modules it imports at run time (type-only imports left out)."""
    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in MODULES.items():
        for node, _, typing_only in _imports(path):
            if typing_only:
                continue
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif node.module == "kg":
                targets = [f"kg.{a.name}" for a in node.names]
            else:
                targets = [f"{node.module}.{a.name}" for a in node.names]
            edges[name] |= {_target(t) for t in targets} - {name}
    return edges


def _package(module: str) -> str:
    return module.split(".")[1] if "." in module else "kg"


def test_no_import_circle() -> None:
    edges = _edges()
    done: set[str] = set()
    path: list[str] = []

    def walk(module: str) -> None:
        if module in path:
            cycle = path[path.index(module) :] + [module]
            pytest.fail("import circle: " + " → ".join(cycle))
        if module in done:
            return
        path.append(module)
        for nxt in sorted(edges.get(module, ())):
            walk(nxt)
        path.pop()
        done.add(module)

    for module in MODULES:
        walk(module)


def test_kg_modules_are_imported_at_module_top() -> None:
    inside = [
        f"{path.relative_to(KG.parent)}:{node.lineno}"
        for path in MODULES.values()
        for node, in_function, _ in _imports(path)
        if in_function
    ]
    assert inside == []


def test_arrows_point_down_the_stages() -> None:
    upward = sorted(
        f"{module} → {target}"
        for module, targets in _edges().items()
        for target in targets
        if _package(module) in RANK
        and _package(target) in RANK
        and _package(module) != _package(target)
        and RANK[_package(target)] >= RANK[_package(module)]
    )
    assert upward == []


def test_every_package_and_top_module_has_a_rank() -> None:
    names = {_package(m) for m in MODULES} - {"kg"}
    assert names <= set(RANK), names - set(RANK)


def test_modules_stay_readable() -> None:
    long = sorted(
        f"{path.relative_to(KG).as_posix()}: {n} lines"
        for path in MODULES.values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    )
    assert long == []


def _floors(edges: dict[str, set[str]]) -> dict[str, int]:
    """Each module's floor: 1 for a module that imports no kg module, else one above the highest
    floor it imports (so the highest floor is the longest chain of imports, in modules)."""
    floors: dict[str, int] = {}

    def floor(module: str) -> int:
        if module not in floors:
            floors[module] = 1 + max((floor(m) for m in edges.get(module, ())), default=0)
        return floors[module]

    for module in MODULES:
        floor(module)
    return floors


def figures() -> list[str]:
    edges = _edges()
    floors = _floors(edges)
    chain = [max(floors, key=lambda m: (floors[m], m))]
    while edges.get(chain[-1]):
        chain.append(max(edges[chain[-1]], key=lambda m: (floors[m], m)))
    sizes = sorted(
        (
            (len(p.read_text(encoding="utf-8").splitlines()), p.relative_to(KG).as_posix())
            for p in MODULES.values()
        ),
        reverse=True,
    )
    inside = sum(1 for p in MODULES.values() for _, in_function, _ in _imports(p) if in_function)
    try:
        test_no_import_circle()
        circles = "0"
    except pytest.fail.Exception as exc:
        circles = str(exc)
    return [
        f"modules: {len(MODULES)}",
        f"import floors: {max(floors.values())}",
        "longest chain: " + " → ".join(chain),
        f"import circles: {circles}",
        "largest modules: " + ", ".join(f"{name} ({n} lines)" for n, name in sizes[:3]),
        f"function-local imports of kg modules: {inside}",
    ]


if __name__ == "__main__":
    print("\n".join(figures()))
