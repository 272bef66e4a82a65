/* glosa: search box (Pagefind, every language) and hover previews of term links.
   Everything is built with textContent: nothing fetched is inserted as HTML, except
   Pagefind's excerpts, which Pagefind escapes and marks up with <mark> only. */
(function () {
  "use strict";

  function siteRoot(base) {
    var folder = base || ".";
    // The 404 page's base is the site's root path ("/"): no second slash (a "//" address
    // would name a host).
    return new URL(folder.charAt(folder.length - 1) === "/" ? folder : folder + "/",
                   window.location.href);
  }

  /* ---------- search ---------- */

  // Folded for comparison: lower case, no accents, punctuation as spaces ("A/B" = "a b").
  function fold(text) {
    return (text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  // How well a result's names answer the query, lower is better: 0 the title is the
  // query, 1 an alias is (abbreviations: "CLV"), 2 the title holds every query word as a
  // whole word, 3 an alias does, 4 title or alias words start with every query word,
  // 5 only the body matched. Names first is what a glossary reader expects ("persona" →
  // Buyer persona before Personalisation).
  function nameRank(title, aliases, query) {
    var words = query.split(" ").filter(Boolean);
    function rank(name, exact, whole) {
      var folded = fold(name);
      if (!folded) return 5;
      if (folded === query) return exact;
      var own = folded.split(" ");
      if (words.every(function (w) { return own.indexOf(w) >= 0; })) return whole;
      if (words.every(function (w) {
        return own.some(function (o) { return o.indexOf(w) === 0; });
      })) return 4;
      return 5;
    }
    var best = rank(title, 0, 2);
    aliases.forEach(function (alias) { best = Math.min(best, rank(alias, 1, 3)); });
    return best;
  }

  // How Pagefind's result holds the query words. When no indexed word starts with a query
  // word, Pagefind matches the longest indexed word that the query word starts with
  // instead, down to a single letter: "convresion" finds every note with "con", "alumnos"
  // every English note with "a". NONE: some query word is held by no matched word that
  // shares with it a start of half its length (three letters at least; all of a shorter
  // word). GUESSED: each is, but some only through such a shorter word (a stem, a typo:
  // "fidelisacion" → "fidelidad"). WHOLE: a matched word starts with every query word.
  var NONE = 0, GUESSED = 1, WHOLE = 2;
  function queryHeld(data, words) {
    var text = (data.content || "").split(/\s+/);
    var seen = Object.create(null);
    var found = [];
    // Every location: a frequent word ("de") may come many times before another one.
    (data.locations || []).forEach(function (at) {
      var raw = text[at] || "";
      if (seen[raw]) return;
      seen[raw] = 1;
      // Folded as the query is: "A/B" is the words "a" and "b".
      fold(raw).split(" ").forEach(function (word) { if (word) found.push(word); });
    });
    var held = WHOLE;
    words.forEach(function (q) {
      if (found.some(function (w) { return w.indexOf(q) === 0; })) return;
      var need = Math.min(q.length, Math.max(3, Math.floor(q.length / 2)));
      var near = found.some(function (w) {
        var same = 0;
        while (same < w.length && same < q.length && w.charAt(same) === q.charAt(same)) same++;
        return same >= need;
      });
      held = Math.min(held, near ? GUESSED : NONE);
    });
    return held;
  }

  function setupSearch(box) {
    var input = box.querySelector("input");
    var list = box.querySelector("ul");
    var status = box.querySelector("[role=status]");
    var lang = box.getAttribute("data-lang") || "en";
    // Every language searched (Pagefind's bundles, the names of "did you mean"), the
    // page's own first when the box does not list it.
    var langs = (box.getAttribute("data-langs") || lang).split(" ").filter(Boolean);
    if (langs.indexOf(lang) < 0) langs.unshift(lang);
    var root = siteRoot(box.getAttribute("data-base"));
    var none = box.getAttribute("data-none") || "No results";
    var countText = box.getAttribute("data-count") || "{n}";
    var fuzzyText = box.getAttribute("data-fuzzy") || "Did you mean…?";
    var engines = null;
    var timer = null;
    var active = -1;

    // One Pagefind instance per language, each from its own bundle: a merged index would
    // be searched with the page language's stemmer only, so a multi-word English query
    // typed on a Spanish page would find nothing in the English bundle.
    function load() {
      if (engines) return engines;
      engines = Promise.all(langs.map(function (l) {
        var url = new URL("pagefind/" + l + "/pagefind.js", root).href;
        return import(url).then(function (pf) {
          // Searched in this page, not in Pagefind's web worker: each bundle would fetch
          // its own copy of the worker (12 kB sent, the same file in every bundle; one
          // worker cannot hold two languages' WebAssembly), and on a 10,000-note site
          // the results came 70-150 ms sooner after the last keystroke without it.
          return pf.options({ baseUrl: root.pathname, noWorker: true }).then(function () {
            // Started now, on focus: the WebAssembly and the index metadata then load
            // while the reader types, not after.
            if (pf.init) pf.init().catch(function () {});
            return { lang: l, pf: pf };
          });
        }).catch(function () { return null; });
      })).then(function (found) { return found.filter(Boolean); });
      return engines;
    }

    function setExpanded(open) {
      input.setAttribute("aria-expanded", open ? "true" : "false");
      list.hidden = !open;
    }

    function close() {
      setExpanded(false);
      active = -1;
      input.removeAttribute("aria-activedescendant");
    }

    function options() { return list.querySelectorAll("[role=option]"); }

    function select(index) {
      var items = options();
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach(function (a, i) {
        a.setAttribute("aria-selected", i === active ? "true" : "false");
        a.parentNode.classList.toggle("glosa-result--active", i === active);
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function announce(text) { if (status) status.textContent = text; }

    function resultItem(r, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "presentation");
      var a = document.createElement("a");
      a.href = r.url;
      a.id = "glosa-result-" + i;
      a.setAttribute("role", "option");
      a.setAttribute("aria-selected", "false");
      a.tabIndex = -1;
      var title = document.createElement("span");
      title.className = "glosa-result__title";
      title.textContent = (r.meta && r.meta.title) || r.url;
      var meta = document.createElement("span");
      meta.className = "glosa-result__meta";
      // A result's language is named only where the box searches more than one.
      meta.textContent = [r.language && langs.length > 1 ? r.language.toUpperCase() : "",
                          (r.meta && r.meta.level) || ""].join(" ").trim();
      var excerpt = document.createElement("span");
      excerpt.className = "glosa-result__excerpt";
      if (r.fuzzy) {
        excerpt.textContent = r.matched;  // the alias that was near the query, if any
        li.className = "glosa-result--fuzzy";
      } else if (r.rank < 5 && r.meta && r.meta.definition) {
        // The term itself matched: its definition says more than a fragment of text.
        excerpt.textContent = r.meta.definition;
      } else {
        excerpt.innerHTML = r.excerpt || "";  // escaped by Pagefind, <mark> only
      }
      a.appendChild(title); a.appendChild(meta); a.appendChild(excerpt);
      li.appendChild(a);
      return li;
    }

    // The list says which query it answers (a reader's next keystroke may be on its way).
    // Near names ("did you mean") come after the results whose name matched and before
    // those that matched only in the text.
    // ``pending``: the "did you mean" step is still under way, so the list is drawn
    // without it (aria-busy) and says it answers no query yet.
    function render(results, query, near, pending) {
      near = near || [];
      list.textContent = "";
      if (pending) {
        list.setAttribute("aria-busy", "true");
        list.removeAttribute("data-query");
      } else {
        list.removeAttribute("aria-busy");
        list.setAttribute("data-query", query || "");
      }
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!results.length) {
        var empty = document.createElement("li");
        empty.className = "glosa-result--none";
        empty.setAttribute("role", "presentation");
        empty.textContent = none;
        list.appendChild(empty);
      }
      if (!pending) {  // a list still busy is announced once complete
        announce(results.length ? countText.replace("{n}", String(results.length))
                 : near.length ? none + ". " + fuzzyText : none);
      }
      var named = results.filter(function (r) { return r.rank < 5; });
      var rest = results.filter(function (r) { return r.rank >= 5; });
      var i = 0;
      named.forEach(function (r) { list.appendChild(resultItem(r, i++)); });
      if (near.length) {
        var head = document.createElement("li");
        head.className = "glosa-result--suggest";
        head.setAttribute("role", "presentation");
        head.textContent = fuzzyText;
        list.appendChild(head);
        near.forEach(function (s) {
          list.appendChild(resultItem({ url: s.url, language: s.lang, fuzzy: true,
                                        matched: s.matched,
                                        meta: { title: s.title, level: s.level } }, i++));
        });
      }
      rest.forEach(function (r) { list.appendChild(resultItem(r, i++)); });
      setExpanded(true);
    }

    // A miss: fewer than three results, or none whose name matched and each held only
    // through words shorter than the query's (see queryHeld: a typo, most likely). Only
    // then are the fuzzy matcher and the names files fetched (a first search costs no
    // more bytes). A word that three notes or more hold as typed is no typo: a name near
    // it would be noise ("empresa" was answered "did you mean Coste por mil impresiones?").
    var fuzzy = null;
    var fuzzyReady = false;  // the matcher and the names files are loaded
    function isMiss(results) {
      return results.length < 3 || results.every(function (r) {
        return r.rank >= 5 && r.guessed;
      });
    }
    function nearNames(query, results) {
      if (!isMiss(results)) return Promise.resolve([]);
      if (!fuzzy) {
        fuzzy = import(new URL("assets/glosa/glosa-fuzzy.js", root).href)
          .catch(function () { fuzzy = null; return null; });
      }
      return fuzzy.then(function (module) {
        if (!module) return [];
        return module.prepare(root, langs, fold).then(function () {
          fuzzyReady = true;
          return module.suggest(root, langs, lang, query, fold, 5);
        });
      }).catch(function () { return []; });
    }

    function search() {
      var query = input.value.trim();
      if (!query) { close(); announce(""); return; }
      var folded = fold(query);
      var words = folded.split(" ").filter(Boolean);
      load().then(function (all) {
        return Promise.all(all.map(function (engine) {
          return engine.pf.search(query).then(function (found) {
            if (!found) return [];
            return Promise.all(found.results.slice(0, 8).map(function (r, order) {
              return r.data().then(function (d) {
                var held = queryHeld(d, words);
                if (held === NONE) return null;
                d.guessed = held === GUESSED;
                d.language = (d.meta && d.meta.lang) || engine.lang;
                var aliases = ((d.meta && d.meta.aliases) || "").split("|");
                d.rank = nameRank((d.meta && d.meta.title) || "", aliases, folded);
                d.order = order;
                d.home = engine.lang === lang ? 0 : 1;
                d.score = r.score || 0;
                return d;
              });
            })).then(function (list) { return list.filter(Boolean); });
          }).catch(function () { return []; });
        }));
      }).then(function (lists) {
        if (input.value.trim() !== query) return;
        var data = [].concat.apply([], lists);
        // Names first (see nameRank), then the page's own language, then Pagefind's order.
        data.sort(function (x, y) {
          return (x.rank - y.rank) || (x.home - y.home) || (x.order - y.order);
        });
        data = data.slice(0, 10);
        // The first miss of a page loads the matcher and the names files (over a slow
        // network, seconds): what Pagefind found is shown meanwhile. Once they are
        // loaded, suggestions take milliseconds and the list is drawn once, complete.
        if (data.length && !fuzzyReady && isMiss(data)) render(data, query, [], true);
        return nearNames(query, data).then(function (near) {
          if (input.value.trim() !== query) return;
          // A term near by name is listed there, not again among the text matches.
          var nearUrls = {};
          near.forEach(function (s) { nearUrls[s.url] = 1; });
          var rest = data.filter(function (r) {
            return r.rank < 5 || !nearUrls[new URL(r.url, window.location.href).href];
          });
          var named = {};
          rest.forEach(function (r) {
            if (r.rank < 5) named[new URL(r.url, window.location.href).href] = 1;
          });
          near = near.filter(function (s) { return !named[s.url]; });
          render(rest.slice(0, 10 - near.length), query, near);
        });
      }).catch(function () { render([], query); });
    }

    input.addEventListener("focus", load);
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 120);
      // Pagefind fetches the index chunks of the words typed so far while the reader
      // types, so the search after the pause finds them loaded; not for a word of one or
      // two letters still being typed, whose words spread over many chunks ("t" is the
      // start of a fifth of them: "tasa de retención" typed fetched twice the chunks).
      var query = input.value.trim();
      var last = /\s$/.test(input.value) ? "" : fold(query).split(" ").pop() || "";
      if (query && (!last || last.length >= 3)) {
        load().then(function (all) {
          all.forEach(function (engine) {
            if (engine.pf.preload) engine.pf.preload(query).catch(function () {});
          });
        });
      }
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); if (!list.hidden) select(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); if (!list.hidden) select(active - 1); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter") {
        var items = options();
        var chosen = items[active >= 0 ? active : 0];
        if (chosen && !list.hidden) { e.preventDefault(); window.location.href = chosen.href; }
      }
    });
    document.addEventListener("click", function (e) { if (!box.contains(e.target)) close(); });
    // "/" jumps to the box from anywhere but a text field (a bare letter would also fire
    // while a reader uses the browser's own find-as-you-type or a screen reader's keys).
    document.addEventListener("keydown", function (e) {
      var tag = (document.activeElement && document.activeElement.tagName) || "";
      if (e.key === "/" && tag !== "INPUT" && tag !== "TEXTAREA" && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        input.focus();
      }
    });
  }

  /* ---------- hover previews ---------- */
  var cache = {};
  var bubble = null;

  /* Previews only for glosa's own links (data-glosa-preview, which the sanitizer removes from a
     note's HTML) to pages of this site: never a fetch to another origin or scheme. */
  function previewable(link) {
    if (!link || !link.hasAttribute("data-glosa-preview")) return false;
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
        // The definition: the first plain paragraph (not the editorial notice).
        var p = body ? body.querySelector(":scope > p:not([class]), .md-content__inner > p, p:not([class])") : null;
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
      var link = e.target.closest && e.target.closest("a[data-glosa-preview]");
      if (link) show(link);
    });
    document.addEventListener("mouseout", function (e) {
      var link = e.target.closest && e.target.closest("a");
      if (link) hide();
    });
    document.addEventListener("focusin", function (e) {
      if (e.target.matches && e.target.matches("a[data-glosa-preview]")) show(e.target);
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
