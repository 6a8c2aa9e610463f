// What a reader's first search downloads, measured on a built site:
//
//   node tests/browser/search-size.js PUBLIC_DIR [--words N]
//
// Replays the loading rules of templates/search.js (with the site's own search.js stemmer):
// a search loads the page, the script and the manifest, the term shards of its words (for the
// word being typed also the shards of longer terms, up to 12) and the document chunks of the
// results it shows (10 people and 20 articles). Queries: every two-letter prefix of the index
// (the widest prefix searches), the N most frequent terms as whole words and as prefixes, and
// every person's full name typed letter by letter (as-you-type: each prefix is a search; the
// bytes are those of all of them, as a browser caches files). Prints the largest of each kind.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const pub = process.argv[2];
if (!pub) { console.error('usage: node search-size.js PUBLIC_DIR [--words N]'); process.exit(2); }
const nWords = Number((process.argv.find((a, i) => process.argv[i - 1] === '--words')) || 300);
const dir = path.join(pub, 'search');
const size = (f) => fs.statSync(path.join(dir, f)).size;
const m = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
const g = {};
vm.runInNewContext(fs.readFileSync(path.join(dir, 'search.js'), 'utf8'), g);
const st = g.litopysStemmer(m);
const keys = new Set(m.shards);
const fileOf = (k) => 't/' + Array.from(k).map((c) => c.codePointAt(0).toString(16)).join('-') + '.json';
const base = size('index.html') + size('search.js') + size('index.json');
// The people's documents in alphabetical order: doc → place.
const rank = new Map(JSON.parse(fs.readFileSync(path.join(dir, 'p.json'), 'utf8')).map((d, i) => [d, i]));

const shardCache = new Map();
function shard(k) {
  if (!shardCache.has(k)) shardCache.set(k, JSON.parse(fs.readFileSync(path.join(dir, fileOf(k)), 'utf8')));
  return shardCache.get(k);
}
function shardOf(s) {
  const ch = Array.from(s);
  for (let l = ch.length; l > 0; l--) { const k = ch.slice(0, l).join(''); if (keys.has(k)) return k; }
  return null;
}
const indexable = (w) => Array.from(w).length > 1 && m.stop.indexOf(w) < 0;
function parse(q) {
  const ws = st.words(q).filter(indexable);
  const typing = !/\s$/.test(q);
  return ws.map((w, i) => ({ word: w, keys: st.keys(w), folded: st.fold(w), prefix: typing && i === ws.length - 1 }));
}
function shardsFor(t) {
  const set = new Set();
  t.keys.forEach((k) => { const o = shardOf(st.fold(k)); if (o !== null) set.add(o); });
  if (t.prefix) {
    const p = shardOf(t.folded);
    if (p !== null) set.add(p);
    const more = m.shards.filter((k) => k.length > t.folded.length && k.indexOf(t.folded) === 0);
    if (more.length <= 12) more.forEach((k) => set.add(k));
  }
  return [...set];
}
function scores(t, shs) {
  const res = new Map();
  for (const sh of shs) {
    for (const term of Object.keys(sh)) {
      if (t.keys.indexOf(term) < 0 && !(t.prefix && st.fold(term).indexOf(t.folded) === 0)) continue;
      const a = sh[term]; let d = 0;
      for (let i = 0; i < a.length; i += 2) { d += a[i]; if (a[i + 1] > (res.get(d) || 0)) res.set(d, a[i + 1]); }
    }
  }
  return res;
}
// The files one search fetches.
function files(q) {
  const out = new Set();
  const terms = parse(q);
  if (!terms.length) return out;
  const per = terms.map((t) => {
    const ks = shardsFor(t);
    ks.forEach((k) => out.add(fileOf(k)));
    return scores(t, ks.map(shard));
  });
  const total = new Map();
  per[0].forEach((s, d) => {
    let sum = s;
    for (let i = 1; i < per.length; i++) { const x = per[i].get(d); if (x === undefined) return; sum += x; }
    total.set(d, sum);
  });
  // As templates/search.js ranks: people in the index's order (p.json, fetched when terms
  // found more than one person), articles newest first.
  let found = 0;
  per.forEach((x) => x.forEach((s, d) => { if (d >= m.articles) found++; }));
  if (found >= 2) out.add('p.json');
  const ranked = [...total.keys()].sort((a, b) => (total.get(b) - total.get(a)) ||
    (a >= m.articles && b >= m.articles ? rank.get(a) - rank.get(b) : b - a));
  const shown = ranked.filter((d) => d >= m.articles).slice(0, 10)
    .concat(ranked.filter((d) => d < m.articles).slice(0, 20));
  shown.forEach((d) => out.add(`d/${Math.floor(d / m.chunk)}.json`));
  return out;
}
const bytes = (set) => base + [...set].reduce((s, f) => s + size(f), 0);

// Queries.
const allTerms = [];
for (const k of m.shards) for (const [t, a] of Object.entries(shard(k))) allTerms.push([t, a.length / 2]);
const prefixes = [...new Set(allTerms.map(([t]) => Array.from(st.fold(t)).slice(0, 2).join('')).filter((p) => Array.from(p).length === 2))];
const common = allTerms.sort((a, b) => b[1] - a[1]).slice(0, nWords).map(([t]) => t);
const people = [];
for (let n = 0; n * m.chunk < m.docs; n++) {
  // A chunk of empty documents only is not written.
  if (!fs.existsSync(path.join(dir, `d/${n}.json`))) continue;
  for (const doc of JSON.parse(fs.readFileSync(path.join(dir, `d/${n}.json`), 'utf8'))) if (doc && doc[0] === 1) people.push(doc[1]);
}

function worst(label, queries, each) {
  let best = { b: 0 };
  for (const q of queries) { const b = each(q); if (b > best.b) best = { b, q }; }
  console.log(`${label}: ${queries.length} searches, largest ${(best.b / 1024).toFixed(0)} KiB (${best.b} B) for «${best.q}»`);
  return best.b;
}
console.log(`${m.articles} articles, ${rank.size} people, ${m.shards.length} shards; page + script + manifest = ${base} B`);
const w = [
  worst('two-letter prefixes', prefixes, (q) => bytes(files(q))),
  worst('frequent terms, whole words', common, (q) => bytes(files(q + ' '))),
  worst('frequent terms, being typed', common, (q) => bytes(files(q))),
  worst('people, typed letter by letter', people, (name) => {
    const all = new Set();
    const ch = Array.from(name);
    for (let i = 1; i <= ch.length; i++) files(ch.slice(0, i).join('')).forEach((f) => all.add(f));
    return bytes(all);
  }),
];
const max = Math.max(...w);
console.log(`worst first search: ${max} B (${(max / 1e6).toFixed(3)} MB)`);
