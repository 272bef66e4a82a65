/* glosa: "did you mean" for the search box. Pagefind matches word prefixes only, so a
   query with a typo ("convresion", "mrketing") finds nothing; the box loads this module
   and each language's names file (assets/glosa/names-LANG.json) only then, on a miss.
   Written by hand: the matching is a bounded edit distance over about a hundred names a
   language, a few dozen lines, where a fuzzy-search library would be larger than the
   names file it searches. */

// Edits between a and b (insertions, deletions, substitutions and swaps of two
// neighbouring letters: "optimal string alignment"), or limit + 1 once it passes limit.
export function distance(a, b, limit) {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  var before = null;
  var prev = [];
  for (var j = 0; j <= b.length; j++) prev.push(j);
  for (var i = 1; i <= a.length; i++) {
    var row = [i];
    var least = i;
    for (j = 1; j <= b.length; j++) {
      var value = Math.min(prev[j] + 1, row[j - 1] + 1,
                           prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, before[j - 2] + 1);
      }
      row.push(value);
      if (value < least) least = value;
    }
    if (least > limit) return limit + 1;
    before = prev;
    prev = row;
  }
  return Math.min(prev[b.length], limit + 1);
}

// Typos a word may carry: none in a word of up to three letters (every short word is a
// typo of another), one up to six, two up to ten, three beyond.
export function allowance(word) {
  var n = word.length;
  return n < 4 ? 0 : n < 7 ? 1 : n < 11 ? 2 : 3;
}

// What the query word costs against one name: its best word, whole or (for a word of
// four letters or more, still being typed) as the start of it, which costs a little more.
// The start may be a letter longer or shorter than the word: a letter left out or typed
// twice shifts the rest ("calout" is the start of "callouts" less one letter).
function wordCost(word, nameWords) {
  var limit = allowance(word);
  var best = Infinity;
  nameWords.forEach(function (other) {
    var d = distance(word, other, limit);
    if (d <= limit) best = Math.min(best, d);
    if (word.length >= 4 && other.length > word.length) {
      for (var n = word.length - 1; n <= word.length + 1 && n < other.length; n++) {
        var p = distance(word, other.slice(0, n), limit);
        if (p <= limit) best = Math.min(best, p + 0.25);
      }
    }
  });
  return best;
}

// A folded name as the matching reads it: its words and its letters without spaces.
function folding(folded) {
  return { words: folded ? folded.split(" ") : [], compact: folded.replace(/ /g, "") };
}

// The cost of a name (as folding gives it) for a folded query, Infinity when it is not a
// near match: every query word near a word of the name, or the whole query near the
// whole name once spaces are dropped ("emailmarketing", "e mail").
function foldedCost(query, name) {
  if (!name.compact) return Infinity;
  var total = 0;
  query.split(" ").forEach(function (word) { total += wordCost(word, name.words); });
  var compactQuery = query.replace(/ /g, "");
  var limit = allowance(compactQuery);
  var whole = distance(compactQuery, name.compact, limit);
  if (whole <= limit) total = Math.min(total, whole);
  return total;
}

// Each names file's names folded once, not at every query: folding (Unicode
// decomposition and two patterns a name) was most of a miss's time at 10,000 terms.
var prepared = new WeakMap();

function foldedNames(names, fold) {
  var kept = prepared.get(names);
  if (!kept || kept.fold !== fold) {
    kept = { fold: fold, names: names.map(function (entry) {
      return [entry.title].concat(entry.aliases || []).map(function (name) {
        var folded = fold(name);
        var form = folding(folded);
        form.name = name;
        form.length = folded.length;
        return form;
      });
    }) };
    prepared.set(names, kept);
  }
  return kept.names;
}

var files = {};

function namesOf(root, lang) {
  if (!files[lang]) {
    files[lang] = fetch(new URL("assets/glosa/names-" + lang + ".json", root).href)
      .then(function (r) { return r.ok ? r.json() : { names: [] }; })
      .then(function (data) { return (data && data.names) || []; })
      .catch(function () { return []; });
  }
  return files[lang];
}

// Loads and folds the names of ``langs`` (what the first "did you mean" of a page waits
// for); ``suggest`` does it too when it has not been done.
export function prepare(root, langs, fold) {
  return Promise.all(langs.map(function (lang) {
    return namesOf(root, lang).then(function (names) { return foldedNames(names, fold); });
  }));
}

/* The terms whose title or an alias is near the query, best first: fewest edits, then
   the page's own language, then the name closest in length. Each suggestion carries the
   name that matched (an alias shows as "CLV"). ``fold`` is the search box's own folding
   (lower case, no accents, punctuation as spaces), so both compare the same text. */
export function suggest(root, langs, pageLang, query, fold, limit) {
  var folded = fold(query);
  if (folded.replace(/ /g, "").length < 3) return Promise.resolve([]);
  return Promise.all(langs.map(function (lang) {
    return namesOf(root, lang).then(function (names) {
      var found = [];
      var forms = foldedNames(names, fold);
      names.forEach(function (entry, at) {
        var best = { cost: Infinity, form: null };
        forms[at].forEach(function (form, i) {
          var cost = foldedCost(folded, form) + (i ? 0.1 : 0);  // the title before an alias
          if (cost < best.cost) best = { cost: cost, form: form };
        });
        if (best.cost < Infinity) {
          found.push({ title: entry.title, url: new URL(entry.url, root).href,
                       level: entry.level || "", lang: lang, cost: best.cost,
                       matched: best.form.name === entry.title ? "" : best.form.name,
                       home: lang === pageLang ? 0 : 1,
                       spread: Math.abs(best.form.length - folded.length) });
        }
      });
      return found;
    });
  })).then(function (lists) {
    var all = [].concat.apply([], lists);
    all.sort(function (x, y) {
      return (x.cost - y.cost) || (x.home - y.home) || (x.spread - y.spread) ||
        (x.title < y.title ? -1 : x.title > y.title ? 1 : 0);
    });
    return all.slice(0, limit || 5);
  });
}
