// kg graph page. Every string from the graph is untrusted article text: it reaches the DOM through
// textContent or element properties only, never innerHTML; links are made for http(s) IRIs only.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  // A large graph (above kg.viz.VIEW_LIMIT entities) comes with data.view: the DataSets then hold
  // only the part on view, first the most connected entities (view.first) and the relations among
  // them; search and double-click add entities with their neighbours. data keeps everything.
  var view = data.view || null;
  var onView = {}, edgeOnView = {}, links = {}, order = {};
  if (view) {
    data.nodes.forEach(function (n, i) { links[n.id] = []; order[n.id] = i; });
    data.edges.forEach(function (e) { links[e.from].push(e); if (e.to !== e.from) links[e.to].push(e); });
    view.first.forEach(function (id) { onView[id] = true; });
    data.edges.forEach(function (e) { if (onView[e.from] && onView[e.to]) edgeOnView[e.id] = true; });
  }
  var nodes = new vis.DataSet(view ? data.nodes.filter(function (n) { return onView[n.id]; }) : data.nodes);
  var edges = new vis.DataSet(view ? data.edges.filter(function (e) { return edgeOnView[e.id]; }) : data.edges);
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.kgNetwork = network;
  window.kgData = { nodes: nodes, edges: edges };

  var SVG = "http://www.w3.org/2000/svg";

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function safeHref(iri) {
    return typeof iri === "string" && /^https?:\/\/[^\s<>"]+$/i.test(iri) ? iri : "";
  }

  function link(iri) {
    var href = safeHref(iri);
    if (!href) return null;
    var a = el("a", href);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  function evidenceList(items, full) {
    var ul = el("ul");
    items.forEach(function (item) {
      var li = el("li");
      li.appendChild(el("span", "\u201c" + (full ? item.sentence : clip(item.sentence, 200)) + "\u201d", "quote"));
      var source = [item.publisher, item.date].filter(function (x) { return x; }).join(", ");
      li.appendChild(el("span", " \u2014 " + item.document + (source ? " (" + source + ")" : ""), "doc"));
      if (item.modality && item.modality !== "fact") li.appendChild(el("span", " [" + item.modality + "]", "modality"));
      ul.appendChild(li);
    });
    return ul;
  }

  function figureText(f) {
    if (f.display) return f.display;
    return [f.value, f.unit, f.measure].filter(function (x) { return x; }).join(" ");
  }

  // The canvas label may be shortened; the whole label travels in info.label.
  function fullLabel(node) { return (node.info && node.info.label) || node.label; }

  function clip(text, length) {
    text = String(text);
    return text.length > length ? text.slice(0, length - 1) + "\u2026" : text;
  }

  function describeNode(id, withLinks) {
    var node = nodes.get(id);
    var info = node.info || {};
    var card = el("div", null, "card");
    card.appendChild(el("h3", withLinks ? fullLabel(node) : node.label));
    var meta = info.type + " \u00b7 degree " + info.degree + " \u00b7 " + info.mentions + " mention" + (info.mentions === 1 ? "" : "s");
    card.appendChild(el("p", meta, "meta"));
    if (safeHref(info.wikidata)) {
      var p = el("p", "Wikidata: ");
      if (withLinks) p.appendChild(link(info.wikidata)); else p.appendChild(el("span", info.wikidata));
      card.appendChild(p);
    }
    if (info.figures && info.figures.length) {
      card.appendChild(el("div", "Figures (" + info.figures.length + ")", "section"));
      var ul = el("ul");
      info.figures.slice(0, withLinks ? 100 : 4).forEach(function (f) {
        var li = el("li");
        li.appendChild(el("strong", figureText(f)));
        if (f.modality && f.modality !== "fact") li.appendChild(el("span", " [" + f.modality + "]", "modality"));
        if (f.conflicted) li.appendChild(el("span", " \u26a0 sources disagree", "conflict"));
        if (withLinks && f.sentence) li.appendChild(el("div", "\u201c" + f.sentence + "\u201d", "quote"));
        var from = [f.document, f.publisher, f.date].filter(function (x) { return x; }).join(", ");
        if (withLinks && from) li.appendChild(el("div", from, "doc"));
        ul.appendChild(li);
      });
      if (!withLinks && info.figures.length > 4) ul.appendChild(el("li", "\u2026 click for all " + info.figures.length));
      card.appendChild(ul);
    }
    if (info.evidence && info.evidence.length) {
      card.appendChild(el("div", "Mentioned in", "section"));
      card.appendChild(evidenceList(info.evidence.slice(0, withLinks ? 50 : 2), withLinks));
    }
    return card;
  }

  function describeEdge(id, withLinks) {
    var edge = edges.get(id);
    var info = edge.info || {};
    var card = el("div", null, "card");
    var from = nodes.get(edge.from), to = nodes.get(edge.to);
    var ends = withLinks ? [fullLabel(from), fullLabel(to)] : [from.label, to.label];
    card.appendChild(el("h3", ends[0] + " \u2192 " + info.label + " \u2192 " + ends[1]));
    var meta = "relation " + info.relation;
    if (typeof info.confidence === "number") meta += " \u00b7 confidence " + info.confidence.toFixed(2);
    meta += " \u00b7 " + info.assertions + " assertion" + (info.assertions === 1 ? "" : "s");
    if (info.sources) meta += " \u00b7 " + info.sources + " independent publisher" + (info.sources === 1 ? "" : "s");
    if (info.periods && info.periods.length) meta += " \u00b7 " + info.periods.join(", ");
    card.appendChild(el("p", meta, "meta"));
    if (info.conflicted) card.appendChild(el("p", "Sources disagree: another report contradicts this for the same time.", "conflict"));
    if (info.evidence && info.evidence.length) {
      card.appendChild(el("div", "Evidence", "section"));
      card.appendChild(evidenceList(info.evidence.slice(0, withLinks ? 50 : 2), withLinks));
    }
    return card;
  }

  // Tooltips: our own element, filled with DOM nodes (vis-network's title popup is not used).
  var tooltip = document.getElementById("tooltip");
  function showTooltip(card, pointer) {
    tooltip.replaceChildren(card);
    tooltip.hidden = false;
    var rect = container.getBoundingClientRect();
    var x = rect.left + pointer.DOM.x + 14, y = rect.top + pointer.DOM.y + 14;
    var w = tooltip.offsetWidth, h = tooltip.offsetHeight;
    if (x + w > window.innerWidth - 8) x = Math.max(8, x - w - 28);
    if (y + h > window.innerHeight - 8) y = Math.max(8, window.innerHeight - h - 8);
    tooltip.style.left = x + "px";
    tooltip.style.top = y + "px";
  }
  function hideTooltip() { tooltip.hidden = true; tooltip.replaceChildren(); }
  network.on("hoverNode", function (params) { showTooltip(describeNode(params.node, false), params.pointer); });
  network.on("hoverEdge", function (params) { showTooltip(describeEdge(params.edge, false), params.pointer); });
  network.on("blurNode", hideTooltip);
  network.on("blurEdge", hideTooltip);
  network.on("dragStart", hideTooltip);
  network.on("zoom", hideTooltip);

  var details = document.getElementById("details");
  function showDetails(card) { details.replaceChildren(card); }
  // A node's details; on a partial view with a button that adds its hidden neighbours.
  function nodeDetails(id) {
    var card = describeNode(id, true);
    var more = view ? hiddenNeighbours(id).length : 0;
    if (more) {
      var button = el("button", "Show " + (more > view.expand ? view.expand + " of its " : "its ") + grouped(more) + " hidden neighbour" + (more === 1 ? "" : "s"), "small-button");
      button.type = "button";
      button.id = "expand-node";
      button.addEventListener("click", function () { expand(id); showDetails(nodeDetails(id)); });
      card.appendChild(button);
    }
    return card;
  }
  network.on("click", function (params) {
    if (params.nodes.length) showDetails(nodeDetails(params.nodes[0]));
    else if (params.edges.length) showDetails(describeEdge(params.edges[0], true));
  });

  // Legend and filters: they apply to what is on view and to what is added later.
  var hiddenClasses = {}, hiddenRelations = {};
  var untilYear = null;  // the time control: relations first dated after this year are hidden
  function outOfTime(e) { return untilYear !== null && e.years && e.years.length && e.years[0] > untilYear; }
  function nodeHidden(n) { return !!hiddenClasses[n.kind]; }
  function edgeHidden(e) { return !!hiddenRelations[e.relation] || outOfTime(e); }
  function applyFilters() {
    var shownNodes = view ? data.nodes.filter(function (n) { return onView[n.id]; }) : data.nodes;
    var shownEdges = view ? data.edges.filter(function (e) { return edgeOnView[e.id]; }) : data.edges;
    nodes.update(shownNodes.map(function (n) { return { id: n.id, hidden: nodeHidden(n) }; }));
    edges.update(shownEdges.map(function (e) { return { id: e.id, hidden: edgeHidden(e) }; }));
  }

  // The partial view of a large graph: entities join with the relations between them and what is
  // on view already, filtered like the rest.
  function grouped(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  var note = document.getElementById("view-note");
  function noteView(news) {
    var shown = nodes.length;
    note.textContent = (shown === data.nodes.length ? "Showing all " + grouped(shown) + " entities."
      : "Showing " + grouped(shown) + " of " + grouped(data.nodes.length) + " entities: search or double-click an entity to add its neighbours.")
      + (news ? " " + news : "");
  }
  function reveal(ids) {
    var added = [], newEdges = [];
    ids.forEach(function (id) {
      if (onView[id] || !links[id]) return;
      onView[id] = true;
      added.push(id);
    });
    added.forEach(function (id) {
      links[id].forEach(function (e) {
        if (!edgeOnView[e.id] && onView[e.from] && onView[e.to]) { edgeOnView[e.id] = true; newEdges.push(e); }
      });
    });
    added.sort(function (a, b) { return order[a] - order[b]; });
    nodes.add(added.map(function (id) { var n = data.nodes[order[id]]; return Object.assign({}, n, { hidden: nodeHidden(n) }); }));
    edges.add(newEdges.map(function (e) { return Object.assign({}, e, { hidden: edgeHidden(e) }); }));
    noteView();
    return added.length;
  }
  // Neighbours not on view, the most connected first (ties: first in the page's order).
  function hiddenNeighbours(id) {
    var seen = {}, found = [];
    links[id].forEach(function (e) {
      var other = e.from === id ? e.to : e.from;
      if (other !== id && !onView[other] && !seen[other]) { seen[other] = true; found.push(other); }
    });
    var degree = function (x) { return data.nodes[order[x]].info.degree; };
    return found.sort(function (a, b) { return degree(b) - degree(a) || order[a] - order[b]; });
  }
  function expand(id) {
    var more = hiddenNeighbours(id);
    var added = reveal(more.slice(0, view.expand));
    noteView(added ? "Added " + grouped(added) + " of " + grouped(more.length) + " hidden neighbours of \u201c" + fullLabel(data.nodes[order[id]]) + "\u201d."
      : "Every neighbour of \u201c" + fullLabel(data.nodes[order[id]]) + "\u201d is on view.");
    return added;
  }
  if (view) {
    network.on("doubleClick", function (params) {
      if (params.nodes.length) { expand(params.nodes[0]); showDetails(nodeDetails(params.nodes[0])); }
    });
    document.getElementById("view-first").addEventListener("click", function () {
      var first = {};
      view.first.forEach(function (id) { first[id] = true; });
      nodes.remove(data.nodes.filter(function (n) { return onView[n.id] && !first[n.id]; }).map(function (n) { return n.id; }));
      edges.remove(data.edges.filter(function (e) { return edgeOnView[e.id] && !(first[e.from] && first[e.to]); }).map(function (e) { return e.id; }));
      onView = first;
      edgeOnView = {};
      edges.getIds().forEach(function (id) { edgeOnView[id] = true; });
      noteView();
      network.fit({ animation: false });
    });
    document.getElementById("view-all").addEventListener("click", function () {
      reveal(data.nodes.map(function (n) { return n.id; }));
      network.fit({ animation: false });
    });
  }

  function swatch(shape, color) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("viewBox", "0 0 16 16");
    var shapes = {
      dot: ["circle", { cx: 8, cy: 8, r: 6 }],
      square: ["rect", { x: 2, y: 2, width: 12, height: 12 }],
      diamond: ["polygon", { points: "8,1 15,8 8,15 1,8" }],
      triangle: ["polygon", { points: "8,1 15,14 1,14" }],
      triangleDown: ["polygon", { points: "1,2 15,2 8,15" }],
      hexagon: ["polygon", { points: "4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8" }],
      star: ["polygon", { points: "8,0.5 10.2,5.6 15.5,5.9 11.4,9.4 12.7,15 8,12 3.3,15 4.6,9.4 0.5,5.9 5.8,5.6" }]
    };
    var spec = shapes[shape] || shapes.dot;
    var item = document.createElementNS(SVG, spec[0]);
    Object.keys(spec[1]).forEach(function (k) { item.setAttribute(k, spec[1][k]); });
    item.setAttribute("fill", /^#[0-9a-fA-F]{3,8}$/.test(color) ? color : "#999999");
    item.setAttribute("stroke", "#333");
    item.setAttribute("stroke-width", "0.8");
    svg.appendChild(item);
    return svg;
  }

  function filterRow(parent, text, count, hidden, key, symbol) {
    var label = el("label", null, "filter");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.key = key;
    box.addEventListener("change", function () {
      hidden[key] = !box.checked;
      applyFilters();
    });
    label.appendChild(box);
    if (symbol) label.appendChild(symbol);
    label.appendChild(el("span", text));
    label.appendChild(el("span", String(count), "count"));
    parent.appendChild(label);
    return box;
  }

  var classFilters = document.getElementById("class-filters");
  var classBoxes = data.classes.map(function (c) {
    return filterRow(classFilters, c.name, c.count, hiddenClasses, c.name, swatch(c.shape, c.color));
  });
  function setAllClasses(on) {
    classBoxes.forEach(function (box) { box.checked = on; hiddenClasses[box.dataset.key] = !on; });
    applyFilters();
  }
  document.getElementById("classes-all").addEventListener("click", function () { setAllClasses(true); });
  document.getElementById("classes-none").addEventListener("click", function () { setAllClasses(false); });

  (function timeControl() {
    var years = [];
    data.edges.forEach(function (e) { (e.years || []).forEach(function (y) { years.push(y); }); });
    if (!years.length) return;
    var low = Math.min.apply(null, years), high = Math.max.apply(null, years);
    var box = document.getElementById("time-filter");
    var input = el("input");
    input.type = "range"; input.min = String(low); input.max = String(high); input.step = "1"; input.value = String(high);
    input.id = "time-range";
    input.setAttribute("aria-label", "Show relations dated up to this year");
    var label = el("p", "", "hint");
    function show(event) {
      untilYear = Number(input.value);
      label.textContent = untilYear >= high ? "All periods (" + low + "\u2013" + high + "); undated relations always shown"
        : "Relations dated up to " + untilYear + "; undated relations always shown";
      if (event) applyFilters();  // at start nothing is hidden: leave the network as drawn
    }
    input.addEventListener("input", show);
    box.replaceChildren(input, label);
    show(null);
  })();

  var relationFilters = document.getElementById("relation-filters");
  if (data.relations.length) {
    relationFilters.replaceChildren();
    data.relations.forEach(function (r) { filterRow(relationFilters, r.label, r.count, hiddenRelations, r.name); });
  }

  // Search: every label and alias in any language, compared NFKC-normalised and in lower case
  // (node.search holds the same keys, made by kg.viz.search_key). Exact main label first, then an
  // exact other name, then the first label containing the text, then the first name containing it.
  var datalist = document.getElementById("search-labels");
  var byLabel = data.nodes.slice().sort(function (a, b) { return a.label.localeCompare(b.label); });
  var seen = {};
  byLabel.forEach(function (n) {
    [fullLabel(n)].concat((n.info && n.info.names) || []).forEach(function (name) {
      if (seen[name]) return;
      seen[name] = true;
      var option = document.createElement("option");
      option.value = name;
      datalist.appendChild(option);
    });
  });
  var status = document.getElementById("search-status");
  function searchKey(text) {
    return String(text).normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
  }
  function keys(n) { return n.search && n.search.length ? n.search : [searchKey(fullLabel(n))]; }
  function find(text) {
    var q = searchKey(text);
    if (!q) return null;
    var tests = [
      function (k, i) { return i === 0 && k === q; },
      function (k) { return k === q; },
      function (k, i) { return i === 0 && k.indexOf(q) !== -1; },
      function (k) { return k.indexOf(q) !== -1; }
    ];
    for (var t = 0; t < tests.length; t++) {
      var hit = byLabel.filter(function (n) { return keys(n).some(tests[t]); });
      if (hit.length) return hit[0];
    }
    return null;
  }
  document.getElementById("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = document.getElementById("search").value;
    var node = find(text);
    if (!node) { status.textContent = "No entity matches \u201c" + text + "\u201d."; return; }
    status.textContent = "";
    if (view && !onView[node.id]) {
      var around = hiddenNeighbours(node.id);
      reveal([node.id].concat(around.slice(0, view.expand)));
      noteView("Added \u201c" + fullLabel(node) + "\u201d and " + grouped(Math.min(around.length, view.expand)) + " of its " + grouped(around.length) + " hidden neighbours.");
    }
    if (hiddenClasses[node.kind]) {
      hiddenClasses[node.kind] = false;
      classBoxes.forEach(function (box) { if (box.dataset.key === node.kind) box.checked = true; });
      applyFilters();
    }
    network.selectNodes([node.id]);
    network.focus(node.id, { scale: 1.4, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    showDetails(nodeDetails(node.id));
    window.kgFocused = node.id;
  });

  network.once("afterDrawing", function () {
    network.fit({ animation: false });
    document.body.dataset.ready = "true";
  });
})();
