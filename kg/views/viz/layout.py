"""Where the nodes go: a deterministic force layout per connected component, components packed in
rows, computed once in Python so the browser only refines small graphs."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from kg.views.network import simple_undirected

# networkx, numpy, pyvis and jinja2 are imported where used: ``kg --help`` needs none of them
if TYPE_CHECKING:
    import networkx as nx


def compute_layout(G: nx.MultiDiGraph, *, spacing: float = 95.0) -> dict[str, tuple[float, float]]:
    """Return pixel positions: each connected component laid out apart, then packed in rows.

    Each component gets :func:`force_layout` (deterministic), scaled so that its median edge is
    ``spacing`` pixels long whatever its size, then the components' bounding boxes are packed
    in rows, largest first. (networkx's Kamada-Kawai looks a little better on small parts but
    took 1.5 s for 60 nodes here; the browser's bounded physics evens small graphs out.)
    """
    import networkx as nx

    U = simple_undirected(G)
    comps = sorted(nx.connected_components(U), key=lambda c: (-len(c), min(c)))
    boxes: list[tuple[dict[str, tuple[float, float]], float, float]] = []
    for comp in comps:
        n = len(comp)
        sub = U.subgraph(comp)
        if n == 1:
            unit = {next(iter(comp)): (0.0, 0.0)}
        elif n == 2:
            unit = {v: (i - 0.5, 0.0) for i, v in enumerate(sorted(sub))}
        else:  # small parts get more iterations: they cost next to nothing
            unit = force_layout(sub, iterations=max(50, min(300, 40_000 // n)))
        lengths = sorted(math.dist(unit[u], unit[v]) for u, v in sub.edges())
        median = lengths[len(lengths) // 2] if lengths else 1.0
        scale = spacing / max(median, 1e-9)
        xs = [x * scale for x, _ in unit.values()]
        ys = [y * scale for _, y in unit.values()]
        x0, y0 = min(xs), min(ys)
        pos = {v: (x * scale - x0, y * scale - y0) for v, (x, y) in unit.items()}
        boxes.append((pos, max(xs) - x0 + spacing, max(ys) - y0 + spacing))

    out: dict[str, tuple[float, float]] = {}
    total_area = sum(w * h for _, w, h in boxes)
    row_width = max([boxes[0][1] if boxes else 0.0, math.sqrt(total_area) * 1.5])
    x = y = row_height = 0.0
    for pos, width, height in boxes:
        if x > 0 and x + width > row_width:
            x, y = 0.0, y + row_height
            row_height = 0.0
        for v, (px, py) in pos.items():
            out[v] = (round(x + spacing / 2 + px, 1), round(y + spacing / 2 + py, 1))
        x += width
        row_height = max(row_height, height)
    return out


def force_layout(U: nx.Graph, iterations: int = 50, chunk: int = 512) -> dict[str, Any]:
    """Fruchterman-Reingold, vectorised with numpy (float32), started from the spectral layout.

    networkx's own spring layout switches to an L-BFGS energy solver past 500 nodes that takes
    about 15 s for 1,500 nodes; this takes a few seconds. Rows are processed in chunks so memory
    stays bounded (``chunk × n`` pairs at a time). Returns positions scaled into [-1, 1].
    """
    import networkx as nx
    import numpy as np

    nodes = list(U)
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    rng = np.random.default_rng(7)
    first = nx.spectral_layout(U)
    pos = np.array([first[v] for v in nodes], dtype=np.float32)
    pos += rng.normal(scale=1e-3, size=pos.shape).astype(np.float32)  # leaves share a point
    pos = (pos - pos.mean(0)) / (np.abs(pos).max() or 1.0)
    x, y = pos[:, 0].copy(), pos[:, 1].copy()
    edges = np.array([(index[u], index[v]) for u, v in U.edges()], dtype=np.int64).reshape(-1, 2)
    # ForceAtlas2's degree-weighted repulsion: hubs push harder, so their leaves get room
    mass = np.array([1.0 + U.degree(v) for v in nodes], dtype=np.float32)
    mass /= np.float32(mass.mean())
    k2 = np.float32(1.0 / n)  # k = 1/sqrt(n): the ideal distance in the unit square
    temperature = 0.1
    cool = temperature / (iterations + 1)
    for _ in range(iterations):
        fx, fy = np.zeros(n, np.float32), np.zeros(n, np.float32)
        for r0 in range(0, n, chunk):  # repulsion k²/d between all pairs
            dx = x[r0 : r0 + chunk, None] - x[None, :]
            dy = y[r0 : r0 + chunk, None] - y[None, :]
            f = k2 * mass[r0 : r0 + chunk, None] * mass[None, :]
            f /= np.maximum(dx * dx + dy * dy, np.float32(1e-6))
            fx[r0 : r0 + chunk] = (dx * f).sum(1)
            fy[r0 : r0 + chunk] = (dy * f).sum(1)
        if len(edges):  # attraction d²/k along the edges
            i, j = edges[:, 0], edges[:, 1]
            dx, dy = x[i] - x[j], y[i] - y[j]
            pull = np.sqrt(dx * dx + dy * dy) * np.float32(math.sqrt(n))
            np.add.at(fx, i, -dx * pull)
            np.add.at(fy, i, -dy * pull)
            np.add.at(fx, j, dx * pull)
            np.add.at(fy, j, dy * pull)
        length = np.sqrt(np.maximum(fx * fx + fy * fy, np.float32(1e-12)))
        step = np.minimum(length, np.float32(temperature)) / length
        x += fx * step
        y += fy * step
        temperature -= cool
    x -= x.mean()
    y -= y.mean()
    scale = float(max(np.abs(x).max(), np.abs(y).max())) or 1.0
    return {v: (float(a) / scale, float(b) / scale) for v, a, b in zip(nodes, x, y, strict=True)}
