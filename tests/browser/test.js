// Litopys browser tests: headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) against `litopys serve` on the sample site. Run through ./run.sh, which
// builds, serves and sets the environment:
//
//   LITOPYS_URL      the served site, e.g. http://127.0.0.1:40123/
//   LITOPYS_PUBLIC   the built public/ folder (for the HTML validator)
//   ARTIFACTS        where screenshots and reports go (default target/browser-artifacts)
//   CHROMIUM         the browser (default /usr/bin/chromium)
//
// Every failure is reported as «page: what went wrong»; the script exits 1 if there is any.
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const BASE = (process.env.LITOPYS_URL || 'http://127.0.0.1:1111/').replace(/\/?$/, '/');
const PUBLIC = process.env.LITOPYS_PUBLIC || path.join(__dirname, '..', '..', 'public');
const ARTIFACTS = path.resolve(process.env.ARTIFACTS ||
  path.join(__dirname, '..', '..', 'target', 'browser-artifacts'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const HOST = new URL(BASE).host;
const STEP_MS = 120000;

const failures = [];
const fail = (page, what) => {
  failures.push(`${page}: ${what}`);
  console.log(`  FAIL ${page}: ${what}`);
};
const rel = (u) => {
  try { return new URL(u).pathname; } catch (e) { return String(u); }
};

// Watches a page for console errors, page errors, failed requests, HTTP errors and requests
// to any other host; problems are charged to the page open at the time.
function watch(page) {
  const at = () => rel(page.url());
  page.on('console', (m) => {
    if (m.type() === 'error') fail(at(), `console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => fail(at(), `script error: ${e.message}`));
  page.on('request', (r) => {
    const u = r.url();
    if (u.startsWith('data:') || u.startsWith('about:')) return;
    let host = '';
    try { host = new URL(u).host; } catch (e) { /* reported below */ }
    if (host !== HOST) fail(at(), `request to another host: ${u}`);
  });
  page.on('requestfailed', (r) => {
    // A navigation away cancels what the old page still had in flight (the live-reload poll
    // of `litopys serve`, the favicon): that is no failure. A missing file is still caught,
    // as an HTTP error status below, and an aborted page load is still reported.
    const err = (r.failure() && r.failure().errorText) || '';
    if (err.includes('ERR_ABORTED') && !r.isNavigationRequest()) return;
    fail(at(), `request failed: ${rel(r.url())} (${err})`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) fail(at(), `HTTP ${r.status()} for ${rel(r.url())}`);
  });
}

async function step(name, fn) {
  console.log(`- ${name}`);
  let timer;
  try {
    await Promise.race([
      fn(),
      new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`timed out after ${STEP_MS / 1000} s`)), STEP_MS); }),
    ]);
  } catch (e) {
    fail(name, String(e && e.message || e).split('\n')[0]);
  } finally {
    clearTimeout(timer);
  }
}

async function expectText(page, selector, what) {
  const el = await page.$(selector);
  if (!el) { fail(rel(page.url()), `no ${what} (${selector})`); return ''; }
  return (await el.textContent()).trim();
}

// Clicks the link and waits for the page it leads to.
async function follow(page, selector, what) {
  const link = page.locator(selector).first();
  if (await link.count() === 0) throw new Error(`${rel(page.url())}: no ${what} link (${selector})`);
  const from = rel(page.url());
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link.click()]);
  console.log(`    ${from} → ${rel(page.url())}`);
}

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function axe(page, label) {
  await page.addScriptTag({ content: axeSource });
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  for (const v of res) {
    if (v.impact === 'serious' || v.impact === 'critical') {
      fail(label, `axe ${v.impact} ${v.id}: ${v.help} (${v.targets.join(', ')})`);
    }
  }
  return res;
}

async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    timeout: 60000,
  });
  try {
    const ctx = await browser.newContext({ viewport: { width: 375, height: 812 } });
    ctx.setDefaultTimeout(15000);
    const page = await ctx.newPage();
    watch(page);

    // The pages found on the way are the ones screenshotted and checked below.
    const found = { home: '' };

    await step('navigation: home → article → person → month → home', async () => {
      await page.goto(BASE, { waitUntil: 'load' });
      found.home = rel(page.url());
      const title = await expectText(page, 'main .card h3 a', 'article on the home page');
      await follow(page, 'main .card h3 a', 'first article');
      found.article = rel(page.url());
      const h1 = await expectText(page, 'main h1', 'article title');
      if (h1 !== title) fail(found.article, `title «${h1}» is not the home page's «${title}»`);
      const crumbs = await page.$$eval('.crumbs a', (as) => as.length);
      if (crumbs < 2) fail(found.article, `breadcrumbs have ${crumbs} links`);
      const person = await expectText(page, 'article.article .chips a', 'people chip');
      await follow(page, 'article.article .chips a', 'person chip');
      found.person = rel(page.url());
      const name = await expectText(page, 'main h1', 'person name');
      if (name !== person) fail(found.person, `heading «${name}» is not the chip's «${person}»`);
      if (!(await page.$('.timeline svg rect'))) fail(found.person, 'no timeline bars');
      if (!(await page.$('link[type="application/atom+xml"][href$="atom.xml"]'))) fail(found.person, 'no Atom feed link');
      await follow(page, '.timeline svg a', 'timeline month');
      found.month = rel(page.url());
      if (!/\/\d{4}\/\d{2}\/(index\.html)?$/.test(found.month)) fail(found.month, 'the timeline bar did not lead to a month page');
      const days = await page.$$eval('.calendar td a', (as) => as.length);
      if (days < 1) fail(found.month, 'the calendar links no day');
      await follow(page, 'header.site .brand', 'site title');
      if (rel(page.url()) !== found.home && rel(page.url()) !== '/index.html') fail(rel(page.url()), 'the site title did not lead home');
    });

    await step('article breadcrumbs: home › date › article', async () => {
      if (!found.article) throw new Error('no article found on the home page');
      await page.goto(new URL(found.article.replace(/^\//, ''), BASE).href, { waitUntil: 'load' });
      const at = found.article;
      const nav = await page.$('nav.crumbs[aria-label]');
      if (!nav) { fail(at, 'no <nav class="crumbs" aria-label> breadcrumbs'); return; }
      const items = await page.$$eval('nav.crumbs > ol > li', (lis) => lis.map((li) => {
        const a = li.querySelector('a');
        const cur = li.querySelector('[aria-current="page"]');
        return { text: li.textContent.trim(), href: a ? a.getAttribute('href') : null, current: !!cur };
      }));
      if (items.length !== 3) { fail(at, `breadcrumbs have ${items.length} items, not home › date › article: ${items.map((i) => i.text).join(' › ')}`); return; }
      const [home, date, self] = items;
      if (!home.href || !/(^|\/)index\.html$/.test(home.href) || new URL(home.href, page.url()).pathname !== '/index.html') fail(at, `the first crumb does not lead home: ${home.href}`);
      const dateText = await expectText(page, 'article.article .meta time', 'article date');
      if (date.text !== dateText) fail(at, `the date crumb is «${date.text}», the article's date «${dateText}»`);
      if (!date.href || !/\/\d{4}\/\d{2}\/\d{2}\/index\.html$/.test(new URL(date.href, page.url()).pathname)) fail(at, `the date crumb does not lead to a day page: ${date.href}`);
      const title = await expectText(page, 'main h1', 'article title');
      if (!self.current || self.href) fail(at, 'the last crumb is not the current page (aria-current="page", no link)');
      if (!title.startsWith(self.text.replace(/…$/, ''))) fail(at, `the last crumb «${self.text}» is not the title «${title}»`);
      if (home.current || date.current) fail(at, 'a linked crumb is marked aria-current');
      await follow(page, 'nav.crumbs li:nth-child(2) a', 'date crumb');
      const day = await expectText(page, 'main h1', 'day heading');
      if (day !== dateText) fail(rel(page.url()), `the date crumb «${dateText}» led to the day «${day}»`);
    });

    await step('search: an inflected surname finds the person and their articles', async () => {
      await page.goto(BASE, { waitUntil: 'load' });
      await page.fill('#site-q', 'Будановим');
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.press('#site-q', 'Enter')]);
      const at = rel(page.url());
      if (!at.startsWith('/search/')) fail(at, 'the header search box did not lead to /search/');
      await page.waitForSelector('.results-people a', { timeout: 30000 });
      const people = await page.$$eval('.results-people a', (as) => as.map((a) => a.textContent));
      if (!people.some((n) => n.includes('Буданов'))) fail(at, `people found for «Будановим»: ${people.join(', ') || 'none'}`);
      const articles = await page.$$eval('.results-articles .card', (cs) => cs.length);
      if (articles < 1) fail(at, 'no articles found for «Будановим»');
      // Results as one types, and the address follows the query.
      await page.fill('#q', 'Зеленського');
      await page.waitForFunction(() => /Зеленськ/.test((document.querySelector('.results-people') || {}).textContent || ''), null, { timeout: 30000 });
      if (!decodeURIComponent(page.url()).includes('q=Зеленського')) fail(at, `the address does not follow the query: ${page.url()}`);
      // Result links resolve from /search/.
      const personName = await expectText(page, '.results-people a', 'person result');
      await follow(page, '.results-people a', 'person result');
      const h1 = await expectText(page, 'main h1', 'person name');
      if (h1 !== personName) fail(rel(page.url()), `search result «${personName}» led to «${h1}»`);
      await page.goto(`${BASE}search/?q=${encodeURIComponent('буданова')}`, { waitUntil: 'load' });
      await page.waitForSelector('.results-articles .card h3 a', { timeout: 30000 });
      await follow(page, '.results-articles .card h3 a', 'article result');
      if (!(await page.$('article.article'))) fail(rel(page.url()), 'search result did not lead to an article');
    });

    await step('search: people found alike are listed in the people index\'s order', async () => {
      // Everyone whose given name is the most common one in the index matches it as a name,
      // all with one score: the results must keep the index's (Ukrainian alphabetical) order,
      // which the script reads from search/p.json (people's documents are in no such order).
      await page.goto(`${BASE}people/`, { waitUntil: 'load' });
      const index = await page.$$eval('ul.people li > a', (as) => as.map((a) => a.textContent.trim()));
      const counts = new Map();
      for (const n of index) if (n.includes(' ')) counts.set(n.split(' ')[0], (counts.get(n.split(' ')[0]) || 0) + 1);
      const [given, many] = [...counts].sort((a, b) => b[1] - a[1])[0] || ['', 0];
      const at = `/search/?q=${given}`;
      if (many < 3) { fail(at, `no given name shared by three people in the index (${given}: ${many})`); return; }
      await page.goto(`${BASE}search/?q=${encodeURIComponent(given + ' ')}`, { waitUntil: 'load' });
      const found = await page.waitForSelector('.results-people a', { timeout: 30000 }).then(() => true, () => false);
      if (!found) { fail(at, `no people shown after 30 s: «${await page.textContent('#search-status')}»`); return; }
      const shown = await page.$$eval('.results-people a', (as) => as.map((a) => a.textContent.trim()));
      const expected = index.filter((n) => n.split(' ')[0] === given).slice(0, shown.length);
      if (shown.length < 3 || JSON.stringify(shown) !== JSON.stringify(expected)) {
        fail(at, `people shown ${JSON.stringify(shown)}, in the index's order ${JSON.stringify(expected)}`);
      }
    });

    await step('search: the script stems like the index (tests/data/search-words.txt, in Chromium)', async () => {
      await page.goto(`${BASE}search/`, { waitUntil: 'load' });
      const table = fs.readFileSync(path.join(__dirname, '..', 'data', 'search-words.txt'), 'utf8')
        .split('\n').map((l) => l.trim().split(/\s+/)).filter((w) => w[0] === '=' || w[0] === '!');
      const all = [...new Set(table.flatMap((w) => w.slice(1)))];
      const keys = await page.evaluate(async (ws) => {
        const m = await (await fetch('index.json')).json();
        // eslint-disable-next-line no-undef
        const st = litopysStemmer(m);
        const out = {};
        for (const w of ws) out[w] = st.words(w).flatMap((x) => st.keys(x));
        return out;
      }, all);
      const share = (a, b) => keys[a].some((k) => keys[b].includes(k));
      for (const [kind, ...ws] of table) {
        if (kind === '=') {
          for (let i = 1; i < ws.length; i++) {
            if (!share(ws[0], ws[i])) fail('/search/ (stemmer)', `«${ws[0]}» ${JSON.stringify(keys[ws[0]])} and «${ws[i]}» ${JSON.stringify(keys[ws[i]])} share no key`);
          }
        } else if (share(ws[0], ws[1])) {
          fail('/search/ (stemmer)', `different words «${ws[0]}» and «${ws[1]}» share a key ${JSON.stringify(keys[ws[0]])}`);
        }
      }
    });

    await step('search: a place name finds every form of it (Києва → Київ, Києві…; Харкова → Харків…)', async () => {
      // The articles whose page names the place in any case form, counted from the built HTML.
      const articles = [];
      const walk = (d) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) walk(p);
          else if (e.name === 'index.html' && /\/\d{4}\/\d{2}\/\d{2}\/[^/]+\/index\.html$/.test(p)) articles.push(fs.readFileSync(p, 'utf8'));
        }
      };
      walk(PUBLIC);
      const body = (html) => {
        const m = html.match(/<article class="article">([\s\S]*?)<\/article>/);
        return m ? m[1].replace(/<[^>]*>/g, ' ') : '';
      };
      for (const [q, forms] of [['Києва', 'Київ|Києва|Києві|Києвом|Києву'], ['Харкова', 'Харків|Харкова|Харкові|Харковом|Харкову']]) {
        const re = new RegExp(`(?<!\\p{L})(${forms})(?!\\p{L})`, 'u');
        const expected = articles.filter((h) => re.test(body(h))).length;
        const at = `/search/?q=${q}`;
        // The counts show when the search is done.
        await page.goto(`${BASE}search/?q=${encodeURIComponent(q + ' ')}`, { waitUntil: 'load' });
        const shown = await page.waitForFunction(() => /\d/.test(document.getElementById('search-status').textContent), null, { timeout: 30000 })
          .then(() => true, () => false);
        if (!shown) { fail(at, `no result counts after 30 s: «${await page.textContent('#search-status')}»`); continue; }
        const status = await page.textContent('#search-status');
        const got = Number((status.match(/(\d+)\s*$/) || [])[1]);
        if (expected < 2) fail(at, `the sample site names ${forms.split('|')[0]} in only ${expected} articles: no test`);
        if (got !== expected) fail(at, `«${q}» finds ${got} articles; ${expected} name ${forms.split('|')[0]} in some form (${status})`);
      }
    });

    await step('people index: letters and the filter box', async () => {
      await page.goto(`${BASE}people/`, { waitUntil: 'load' });
      const letters = await page.$$eval('.letters a, .letters span', (xs) => xs.map((x) => x.textContent));
      for (const l of ['А', 'Б', 'Ґ', 'Є', 'І', 'Ї', 'Я']) {
        if (!letters.includes(l)) fail('/people/', `letter ${l} missing from the letter bar`);
      }
      await page.fill('#people-filter', 'буданов');
      const shown = await page.$$eval('.letter li:not([hidden])', (xs) => xs.map((x) => x.textContent));
      if (shown.length < 1 || !shown.every((t) => t.toLowerCase().includes('буданов'))) {
        fail('/people/', `the filter shows ${shown.length} people: ${shown.slice(0, 5).join('; ')}`);
      }
    });
    await ctx.close();

    const pages = [['home', found.home], ['article', found.article], ['person', found.person], ['month', found.month]]
      .filter(([, u]) => u);
    // Checked with axe too, not screenshotted.
    const more = [['people', '/people/'], ['search', '/search/?q=' + encodeURIComponent('Буданов')], ['year', found.month ? found.month.replace(/\d{2}\/(index\.html)?$/, '') : '']]
      .filter(([, u]) => u);
    for (const [w, h] of [[375, 812], [1366, 900]]) {
      for (const scheme of ['light', 'dark']) {
        await step(`screenshots and axe at ${w}×${h}, ${scheme}`, async () => {
          const c = await browser.newContext({ viewport: { width: w, height: h }, colorScheme: scheme });
          c.setDefaultTimeout(15000);
          const p = await c.newPage();
          watch(p);
          for (const [kind, u] of pages.concat(more)) {
            await p.goto(new URL(u.replace(/^\//, ''), BASE).href, { waitUntil: 'load' });
            if (kind === 'search') await p.waitForSelector('.results-people a', { timeout: 30000 });
            const label = `${u} (${kind}, ${w}×${h}, ${scheme})`;
            const over = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
            if (over > 0) fail(label, `the page is ${over}px wider than the window (horizontal scroll)`);
            if (w >= 1366 && kind !== 'search') {
              // Desktop: brand, sections and the search box on one line.
              const box = await p.evaluate(() => {
                const r = (s) => { const e = document.querySelector(s); return e && e.getBoundingClientRect().toJSON(); };
                return { brand: r('header.site .brand'), nav: r('header.site nav'), q: r('header.site #site-q') };
              });
              if (!box.brand || !box.nav || !box.q) fail(label, 'the header lacks the brand, the sections or the search box');
              else {
                for (const [name, b] of [['site title', box.brand], ['sections', box.nav]]) {
                  if (!(box.q.top < b.bottom && b.top < box.q.bottom)) {
                    fail(label, `the header search box (top ${Math.round(box.q.top)}, bottom ${Math.round(box.q.bottom)}) is not on the line of the ${name} (top ${Math.round(b.top)}, bottom ${Math.round(b.bottom)})`);
                  }
                }
              }
            }
            if (scheme === 'light' && pages.some(([k]) => k === kind)) {
              await p.screenshot({ path: path.join(ARTIFACTS, `${kind}-${w}x${h}.png`), fullPage: false });
            }
            await axe(p, label);
          }
          await c.close();
        });
      }
    }

    await step('without JavaScript: pages read, search says it needs JavaScript', async () => {
      const c = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
      const p = await c.newPage();
      watch(p);
      for (const u of pages.map(([, x]) => x).concat(['/people/'])) {
        await p.goto(new URL(u.replace(/^\//, ''), BASE).href, { waitUntil: 'load' });
        const text = await p.textContent('main');
        if (!text || text.trim().length < 20) fail(`${u} (no JS)`, 'main is empty');
        const over = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (over > 1) fail(`${u} (no JS, 360 px)`, `the page is ${over}px wider than the window`);
      }
      await p.goto(`${BASE}search/?q=x`, { waitUntil: 'load' });
      if (!(await p.$('noscript'))) fail('/search/ (no JS)', 'no <noscript> notice');
      await c.close();
    });
  } finally {
    await browser.close();
  }

  console.log('- HTML validity (Nu validator, vnu-jar)');
  validate();

  fs.writeFileSync(path.join(ARTIFACTS, 'failures.txt'), failures.join('\n') + (failures.length ? '\n' : ''));
  if (failures.length) {
    console.log(`\n${failures.length} failure(s):\n${failures.map((f) => `  ${f}`).join('\n')}`);
    process.exit(1);
  }
  console.log(`\nbrowser tests passed; screenshots in ${ARTIFACTS}`);
}

// Every built HTML page, through vnu.jar in one Java run (a page's errors name the page).
function validate() {
  const files = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.html')) files.push(p);
    }
  };
  walk(PUBLIC);
  if (!files.length) { fail(PUBLIC, 'no HTML files to validate'); return; }
  const jar = require('vnu-jar');
  // vnu writes its JSON report to stderr.
  const r = spawnSync('java', ['-Xss4m', '-jar', jar, '--errors-only', '--format', 'json', '--exit-zero-always', ...files],
    { encoding: 'utf8', timeout: 300000, maxBuffer: 64 << 20 });
  if (r.error) { fail('vnu', String(r.error.message)); return; }
  const out = r.stderr || '';
  let report;
  try { report = JSON.parse(out); } catch (e) { fail('vnu', `unreadable report: ${out.slice(0, 300)}`); return; }
  fs.writeFileSync(path.join(ARTIFACTS, 'vnu.json'), JSON.stringify(report, null, 1));
  for (const m of report.messages || []) {
    if (m.type !== 'error') continue;
    const file = m.url ? path.relative(PUBLIC, new URL(m.url).pathname) : '?';
    fail(file, `invalid HTML (line ${m.lastLine}): ${m.message}`);
  }
  console.log(`    ${files.length} pages validated`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
