/* glosa: the knowledge-base shell's scripts: the folder explorer (the whole tree, from
   one data file per language) and the link graph (a small force layout drawn as SVG,
   written here so the site makes no request to another host). Everything fetched is
   inserted with textContent and attributes only, never as HTML. */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var cache = {};

  function getJSON(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error(r.status + " " + url);
        return r.json();
      });
    }
    return cache[url];
  }

  function element(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = text;
    return node;
  }

  /* ---------- explorer ---------- */
  function containsCurrent(node, current) {
    if (node.u != null) return node.u === current;
    if (node._has === undefined) {
      node._has = (node.c || []).some(function (child) { return containsCurrent(child, current); });
    }
    return node._has;
  }

  function fillFolder(list, children, root, current) {
    children.forEach(function (child) {
      var item = element("li", { role: "none" });
      if (child.u != null) {
        var link = element("a", { href: root + child.u, class: "glosa-explorer__note" }, child.n);
        if (child.u === current) link.setAttribute("aria-current", "page");
        item.appendChild(link);
      } else {
        var details = element("details", { class: "glosa-explorer__folder" });
        var summary = element("summary", {}, child.n);
        details.appendChild(summary);
        var inner = element("ul");
        details.appendChild(inner);
        var filled = false;
        var fill = function () {
          if (!filled && details.open) {
            filled = true;
            fillFolder(inner, child.c || [], root, current);
          }
        };
        details.addEventListener("toggle", fill);
        if (containsCurrent(child, current)) {
          details.open = true;
          fill();
        }
        item.appendChild(details);
      }
      list.appendChild(item);
    });
  }

  function setupExplorer(nav) {
    var root = nav.getAttribute("data-root") || "./";
    var current = nav.getAttribute("data-current") || "";
    getJSON(nav.getAttribute("data-src")).then(function (tree) {
      var list = element("ul", { class: "glosa-explorer__tree" });
      fillFolder(list, tree, root, current);
      var here = nav.querySelector(".glosa-explorer__here");
      if (here) here.replaceWith(list); else nav.appendChild(list);
      nav.setAttribute("data-loaded", "");
      var mark = list.querySelector("[aria-current=page]");
      if (mark && mark.scrollIntoView) mark.scrollIntoView({ block: "nearest" });
    }).catch(function () { /* the current folder stays as rendered */ });
  }

  /* ---------- graph ---------- */
  function neighbourhood(data, start, depth, limit) {
    var adjacent = data.nodes.map(function () { return []; });
    data.links.forEach(function (l) { adjacent[l[0]].push(l[1]); adjacent[l[1]].push(l[0]); });
    var seen = {}; seen[start] = 0;
    var order = [start];
    var frontier = [start];
    for (var d = 1; d <= depth && order.length < limit; d++) {
      var next = [];
      frontier.forEach(function (n) {
        adjacent[n].forEach(function (m) {
          if (seen[m] === undefined && order.length < limit) {
            seen[m] = d; order.push(m); next.push(m);
          }
        });
      });
      frontier = next;
    }
    return { keep: order, distance: seen };
  }

  /* A force layout: springs along links, repulsion between nearby nodes (a grid keeps
     it linear in the number of nodes), a pull to the centre. */
  function layout(count, links, steps) {
    var x = new Float64Array(count), y = new Float64Array(count);
    var vx = new Float64Array(count), vy = new Float64Array(count);
    for (var i = 0; i < count; i++) {
      var angle = i * 2.399963, radius = 10 * Math.sqrt(i + 1);
      x[i] = Math.cos(angle) * radius; y[i] = Math.sin(angle) * radius;
    }
    var cell = 40;
    for (var step = 0; step < steps; step++) {
      var heat = 1 - step / steps;
      var grid = {};
      for (i = 0; i < count; i++) {
        var key = Math.floor(x[i] / cell) + "," + Math.floor(y[i] / cell);
        (grid[key] || (grid[key] = [])).push(i);
      }
      for (i = 0; i < count; i++) {
        var gx = Math.floor(x[i] / cell), gy = Math.floor(y[i] / cell);
        for (var dx = -1; dx <= 1; dx++) for (var dy = -1; dy <= 1; dy++) {
          var bucket = grid[(gx + dx) + "," + (gy + dy)];
          if (!bucket) continue;
          for (var b = 0; b < bucket.length; b++) {
            var j = bucket[b];
            if (j <= i) continue;
            var ex = x[i] - x[j], ey = y[i] - y[j];
            var d2 = ex * ex + ey * ey + 0.01;
            if (d2 > cell * cell) continue;
            var push = 400 / d2;
            vx[i] += ex * push; vy[i] += ey * push; vx[j] -= ex * push; vy[j] -= ey * push;
          }
        }
      }
      links.forEach(function (l) {
        var s = l[0], t = l[1];
        var ex = x[t] - x[s], ey = y[t] - y[s];
        var dist = Math.sqrt(ex * ex + ey * ey) + 0.01;
        var pull = (dist - 50) * 0.02 / dist;
        vx[s] += ex * pull; vy[s] += ey * pull; vx[t] -= ex * pull; vy[t] -= ey * pull;
      });
      for (i = 0; i < count; i++) {
        vx[i] -= x[i] * 0.005; vy[i] -= y[i] * 0.005;
        var speed = Math.sqrt(vx[i] * vx[i] + vy[i] * vy[i]), max = 10 * heat + 0.5;
        if (speed > max) { vx[i] *= max / speed; vy[i] *= max / speed; }
        x[i] += vx[i]; y[i] += vy[i]; vx[i] *= 0.6; vy[i] *= 0.6;
      }
    }
    return { x: x, y: y };
  }

  function draw(box, data) {
    var root = box.getAttribute("data-root") || "./";
    var current = box.getAttribute("data-current");
    var depth = parseInt(box.getAttribute("data-depth") || "0", 10);
    var keep, distance = {};
    var start = -1;
    if (current != null) {
      for (var i = 0; i < data.nodes.length; i++) if (data.nodes[i][1] === current) start = i;
    }
    if (depth > 0) {
      if (start < 0) return;
      var near = neighbourhood(data, start, depth, 80);
      keep = near.keep; distance = near.distance;
    } else {
      keep = data.nodes.map(function (_, n) { return n; });
    }
    var local = {};
    keep.forEach(function (n, k) { local[n] = k; });
    var links = [];
    data.links.forEach(function (l) {
      if (local[l[0]] !== undefined && local[l[1]] !== undefined) links.push([local[l[0]], local[l[1]]]);
    });
    var steps = keep.length > 2000 ? 60 : 250;
    var pos = layout(keep.length, links, steps);
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (i = 0; i < keep.length; i++) {
      minX = Math.min(minX, pos.x[i]); maxX = Math.max(maxX, pos.x[i]);
      minY = Math.min(minY, pos.y[i]); maxY = Math.max(maxY, pos.y[i]);
    }
    var pad = 30;
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "glosa-graph__svg");
    box.appendChild(svg);
    var width = svg.clientWidth || 600, height = svg.clientHeight || 300;
    /* Positions scaled into the box's pixels, so that labels keep their size. */
    var scale = Math.min((width - 2 * pad) / ((maxX - minX) || 1),
                         (height - 2 * pad) / ((maxY - minY) || 1), 3);
    var offsetX = (width - (maxX - minX) * scale) / 2, offsetY = (height - (maxY - minY) * scale) / 2;
    for (i = 0; i < keep.length; i++) {
      pos.x[i] = (pos.x[i] - minX) * scale + offsetX;
      pos.y[i] = (pos.y[i] - minY) * scale + offsetY;
    }
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.setAttribute("role", "group");
    svg.setAttribute("aria-label", box.getAttribute("data-label") || "graph");
    var edges = document.createElementNS(SVG, "g");
    edges.setAttribute("class", "glosa-graph__links");
    links.forEach(function (l) {
      var line = document.createElementNS(SVG, "line");
      line.setAttribute("x1", pos.x[l[0]]); line.setAttribute("y1", pos.y[l[0]]);
      line.setAttribute("x2", pos.x[l[1]]); line.setAttribute("y2", pos.y[l[1]]);
      edges.appendChild(line);
    });
    svg.appendChild(edges);
    var nodes = document.createElementNS(SVG, "g");
    nodes.setAttribute("class", "glosa-graph__nodes");
    var showLabels = keep.length <= 150;
    keep.forEach(function (n, k) {
      var node = data.nodes[n];
      var link = document.createElementNS(SVG, "a");
      link.setAttribute("href", root + node[1]);
      link.setAttribute("class", "glosa-graph__node" + (n === start ? " glosa-graph__node--current" : "")
                        + (distance[n] === 2 ? " glosa-graph__node--far" : ""));
      link.setAttribute("tabindex", "0");
      link.setAttribute("aria-label", node[0]);
      var circle = document.createElementNS(SVG, "circle");
      circle.setAttribute("cx", pos.x[k]); circle.setAttribute("cy", pos.y[k]);
      circle.setAttribute("r", n === start ? 7 : 5);
      var title = document.createElementNS(SVG, "title");
      title.textContent = node[0];
      circle.appendChild(title);
      link.appendChild(circle);
      var label = document.createElementNS(SVG, "text");
      label.setAttribute("x", pos.x[k]); label.setAttribute("y", pos.y[k] - 9);
      label.setAttribute("class", showLabels ? "" : "glosa-graph__label--hover");
      label.textContent = node[0];
      link.appendChild(label);
      nodes.appendChild(link);
    });
    svg.appendChild(nodes);
    box.setAttribute("data-nodes", String(keep.length));
  }

  function setupGraph(box) {
    getJSON(box.getAttribute("data-src")).then(function (data) {
      draw(box, data);
    }).catch(function () { /* the list of neighbours stays */ });
  }

  function start() {
    document.querySelectorAll(".glosa-explorer[data-src]").forEach(setupExplorer);
    document.querySelectorAll(".glosa-graph__canvas[data-src]").forEach(setupGraph);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
