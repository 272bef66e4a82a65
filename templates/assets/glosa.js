/* glosa: search box (Pagefind, every language) and hover previews of term links.
   Everything is built with textContent: nothing fetched is inserted as HTML, except
   Pagefind's excerpts, which Pagefind escapes and marks up with <mark> only. */
(function () {
  "use strict";

  function siteRoot(base) {
    return new URL((base || ".") + "/", window.location.href);
  }

  /* ---------- search ---------- */
  function setupSearch(box) {
    var input = box.querySelector("input");
    var list = box.querySelector("ul");
    var lang = box.getAttribute("data-lang") || "en";
    var root = siteRoot(box.getAttribute("data-base"));
    var none = box.getAttribute("data-none") || "No results";
    var engine = null;
    var timer = null;
    var active = -1;

    function load() {
      if (engine) return engine;
      var url = new URL("pagefind/" + lang + "/pagefind.js", root).href;
      engine = import(url).then(function (pf) {
        return pf.options({ baseUrl: root.pathname }).then(function () {
          var langs = (box.getAttribute("data-langs") || lang).split(" ");
          var others = langs.filter(function (l) { return l && l !== lang; });
          return Promise.all(others.map(function (l) {
            return pf.mergeIndex(new URL("pagefind/" + l + "/", root).pathname)
              .catch(function () { return null; });
          }));
        }).then(function () { return pf; });
      });
      return engine;
    }

    function close() {
      list.hidden = true;
      active = -1;
    }

    function select(index) {
      var items = list.querySelectorAll("li");
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach(function (li, i) { li.classList.toggle("glosa-result--active", i === active); });
      var link = items[active].querySelector("a");
      if (link) link.focus();
    }

    function render(results) {
      list.textContent = "";
      if (!results.length) {
        var empty = document.createElement("li");
        empty.className = "glosa-result--none";
        empty.textContent = none;
        empty.style.padding = ".5rem .8rem";
        list.appendChild(empty);
      }
      results.forEach(function (r) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = r.url;
        var title = document.createElement("span");
        title.className = "glosa-result__title";
        title.textContent = (r.meta && r.meta.title) || r.url;
        var meta = document.createElement("span");
        meta.className = "glosa-result__meta";
        meta.textContent = [r.language ? r.language.toUpperCase() : "", (r.meta && r.meta.level) || ""].join(" ").trim();
        var excerpt = document.createElement("span");
        excerpt.className = "glosa-result__excerpt";
        excerpt.innerHTML = r.excerpt || "";
        a.appendChild(title); a.appendChild(meta); a.appendChild(excerpt);
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = false;
    }

    function search() {
      var query = input.value.trim();
      if (!query) { close(); return; }
      load().then(function (pf) { return pf.search(query); }).then(function (found) {
        if (!found || input.value.trim() !== query) return;
        return Promise.all(found.results.slice(0, 10).map(function (r) {
          return r.data().then(function (d) {
            d.language = (d.meta && d.meta.lang) || (d.url.split("/").filter(Boolean)[0] || "");
            return d;
          });
        })).then(function (data) {
          var q = query.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
          // Titles that match the query come first, in Pagefind's order otherwise.
          data.sort(function (x, y) {
            function hit(d) {
              var t = ((d.meta && d.meta.title) || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
              return t.indexOf(q) === 0 ? 0 : (t.indexOf(q) >= 0 ? 1 : 2);
            }
            return hit(x) - hit(y);
          });
          render(data);
        });
      }).catch(function () { render([]); });
    }

    input.addEventListener("focus", load);
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); select(0); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter") {
        var first = list.querySelector("a");
        if (first && !list.hidden) { e.preventDefault(); window.location.href = first.href; }
      }
    });
    list.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); select(active + 1); }
      else if (e.key === "ArrowUp") {
        e.preventDefault();
        if (active <= 0) { active = -1; input.focus(); } else { select(active - 1); }
      }
      else if (e.key === "Escape") { close(); input.focus(); }
    });
    document.addEventListener("click", function (e) { if (!box.contains(e.target)) close(); });
    document.addEventListener("keydown", function (e) {
      var tag = (document.activeElement && document.activeElement.tagName) || "";
      if ((e.key === "/" || e.key === "s") && tag !== "INPUT" && tag !== "TEXTAREA") {
        e.preventDefault();
        input.focus();
      }
    });
  }

  /* ---------- hover previews ---------- */
  var cache = {};
  var bubble = null;

  /* Previews only for glosa's own links (data-preview, which the sanitizer removes from a
     note's HTML) to pages of this site: never a fetch to another origin or scheme. */
  function previewable(link) {
    if (!link || !link.hasAttribute("data-preview")) return false;
    var url;
    try { url = new URL(link.getAttribute("href") || "", window.location.href); }
    catch (e) { return false; }
    return (url.protocol === "http:" || url.protocol === "https:") &&
      url.origin === window.location.origin;
  }

  function previewOf(href) {
    var url = href.split("#")[0];
    if (!cache[url]) {
      cache[url] = fetch(url).then(function (r) { return r.ok ? r.text() : ""; }).then(function (text) {
        var doc = new DOMParser().parseFromString(text, "text/html");
        var h1 = doc.querySelector("article h1");
        // The heading's permalink mark (¶) is not part of the title.
        if (h1) h1.querySelectorAll(".headerlink").forEach(function (a) { a.remove(); });
        var body = doc.querySelector(".glosa-term") || doc.querySelector("article");
        var p = body ? body.querySelector(":scope > p, .md-content__inner > p, p") : null;
        return { title: h1 ? h1.textContent.trim() : "", text: p ? p.textContent.trim() : "" };
      }).catch(function () { return { title: "", text: "" }; });
    }
    return cache[url];
  }

  function hide() { if (bubble) { bubble.remove(); bubble = null; } }

  function show(link) {
    if (!previewable(link)) return;
    previewOf(link.href).then(function (data) {
      if (!data.text || !link.matches(":hover, :focus")) return;
      hide();
      bubble = document.createElement("div");
      bubble.className = "glosa-preview";
      bubble.setAttribute("role", "tooltip");
      var strong = document.createElement("strong");
      strong.textContent = data.title;
      var text = document.createElement("span");
      text.textContent = data.text.length > 320 ? data.text.slice(0, 320) + "…" : data.text;
      bubble.appendChild(strong); bubble.appendChild(text);
      document.body.appendChild(bubble);
      var rect = link.getBoundingClientRect();
      var left = Math.min(rect.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - bubble.offsetWidth - 8);
      bubble.style.left = Math.max(8, left) + "px";
      bubble.style.top = (rect.bottom + window.scrollY + 6) + "px";
    });
  }

  function setupPreviews() {
    document.addEventListener("mouseover", function (e) {
      var link = e.target.closest && e.target.closest("a[data-preview]");
      if (link) show(link);
    });
    document.addEventListener("mouseout", function (e) {
      var link = e.target.closest && e.target.closest("a");
      if (link) hide();
    });
    document.addEventListener("focusin", function (e) {
      if (e.target.matches && e.target.matches("a[data-preview]")) show(e.target);
    });
    document.addEventListener("focusout", hide);
  }

  function start() {
    document.querySelectorAll("[data-glosa-search]").forEach(setupSearch);
    setupPreviews();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
