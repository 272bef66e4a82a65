/* glosa: draws the page's Mermaid diagrams (<pre class="glosa-mermaid">) with the site's
   own copy of Mermaid (mermaid.min.js beside this file, fetched only when a diagram comes
   near the screen; no other host), in the page's light or dark theme, and again when the
   reader switches it or Material's instant navigation brings a new page. */
(function () {
  "use strict";
  var self = document.currentScript;
  var mermaidSrc = self && self.src
    ? self.src.replace(/mermaid-init\.js(?:[?#].*)?$/, "mermaid.min.js") : "mermaid.min.js";
  var loading = null;

  function isDark() {
    var scheme = document.body && document.body.getAttribute("data-md-color-scheme");
    if (scheme) return scheme === "slate";
    return !!(window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches);
  }

  function loadMermaid(done) {
    if (window.mermaid) { done(); return; }
    if (!loading) {
      loading = [];
      var script = document.createElement("script");
      script.src = mermaidSrc;
      script.onload = function () { var q = loading; loading = null; q.forEach(function (f) { f(); }); };
      document.head.appendChild(script);
    }
    loading.push(done);
  }

  // Diagrams in a closed <details> (a folded callout) are drawn when it opens: Mermaid
  // cannot measure text in a hidden element.
  function visible(node) { return !node.closest("details:not([open])"); }

  // Diagrams are drawn as they come near the screen: a page whose diagram is far below
  // (or never reached) does not fetch Mermaid's megabyte.
  var watcher = window.IntersectionObserver ? new IntersectionObserver(function (entries) {
    var shown = entries.filter(function (entry) { return entry.isIntersecting; });
    if (!shown.length) return;
    shown.forEach(function (entry) {
      watcher.unobserve(entry.target);
      entry.target.setAttribute("data-glosa-near", "");
    });
    draw(false);
  }, { rootMargin: "400px 0px" }) : null;

  function isNear(node) {
    if (!watcher || node.hasAttribute("data-glosa-near")) return true;
    watcher.observe(node);
    return false;
  }

  function draw(again) {
    var nodes = Array.prototype.slice.call(document.querySelectorAll("pre.glosa-mermaid"))
      .filter(function (node) {
        if (!visible(node)) return false;
        var drawn = node.hasAttribute("data-processed");
        // A theme switch draws the drawn ones again; the others wait until they are near.
        return again === true ? drawn || isNear(node) : !drawn && isNear(node);
      });
    if (!nodes.length) return;
    loadMermaid(function () {
      nodes.forEach(function (node) {
        // Keep the source: a theme switch draws the diagram again from it.
        if (node.getAttribute("data-glosa-source") === null) {
          node.setAttribute("data-glosa-source", node.textContent);
        } else if (node.hasAttribute("data-processed")) {
          node.removeAttribute("data-processed");
          node.textContent = node.getAttribute("data-glosa-source");
        }
      });
      window.mermaid.initialize({
        startOnLoad: false, securityLevel: "strict", theme: isDark() ? "dark" : "default"
      });
      window.mermaid.run({ nodes: nodes });
    });
  }

  function redraw() { draw(true); }

  function watchScheme() {
    if (window.MutationObserver && document.body) {
      new MutationObserver(redraw).observe(document.body, {
        attributes: true, attributeFilter: ["data-md-color-scheme"]
      });
    }
    if (window.matchMedia) {
      var query = window.matchMedia("(prefers-color-scheme: dark)");
      if (query.addEventListener) query.addEventListener("change", redraw);
    }
  }

  function start() {
    watchScheme();
    document.addEventListener("toggle", function () { draw(false); }, true);
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(function () { draw(false); });  // Material: every page, instant navigation included
    } else {
      draw(false);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
