/* search.js — Litopys site search (built-in; the index is written by src/search.rs).
   Loads search/index.json (manifest with the stemming rules), then only the term shards
   (t/<key>.json) the query needs and the document chunks (d/<n>.json) of the results shown.
   Everything is fetched from this site's own search/ folder; nothing else is requested.
   The stemmer (`stemmer`) is the same algorithm as `keys` in src/search.rs, run with the
   rules of the manifest; it is exposed as `litopysStemmer` so tests can check that both
   sides give every word the same keys. */
(function (global) {
  'use strict';

  // The stemmer of src/search.rs (`words`, `keys`, `fold`) over the manifest's rules.
  function stemmer(m) {
    var foldMap = new Map(m.fold);
    var softened = new Map(m.softened);
    var ambiguous = new Map(m.ambiguous);
    var fleeting = m.fleeting.map(function (p) { return [Array.from(p[0]), Array.from(p[1])]; });
    var endings = m.endings.map(function (e) { return [e, Array.from(e).length]; });
    var min = m.min_stem;
    function foldChar(c) { return foldMap.has(c) ? foldMap.get(c) : c; }
    function fold(s) { return Array.from(s).map(foldChar).join(''); }
    function isCyrillic(c) { var x = c.codePointAt(0); return x >= 0x400 && x <= 0x4ff; }
    function words(text) {
      var s = text.normalize('NFC').toLowerCase()
        .replace(/['\u2019\u02bc\u2018`\u2032\u0300-\u036f]/g, '')
        .replace(/ё/g, 'е').replace(/ґ/g, 'г');
      return s.match(/[\p{Alphabetic}\p{N}]+/gu) || [];
    }
    function endsWith(s, t) {
      if (t.length > s.length) return false;
      for (var i = 0; i < t.length; i++) if (s[s.length - t.length + i] !== t[i]) return false;
      return true;
    }
    function finish(s) {
      if (s.length > min && m.soft_tail.indexOf(s[s.length - 1]) >= 0) s.pop();
      var v = -1;
      for (var i = s.length - 1; i >= 0; i--) if (m.vowels.indexOf(s[i]) >= 0) { v = i; break; }
      if (v >= 1 && v + 2 === s.length) s[v] = foldChar(s[v]);
      for (var j = 0; j < fleeting.length; j++) {
        var from = fleeting[j][0], to = fleeting[j][1];
        if (endsWith(s, from) && s.length - from.length + to.length >= min) {
          s = s.slice(0, s.length - from.length).concat(to);
          break;
        }
      }
      return s.join('');
    }
    function keys(w) {
      var ch = Array.from(w);
      if (!ch.length || !isCyrillic(ch[ch.length - 1])) return [w];
      var n = ch.length, ending = '', el = 0;
      for (var i = 0; i < endings.length; i++) {
        if (n >= endings[i][1] + min && w.endsWith(endings[i][0])) {
          ending = endings[i][0]; el = endings[i][1];
          break;
        }
      }
      var stems = [[ch.slice(0, n - el), ending]];
      if (ambiguous.has(ending)) {
        var alt = ambiguous.get(ending);
        stems.push([ch.slice(0, n - Array.from(alt).length), alt]);
      }
      var first = stems.length;
      for (var j = 0; j < first; j++) {
        var sj = stems[j][0], last = sj[sj.length - 1];
        if (stems[j][1] !== m.softened_after || !softened.has(last)) continue;
        stems.push([sj.slice(0, sj.length - 1).concat([softened.get(last)]), m.softened_after]);
      }
      var out = [];
      stems.forEach(function (x) {
        var k = finish(x[0].slice());
        if (out.indexOf(k) < 0) out.push(k);
      });
      return out;
    }
    return { words: words, keys: keys, fold: fold };
  }
  global.litopysStemmer = stemmer;

  if (typeof document === 'undefined') return;
  var out = document.getElementById('search-results');
  var input = document.getElementById('q');
  var status = document.getElementById('search-status');
  if (!out || !input || !status) return;
  var root = out.getAttribute('data-root') || '../';
  var base = root + 'search/';
  var say = function (k) { return out.getAttribute('data-' + k) || ''; };
  var PAGE = 20;
  var cache = {};
  var manifest = null;
  var keys = null;
  var st = null;
  var seq = 0;

  function getJSON(path) {
    if (!cache[path]) {
      cache[path] = fetch(base + path).then(function (r) {
        if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
        return r.json();
      });
    }
    return cache[path];
  }

  function indexable(w) {
    return Array.from(w).length > 1 && manifest.stop.indexOf(w) < 0;
  }

  function fileOf(key) {
    return 't/' + Array.from(key).map(function (c) {
      return c.codePointAt(0).toString(16);
    }).join('-') + '.json';
  }

  // The shard holding term `s`: the longest shard key that begins it.
  function shardOf(s) {
    var ch = Array.from(s);
    for (var l = ch.length; l > 0; l--) {
      var k = ch.slice(0, l).join('');
      if (keys.has(k)) return k;
    }
    return null;
  }

  // Shards for a term (shards are keyed by folded terms): those of its keys, and for a
  // prefix those of longer terms that start with it.
  function shardsFor(t) {
    var set = {};
    t.keys.forEach(function (k) {
      var own = shardOf(st.fold(k));
      if (own !== null) set[own] = 1;
    });
    if (t.prefix) {
      var p = shardOf(t.folded);
      if (p !== null) set[p] = 1;
      var more = manifest.shards.filter(function (k) {
        return k.length > t.folded.length && k.indexOf(t.folded) === 0;
      });
      if (more.length <= 12) more.forEach(function (k) { set[k] = 1; });
    }
    return Object.keys(set);
  }

  function parse(q) {
    var ws = st.words(q).filter(indexable);
    var typing = !/\s$/.test(q);
    return ws.map(function (w, i) {
      return { word: w, keys: st.keys(w), folded: st.fold(w), prefix: typing && i === ws.length - 1 };
    });
  }

  // doc id → score for one term (the best of the terms it matches: one of its keys, or for
  // the word being typed any term that begins with it, letters folded).
  function scores(t, shards) {
    var res = new Map();
    shards.forEach(function (sh) {
      Object.keys(sh).forEach(function (term) {
        if (t.keys.indexOf(term) < 0 && !(t.prefix && st.fold(term).indexOf(t.folded) === 0)) return;
        var a = sh[term], d = 0;
        for (var i = 0; i < a.length; i += 2) {
          d += a[i];
          var prev = res.get(d) || 0;
          if (a[i + 1] > prev) res.set(d, a[i + 1]);
        }
      });
    });
    return res;
  }

  // The people's order (doc → place; search/p.json), fetched once, when a search first
  // finds more than one person to order: with the documents found per term.
  var order = null;
  function withRanks(per) {
    var people = 0;
    per.forEach(function (m) {
      m.forEach(function (s, d) { if (d >= manifest.articles) people++; });
    });
    if (people < 2) return [per, new Map()];
    if (!order) {
      order = getJSON('p.json').then(function (a) {
        var m = new Map();
        a.forEach(function (d, i) { m.set(d, i); });
        return m;
      });
    }
    return order.then(function (m) { return [per, m]; });
  }

  function run(q) {
    var my = ++seq;
    var terms = parse(q);
    if (!terms.length) { out.textContent = ''; status.textContent = ''; return Promise.resolve(); }
    status.textContent = say('loading');
    return Promise.all(terms.map(function (t) {
      return Promise.all(shardsFor(t).map(function (k) { return getJSON(fileOf(k)); }))
        .then(function (shards) { return scores(t, shards); });
    })).then(function (per) {
      if (my !== seq) return;
      return withRanks(per);
    }).then(function (r) {
      if (!r || my !== seq) return;
      var per = r[0], rank = r[1];
      var total = new Map();
      per[0].forEach(function (s, d) {
        var sum = s;
        for (var i = 1; i < per.length; i++) {
          var x = per[i].get(d);
          if (x === undefined) return;
          sum += x;
        }
        total.set(d, sum);
      });
      // Best score first; then people in the index's order (Ukrainian alphabetical, as
      // p.json lists their documents) and articles newest first (articles are documents
      // oldest first; people's documents come after them, each in a slot of its own).
      var ranked = Array.from(total.keys()).sort(function (a, b) {
        return (total.get(b) - total.get(a)) ||
          (a >= manifest.articles && b >= manifest.articles ?
            rank.get(a) - rank.get(b) : b - a);
      });
      var people = ranked.filter(function (d) { return d >= manifest.articles; });
      var articles = ranked.filter(function (d) { return d < manifest.articles; });
      return show(my, people.slice(0, 10), articles);
    });
  }

  function docs(ids) {
    var chunks = {};
    ids.forEach(function (d) { chunks[Math.floor(d / manifest.chunk)] = 1; });
    return Promise.all(Object.keys(chunks).map(function (n) {
      return getJSON('d/' + n + '.json').then(function (a) { return [Number(n), a]; });
    })).then(function (loaded) {
      var by = {};
      loaded.forEach(function (x) { by[x[0]] = x[1]; });
      return ids.map(function (d) {
        return by[Math.floor(d / manifest.chunk)][d % manifest.chunk];
      });
    });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function link(url, text) {
    var a = el('a', null, text);
    a.href = root + url;
    return a;
  }

  function card(doc) {
    // [0, title, url, date, people, lede]
    var c = el('article', 'card');
    var h = el('h3');
    h.appendChild(link(doc[2], doc[1]));
    c.appendChild(h);
    c.appendChild(el('p', 'meta', doc[3]));
    if (doc[5]) c.appendChild(el('p', 'lede', doc[5]));
    if (doc[4]) c.appendChild(el('p', 'meta people-line', doc[4]));
    return c;
  }

  function person(doc) {
    // [1, name, url, count, role]
    var li = el('li');
    li.appendChild(link(doc[2], doc[1]));
    li.appendChild(document.createTextNode(' '));
    li.appendChild(el('small', null, say('count') + ': ' + doc[3]));
    if (doc[4]) li.appendChild(el('span', 'role', ' — ' + doc[4]));
    return li;
  }

  function show(my, people, articles) {
    var first = articles.slice(0, PAGE);
    return docs(people.concat(first)).then(function (found) {
      if (my !== seq) return;
      out.textContent = '';
      if (!found.length) { status.textContent = say('nothing'); return; }
      status.textContent = say('people') + ': ' + people.length + ' · ' +
        say('articles') + ': ' + articles.length;
      if (people.length) {
        var s = el('section', 'results-people');
        s.appendChild(el('h2', null, say('people')));
        var ul = el('ul', 'people-results');
        found.slice(0, people.length).forEach(function (d) { ul.appendChild(person(d)); });
        s.appendChild(ul);
        out.appendChild(s);
      }
      if (articles.length) {
        var sa = el('section', 'results-articles');
        sa.appendChild(el('h2', null, say('articles')));
        found.slice(people.length).forEach(function (d) { sa.appendChild(card(d)); });
        out.appendChild(sa);
        more(my, sa, articles, PAGE);
      }
    });
  }

  function more(my, section, articles, from) {
    if (from >= articles.length) return;
    var b = el('button', 'more', say('more'));
    b.type = 'button';
    b.addEventListener('click', function () {
      b.disabled = true;
      docs(articles.slice(from, from + PAGE)).then(function (found) {
        if (my !== seq) return;
        b.remove();
        found.forEach(function (d) { section.appendChild(card(d)); });
        more(my, section, articles, from + PAGE);
      });
    });
    section.appendChild(b);
  }

  function fail(e) {
    status.textContent = String(e && e.message || e);
  }

  var timer = null;
  function onInput() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value;
      var url = q.trim() ? '?q=' + encodeURIComponent(q.trim()) : location.pathname;
      history.replaceState(null, '', url);
      run(q).catch(fail);
    }, 120);
  }

  getJSON('index.json').then(function (m) {
    manifest = m;
    keys = new Set(m.shards);
    st = stemmer(m);
    var q = new URLSearchParams(location.search).get('q') || '';
    input.value = q;
    input.addEventListener('input', onInput);
    input.form.addEventListener('submit', function (e) { e.preventDefault(); onInput(); });
    if (q.trim()) return run(q.trim());
  }).catch(fail);
})(typeof window !== 'undefined' ? window : globalThis);
