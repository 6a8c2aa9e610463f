/* search.js — Litopys site search (built-in; the index is written by src/search.rs).
   Loads search/index.json (manifest with the stemming rules), then only the term shards
   (t/<key>.json) the query needs and the document chunks (d/<n>.json) of the results shown.
   Everything is fetched from this site's own search/ folder; nothing else is requested. */
(function () {
  'use strict';
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

  function words(text) {
    var s = text.normalize('NFC').toLowerCase()
      .replace(/['\u2019\u02bc\u2018`\u2032\u0300-\u036f]/g, '')
      .replace(/ё/g, 'е');
    return s.match(/[\p{Alphabetic}\p{N}]+/gu) || [];
  }

  function stem(w) {
    var ch = Array.from(w);
    var last = ch.length ? ch[ch.length - 1].codePointAt(0) : 0;
    if (last < 0x400 || last > 0x4ff) return w;
    var len = ch.length, min = manifest.min_stem;
    for (var i = 0; i < manifest.endings.length; i++) {
      var e = manifest.endings[i], el = Array.from(e).length;
      if (len >= el + min && w.endsWith(e)) { len -= el; break; }
    }
    if (len > min && manifest.soft_tail.indexOf(ch[len - 1]) >= 0) len -= 1;
    return ch.slice(0, len).join('');
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

  // Shards for a term: its own, and for a prefix those of longer terms that start with it.
  function shardsFor(t) {
    var set = {};
    var own = shardOf(t.stem);
    if (own !== null) set[own] = 1;
    if (t.prefix) {
      var p = shardOf(t.word);
      if (p !== null) set[p] = 1;
      var more = manifest.shards.filter(function (k) {
        return k.length > t.word.length && k.indexOf(t.word) === 0;
      });
      if (more.length <= 12) more.forEach(function (k) { set[k] = 1; });
    }
    return Object.keys(set);
  }

  function parse(q) {
    var ws = words(q).filter(indexable);
    var typing = !/\s$/.test(q);
    return ws.map(function (w, i) {
      return { word: w, stem: stem(w), prefix: typing && i === ws.length - 1 };
    });
  }

  // doc id → score for one term (the best of its matching stems).
  function scores(t, shards) {
    var res = new Map();
    shards.forEach(function (sh) {
      Object.keys(sh).forEach(function (term) {
        if (term !== t.stem && !(t.prefix && term.indexOf(t.word) === 0)) return;
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
      var ranked = Array.from(total.keys()).sort(function (a, b) {
        return (total.get(b) - total.get(a)) || (a - b);
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
    var q = new URLSearchParams(location.search).get('q') || '';
    input.value = q;
    input.addEventListener('input', onInput);
    input.form.addEventListener('submit', function (e) { e.preventDefault(); onInput(); });
    if (q.trim()) return run(q.trim());
  }).catch(fail);
})();
