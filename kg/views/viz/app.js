
(function () {
  "use strict";
  var payload = JSON.parse(document.getElementById("kg-data").textContent);
  var container = document.getElementById("kg-network");
  var nodes = new vis.DataSet(payload.nodes);
  var edges = new vis.DataSet(payload.edges);
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, payload.options);
  window.kgNetwork = network;
  window.kgNodes = nodes;
  window.kgEdges = edges;

  function ready() {
    document.body.setAttribute("data-ready", "1");
  }
  if (payload.options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      network.fit({animation: false});
      ready();
    });
  } else {
    network.once("afterDrawing", function () { network.fit({animation: false}); ready(); });
  }

  // Click an entity: dim everything but its neighbours; click the background to restore.
  var dimmed = false;
  function restore() {
    if (!dimmed) { return; }
    nodes.update(nodes.get().map(function (n) { return {id: n.id, opacity: 1}; }));
    edges.update(edges.get().map(function (e) { return {id: e.id, hidden: false}; }));
    dimmed = false;
  }
  network.on("click", function (params) {
    if (!params.nodes.length) { restore(); return; }
    var centre = params.nodes[0];
    var keep = {};
    keep[centre] = true;
    network.getConnectedNodes(centre).forEach(function (id) { keep[id] = true; });
    var touching = {};
    network.getConnectedEdges(centre).forEach(function (id) { touching[id] = true; });
    nodes.update(nodes.get().map(function (n) {
      return {id: n.id, opacity: keep[n.id] ? 1 : 0.15};
    }));
    edges.update(edges.get().map(function (e) { return {id: e.id, hidden: !touching[e.id]}; }));
    dimmed = true;
  });

  // Find an entity by (part of) its name.
  var search = document.getElementById("kg-search");
  var status = document.getElementById("kg-search-status");
  function find() {
    var want = search.value.trim().toLowerCase();
    if (!want) { status.textContent = ""; return; }
    var hits = nodes.get({filter: function (n) {
      return String(n.kgLabel).toLowerCase().indexOf(want) !== -1;
    }});
    status.textContent = hits.length ? hits.length + " found" : "not found";
    if (hits.length) {
      network.selectNodes(hits.map(function (n) { return n.id; }));
      network.focus(hits[0].id, {scale: 1.2, animation: {duration: 400}});
    }
  }
  search.addEventListener("change", find);
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { find(); } });
  document.getElementById("kg-fit").addEventListener("click", function () {
    restore();
    network.unselectAll();
    network.fit({animation: {duration: 400}});
  });
})();
