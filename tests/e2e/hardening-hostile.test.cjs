'use strict';
// Hostile content, end to end: label values, metric names, span names, attribute keys and
// values, health check names (from fixture backends, tests/e2e/lib/hostile-fixtures.cjs),
// and the dashboard title, panel titles, variable values and incident notes (from the
// link) all carry HTML, <script>, <img onerror>, <svg onload>, javascript: URLs, an RTL
// override, NUL bytes and 100 KB strings. Nothing may run (a global canary and dialog
// count stay untouched), the payloads must show as literal text, the layout must stay
// usable, and every link made from data must be http(s).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { setup, waitFor, jsonLink, uncaught, TEST_TIMEOUT_MS } = require('./lib/harness.cjs');
const { startHostileFixtures, payloads, joined, TRACE_ID, SPAN_IDS } = require('./lib/hostile-fixtures.cjs');

let env;
let fx;
before(async () => {
  fx = await startHostileFixtures();
  env = await setup();
});
after(async () => {
  if (env) await env.teardown();
  if (fx) await fx.close();
});

function datasources() {
  return [
    { name: 'prom', kind: 'prometheus', url: `${fx.url}/prom`, timeout_ms: 5000 },
    { name: 'zipkin', kind: 'zipkin', url: `${fx.url}/zipkin`, timeout_ms: 5000 },
    { name: 'hc', kind: 'health', url: fx.url, timeout_ms: 5000, endpoints: [{ service: 'svc', url: '/health/list' }] },
    { name: 'logs', kind: 'link', label: 'Open logs', url: 'https://logs.example/search?service={service}&trace={trace_id}&span={span_id}' },
  ];
}

function board() {
  const v = payloads('variable');
  return {
    version: 1,
    title: joined('title'),
    time: { kind: 'relative', spec: { last_s: 3600 } },
    variables: [{ name: 'v', options: Object.values(v), current: [v.img] }],
    notes: [
      { at_ms: Date.now() - 10 * 60e3, text: joined('note'), author: payloads('author').img },
      { at_ms: Date.now() - 5 * 60e3, text: payloads('note').js },
    ],
    panels: [
      { id: 'legend', title: joined('panel'), datasource: 'prom', kind: 'timeseries', spec: { queries: [{ kind: 'promql', spec: { expr: 'up' } }], unit: 'none' } },
      {
        id: 'big',
        title: payloads('panel').big,
        datasource: 'demo',
        kind: 'kpi',
        spec: { query: { kind: 'metric', spec: { metric: 'shop_http_requests_total', fn: 'rate', agg: 'sum' } }, unit: 'req_per_sec' },
      },
      { id: 'trace', title: 'Trace', datasource: 'zipkin', kind: 'waterfall', spec: { trace_id: TRACE_ID, selected: SPAN_IDS[0] } },
      { id: 'health', title: 'Health', datasource: 'hc', kind: 'health_grid', spec: { services: ['svc'] } },
    ],
    layout: [
      { panel: 'legend', x: 0, y: 0, w: 6, h: 8 },
      { panel: 'big', x: 6, y: 0, w: 6, h: 8 },
      { panel: 'trace', x: 0, y: 8, w: 12, h: 12 },
      { panel: 'health', x: 0, y: 20, w: 12, h: 8 },
    ],
  };
}

/** Every string a user can read on the page: text nodes plus form values. Runs in the page. */
function readableInPage() {
  const parts = [document.body.textContent || ''];
  for (const el of document.querySelectorAll('input, textarea')) parts.push(el.value || '');
  for (const el of document.querySelectorAll('[title], [aria-label]')) parts.push(el.getAttribute('title') || '', el.getAttribute('aria-label') || '');
  return parts.join('\n');
}

test('hostile strings in data and links render as inert text, the layout holds, links stay http(s)', { timeout: TEST_TIMEOUT_MS }, async () => {
  env.setDatasources(datasources());
  const page = await env.newPage();
  await page.addInitScript(() => {
    window.__pwned = 'untouched';
    window.__dialogs = 0;
    window.alert = window.confirm = window.prompt = () => {
      window.__dialogs += 1;
    };
  });
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  const link = jsonLink(env.url, board());
  assert.ok(link.length < 256 * 1024, `the link fits the fragment cap (${link.length})`);
  await page.goto(link);

  // Everything arrives: the legend, the trace with its selected span, the health checks.
  await waitFor(page, 'hostile content rendered', () => {
    const ps = [...document.querySelectorAll('[data-testid="panel"]')];
    const settled = ps.length === 4 && ps.every((p) => ['ok', 'empty', 'error'].includes(p.getAttribute('data-state')));
    return settled && document.querySelectorAll('[data-testid="health-cell"]').length > 0 && !!document.querySelector('[data-testid="span-detail"]');
  });
  await page.waitForTimeout(500); // let any injected handler (onerror/onload) fire if it could

  // 1. Nothing ran.
  assert.equal(await page.evaluate(() => window.__pwned), 'untouched', 'the canary is untouched');
  assert.equal(await page.evaluate(() => window.__dialogs), 0, 'no alert/confirm/prompt call');
  assert.deepEqual(dialogs, []);
  const injected = await page.evaluate(() => ({
    handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).map((e) => e.outerHTML.slice(0, 80)),
    imgs: document.querySelectorAll('img[src="x"], image').length,
    bold: [...document.querySelectorAll('b, i')].filter((b) => /^(title|panel|label|metric|span|attrkey|attrvalue|check|note|variable|author|service)$/.test(b.textContent) || b.textContent === 'x').length,
    scripts: [...document.scripts].filter((s) => s.textContent.includes('__pwned')).length,
  }));
  assert.deepEqual(injected, { handlers: [], imgs: 0, bold: 0, scripts: 0 }, 'no element was made from data');

  // 2. The payloads show as literal text, category by category.
  const readable = await page.evaluate(readableInPage);
  const categories = ['title', 'panel', 'variable', 'note', 'label', 'metric', 'span', 'attrkey', 'attrvalue', 'check'];
  const missing = [];
  for (const cat of categories) {
    const p = payloads(cat);
    for (const kind of ['img', 'script', 'svg']) if (!readable.includes(p[kind])) missing.push(`${cat}.${kind}`);
  }
  assert.deepEqual(missing, [], 'every hostile string is shown as text');
  assert.ok(readable.includes(payloads('panel').big.slice(0, 2000)), 'the 100 KB panel title is shown (as text)');

  // An RTL override in data cannot flip the text around it: every element showing one
  // isolates its text (unicode-bidi: isolate or plaintext), like <bdi>.
  const leaky = await page.evaluate(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.data.includes('\u202E')) continue;
      let e = n.parentElement;
      let isolated = false;
      for (let d = 0; e && d < 3 && !isolated; d++, e = e.parentElement) {
        isolated = /isolate|plaintext/.test(getComputedStyle(e).unicodeBidi) || e.tagName === 'BDI';
      }
      if (!isolated) out.push(`${n.parentElement.tagName.toLowerCase()}.${[...n.parentElement.classList].join('.')}`);
    }
    return out;
  });
  assert.deepEqual(leaky, [], 'RTL overrides stay inside their own element');

  // 3. The layout is usable: nothing widens the page, the toolbar is reachable and works.
  const layout = await page.evaluate(() => ({
    viewport: window.innerWidth,
    scroll: document.documentElement.scrollWidth,
    widest: Math.max(...[...document.querySelectorAll('[data-testid="panel"]')].map((p) => p.getBoundingClientRect().right)),
    // The innermost elements sticking out of the page, to name the culprit on failure.
    over: [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && ![...e.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 1))
      .slice(0, 8)
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}[${e.getAttribute('data-testid') || ''}] right=${Math.round(e.getBoundingClientRect().right)}`),
    toolbarHit: (() => {
      const b = document.querySelector('[data-testid="library"]').getBoundingClientRect();
      const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
      return !!hit && !!hit.closest('[data-testid="library"]');
    })(),
  }));
  assert.ok(layout.scroll <= layout.viewport + 1, `no horizontal blow-up: scrollWidth ${layout.scroll} > ${layout.viewport}: ${layout.over.join(', ')}`);
  assert.ok(layout.widest <= layout.viewport + 1, `panels stay inside the page: ${layout.widest}`);
  assert.ok(layout.toolbarHit, 'the Dashboards button is not covered by content');
  await page.click('[data-testid="library"]');
  await waitFor(page, 'the library menu opens', () => !!document.querySelector('[data-testid="library-menu"]'));
  await page.click('[data-testid="library"]');
  await page.click('[data-testid="share"]');
  await waitFor(page, 'the share box opens', () => !!document.querySelector('[data-testid="share-link"]'));

  // 4. Every link is http(s) (or this page's own fragment); the span's "Open logs" link
  //    carries the hostile service name encoded inside an https URL.
  const hrefs = await page.evaluate(() => [...document.querySelectorAll('a[href], area[href], [xlink\\:href]')].map((a) => a.getAttribute('href')));
  const bad = hrefs.filter((h) => !/^(https?:\/\/|#)/i.test(h.trim()));
  assert.deepEqual(bad, [], `only http(s) links: ${hrefs.join(' ')}`);
  const logs = await page.getAttribute('[data-testid="span-detail"] [data-testid="open-logs"]', 'href');
  assert.match(logs, /^https:\/\/logs\.example\/search\?service=javascript%3Awindow\.__pwned%3D/);

  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});
