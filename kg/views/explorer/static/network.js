/* The network view: draws /network?…&format=json with vis-network; legend, filters, focus and a
   side panel. Every text from the graph goes in with textContent, never as markup. */
(function () {
  "use strict";
  const box = document.getElementById("kg-network");
  const COLORS = {MilitaryUnit: "#2f6fb0", PoliceUnit: "#5a8fd0", GovernmentBody: "#8a5fb0",
    Organization: "#c07a2c", Person: "#3a9a5b", Country: "#b03a3a", Place: "#9a7b3a",
    Event: "#6a6a6a", Entity: "#888888"};
  const hiddenClasses = new Set();
  const hiddenProperties = new Set();
  let data = null, nodes = null, edges = null, net = null, selected = null;

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function legend(target, values, hidden, color) {
    const holder = document.getElementById(target);
    for (const v of values) {
      const b = el("button", v, "legend-item");
      b.type = "button";
      b.dataset.value = v;
      if (color) b.style.borderLeftColor = color(v);
      b.addEventListener("click", () => {
        if (hidden.has(v)) hidden.delete(v); else hidden.add(v);
        b.classList.toggle("off", hidden.has(v));
        apply();
      });
      holder.appendChild(b);
    }
  }

  function filters() {
    const modalities = [];
    let all = true;
    for (const c of document.querySelectorAll("#f-modality input")) {
      if (c.checked) modalities.push(c.value); else all = false;
    }
    return {confidence: parseFloat(document.getElementById("f-confidence").value),
      from: document.getElementById("f-from").value, to: document.getElementById("f-to").value,
      modalities: all ? [] : modalities, doc: document.getElementById("f-document").value};
  }

  // the filters look at every statement of every fact: the server answers which facts pass
  let passing = null, pending = null, asked = "";
  function query(f) {
    const q = new URLSearchParams();
    if (f.confidence > 0) q.set("confidence", f.confidence.toFixed(2));
    if (f.from) q.set("from", f.from);
    if (f.to) q.set("to", f.to);
    for (const m of f.modalities) q.append("modality", m);
    if (f.doc) q.set("doc", f.doc);
    return q.toString();
  }

  function refilter() {
    const f = filters();
    document.getElementById("conf-value").textContent = f.confidence.toFixed(2);
    const none = [...document.querySelectorAll("#f-modality input")].every(c => !c.checked);
    const q = none ? "none" : query(f);  // no modality ticked: no fact passes
    if (q === asked) return;
    asked = q;
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => {
      if (!q || none) {
        passing = none ? new Set() : null;
        document.body.dataset.filters = q;
        apply();
        return;
      }
      document.getElementById("shown").textContent = "filtering…";
      fetch(box.dataset.src + "&" + q, {headers: {Accept: "application/json"}})
        .then(r => r.ok ? r.json() : r.text().then(t => Promise.reject(new Error(t))))
        .then(d => {
          if (q !== asked) return;  // a newer question is on its way
          passing = new Set(d.edges.filter(e => e.shown).map(key));
          document.body.dataset.filters = q;
          apply();
        })
        .catch(err => { document.getElementById("shown").textContent = String(err.message || err); });
    }, 200);
  }

  function key(e) { return e.from + "\u0000" + e.property + "\u0000" + e.to; }

  function apply() {
    const visibleNodes = new Set();
    const edgeUpdates = data.edges.map((e, i) => {
      const show = !hiddenProperties.has(e.property) && (passing === null || passing.has(key(e))) &&
        !hiddenClasses.has(byId[e.from].cls) && !hiddenClasses.has(byId[e.to].cls);
      if (show) { visibleNodes.add(e.from); visibleNodes.add(e.to); }
      return {id: i, hidden: !show};
    });
    edges.update(edgeUpdates);
    nodes.update(data.nodes.map(n => ({id: n.id, hidden: hiddenClasses.has(n.cls) ||
      (data.edges.length > 0 && !visibleNodes.has(n.id) && n.id !== data.entity)})));
    const shownEdges = edgeUpdates.filter(e => !e.hidden).length;
    document.getElementById("shown").textContent = shownEdges + " of " + data.edges.length + " facts shown";
  }

  function panel(slug) {
    const target = document.getElementById("panel");
    target.replaceChildren(el("p", "loading…", "note"));
    fetch("/entity/" + slug + "?format=json", {headers: {Accept: "application/json"}})
      .then(r => r.json()).then(e => {
        const parts = [];
        const h = el("h2");
        const a = el("a", e.label);
        a.href = "/entity/" + e.slug;
        h.appendChild(a);
        parts.push(h, el("p", e.classes.join(", ") + " · " + e.documents + " documents · " + e.factCount + " facts", "meta"));
        for (const g of e.groups) {
          parts.push(el("h3", g.property + " (" + g.total + ")", "property"));
          for (const fact of g.facts.slice(0, 10)) {
            const item = el("div", "", "panel-fact");
            item.appendChild(el("div", fact.subject.label + " " + fact.property + " " + fact.object.label, "triple"));
            for (const ev of fact.evidence.slice(0, 1)) {
              item.appendChild(el("blockquote", ev.sentence));
              item.appendChild(el("div", (ev.doc.title || ev.doc.id || "") + " · " + ev.modality + " · " + ev.confidence.toFixed(2), "source"));
            }
            parts.push(item);
          }
          if (g.more) {  // the property's own pages on the entity page
            const more = el("a", "all " + g.total + " " + g.property + " facts", "more");
            more.href = g.more;
            parts.push(more);
          }
        }
        target.replaceChildren(...parts);
      }).catch(() => target.replaceChildren(el("p", "could not load the entity", "error")));
  }

  // a long name is cut on the canvas (the whole name is in the tooltip and the side panel)
  function short(label) { return label.length > 28 ? label.slice(0, 27) + "…" : label; }

  // Each entity's box (its dot and its name) as drawn, relative to its position.
  function boxes(ids, pos) {
    const rel = {};
    for (const id of ids) {
      const b = net.getBoundingBox(id);
      rel[id] = {l: b.left - pos[id].x, r: b.right - pos[id].x, t: b.top - pos[id].y, b: b.bottom - pos[id].y};
    }
    return rel;
  }

  // Move entities apart until no two boxes overlap (the physics keeps dots apart, not names):
  // each overlapping pair is pushed apart along the axis where it overlaps least.
  function spread() {
    const pos = net.getPositions();
    const ids = Object.keys(pos).filter(id => !nodes.get(id).hidden);
    const rel = boxes(ids, pos);
    const GAP = 8;  // pixels between two boxes at scale 1
    for (let round = 0; round < 500; round++) {
      let moved = false;
      for (let i = 0; i < ids.length; i++) {
        for (let j = i + 1; j < ids.length; j++) {
          const a = pos[ids[i]], c = pos[ids[j]], ra = rel[ids[i]], rc = rel[ids[j]];
          const ox = Math.min(a.x + ra.r, c.x + rc.r) - Math.max(a.x + ra.l, c.x + rc.l) + GAP;
          const oy = Math.min(a.y + ra.b, c.y + rc.b) - Math.max(a.y + ra.t, c.y + rc.t) + GAP;
          if (ox <= 0 || oy <= 0) continue;
          moved = true;
          const [axis, d] = oy <= ox ? ["y", oy / 2 + 0.5] : ["x", ox / 2 + 0.5];
          const sign = a[axis] < c[axis] || (a[axis] === c[axis] && i < j) ? 1 : -1;
          a[axis] -= sign * d;
          c[axis] += sign * d;
        }
      }
      if (!moved) break;
    }
    for (const id of ids) net.moveNode(id, pos[id].x, pos[id].y);
  }

  // For tests and scripts: each shown entity's box (dot and name) in the network's coordinates.
  window.kgBoxes = () => nodes.get({filter: n => !n.hidden}).map(n =>
    Object.assign({id: n.id, label: n.label}, net.getBoundingBox(n.id)));

  let byId = {};
  function draw(d) {
    data = d;
    for (const n of d.nodes) byId[n.id] = n;
    const classes = [...new Set(d.nodes.map(n => n.cls))].sort();
    const properties = [...new Set(d.edges.map(e => e.property))].sort();
    legend("legend-classes", classes, hiddenClasses, c => COLORS[c] || COLORS.Entity);
    legend("legend-properties", properties, hiddenProperties, null);
    const holder = document.getElementById("f-modality");
    for (const m of d.modalities) {
      const label = el("label");
      const box = document.createElement("input");
      box.type = "checkbox"; box.value = m; box.checked = true;
      box.addEventListener("change", refilter);
      label.append(box, " " + m);
      holder.appendChild(label);
    }
    for (const id of ["f-confidence", "f-from", "f-to", "f-document"]) {
      document.getElementById(id).addEventListener("input", refilter);
      document.getElementById(id).addEventListener("change", refilter);
    }
    nodes = new vis.DataSet(d.nodes.map(n => ({id: n.id, label: short(n.label), title: n.label + " (" + n.cls + ")",
      color: COLORS[n.cls] || COLORS.Entity, value: Math.max(1, n.documents),
      borderWidth: n.id === d.entity ? 4 : 1})));
    edges = new vis.DataSet(d.edges.map((e, i) => ({id: i, from: e.from, to: e.to, label: e.property,
      title: e.property + " · " + e.documents + " document" + (e.documents === 1 ? "" : "s"),
      arrows: "to", width: Math.min(6, e.documents)})));
    net = new vis.Network(box, {nodes, edges}, {
      nodes: {shape: "dot", scaling: {min: 8, max: 30}, font: {size: 14, face: "system-ui", strokeWidth: 3, strokeColor: "#ffffff"}},
      // a property's name is drawn on the edges of the selected or hovered entity only: on
      // every edge they covered each other and the entities' names (the legend lists them)
      edges: {font: {size: 10, align: "middle", color: "rgba(0,0,0,0)", strokeWidth: 0},
        chosen: {label: (v) => { v.color = "#555"; v.strokeWidth = 3; v.strokeColor = "#ffffff"; }},
        color: {color: "#9aa5b1", highlight: "#0b5cad"}, smooth: {type: "continuous"}},
      physics: {solver: "forceAtlas2Based", forceAtlas2Based: {gravitationalConstant: -60,
        springLength: 90, avoidOverlap: 1}, stabilization: {iterations: 400}},
      interaction: {hover: true, tooltipDelay: 150},
      layout: {randomSeed: 7}  // the same drawing each time (screenshots, tests)
    });
    net.once("stabilizationIterationsDone", () => {
      net.setOptions({physics: false});
      net.once("afterDrawing", () => {  // the labels' sizes are known once drawn
        spread();
        net.once("afterDrawing", () => { document.body.dataset.ready = "1"; });
        net.fit();
      });
      net.redraw();
    });
    net.on("selectNode", p => {
      selected = p.nodes[0];
      document.getElementById("focus").disabled = false;
      panel(selected);
    });
    document.getElementById("focus").addEventListener("click", () => {
      if (selected) location.href = "/network?entity=" + encodeURIComponent(decodeURIComponent(selected)) +
        "&depth=" + document.getElementById("f-depth").value;
    });
    apply();
    window.kgNetwork = net; window.kgNodes = nodes; window.kgEdges = edges;
  }

  fetch(box.dataset.src, {headers: {Accept: "application/json"}}).then(r => r.json()).then(draw)
    .catch(() => box.replaceChildren(el("p", "could not load the network", "error")));
})();
