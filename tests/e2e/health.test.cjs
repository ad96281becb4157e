'use strict';
// End-to-end tests of health grid panels (issue #5) against a REAL HTTP server of health
// endpoints (lib/health-fixtures.cjs) on 127.0.0.1, through a test-specific
// datasources.json. Hooks: health-row, health-cell, health-hide-green (README.md).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { setup, waitFor, waitSettled, jsonLink, uncaught, TEST_TIMEOUT_MS } = require('./lib/harness.cjs');
const { startHealthFixtures } = require('./lib/health-fixtures.cjs');

const T = { timeout: TEST_TIMEOUT_MS };
const TIMEOUT_MS = 1500;

let env;
let fx;
before(async () => {
  fx = await startHealthFixtures();
  env = await setup();
});
after(async () => {
  if (env) await env.teardown();
  if (fx) await fx.close();
});

// service → fixture path (and an optional format hint)
const ENDPOINTS = [
  ['orders', '/list/orders'],
  ['catalog', '/list/catalog'],
  ['payments', '/ietf/payments'],
  ['inventory', '/spring/inventory'],
  ['apiserver', '/k8s/readyz', 'kubernetes'],
  ['gatus', '/gatus/statuses'],
  ['legacy', '/html502'],
  ['hung', '/hang'],
  ['pass-ok', '/pass200'],
  ['pass-503', '/pass503'],
  ['nocors', '/nocors'],
  ['flip', '/flip'],
];

function datasources() {
  return [
    {
      name: 'hc',
      kind: 'health',
      url: fx.url,
      timeout_ms: TIMEOUT_MS,
      endpoints: ENDPOINTS.map(([service, url, format]) => (format ? { service, url, format } : { service, url })),
    },
  ];
}

function dashboard(title, panels, refresh_s = 2) {
  return {
    version: 1,
    title,
    time: { kind: 'relative', spec: { last_s: 3600 } },
    refresh_s,
    panels,
    layout: panels.map((p, i) => ({ panel: p.id, x: 0, y: i * 14, w: 12, h: 14 })),
  };
}
function healthPanel(id, title, services, extra = {}, datasource = 'hc') {
  return { id, title, datasource, kind: 'health_grid', spec: { services, ...extra } };
}

/** Every health cell and row of the page, as plain data. Runs in the page. */
function gridInPage() {
  const rows = [...document.querySelectorAll('[data-testid="health-row"]')].map((r) => ({
    service: r.getAttribute('data-service'),
    state: r.getAttribute('data-state'),
  }));
  const cells = [...document.querySelectorAll('[data-testid="health-cell"]')].map((c) => ({
    service: c.getAttribute('data-service'),
    check: c.getAttribute('data-check'),
    state: c.getAttribute('data-state'),
    status: c.getAttribute('data-status'),
    stale: c.getAttribute('data-stale'),
    reason: c.getAttribute('data-reason'),
    raw: c.getAttribute('data-raw'),
    text: (c.textContent || '').trim(),
  }));
  return { rows, cells };
}

function cell(g, service, check) {
  const found = g.cells.find((c) => c.service === service && c.check === check);
  if (!found) {
    const mine = g.cells.filter((c) => c.service === service).map((c) => `${c.check}=${c.state}/${c.reason}`);
    throw new Error(`no cell ${service}/${check}; ${service} has: ${mine.join(', ')}`);
  }
  return found;
}
const RANK = { fail: 3, warn: 2, unknown: 1, ok: 0 };

async function openHealthBoard(page) {
  env.setDatasources(datasources());
  const services = ENDPOINTS.map(([s]) => s).concat(['mainframe']);
  await page.goto(jsonLink(env.url, dashboard('Health fixtures', [healthPanel('hg', 'Services', services)])));
  // Every listed service has been polled once (the hung one times out after TIMEOUT_MS).
  await waitFor(page, 'every polled service has a result (no no_data cell)', () => {
    const cells = [...document.querySelectorAll('[data-testid="health-cell"]')];
    return cells.length >= 13 && !cells.some((c) => c.getAttribute('data-reason') === 'no_data');
  });
  return page.evaluate(gridInPage);
}

test('health grid: every format, strict lights, failing rows first, banner not ok', T, async () => {
  const page = await env.newPage();
  const g = await openHealthBoard(page);
  const snap = await waitSettled(page, 1);
  assert.equal(snap.panels[0].kind, 'health_grid');
  assert.equal(snap.panels[0].state, 'ok', JSON.stringify(snap.panels[0]));

  // The seed's list format: TIMEOUT dependency and HTTP 503.
  assert.deepEqual(
    [cell(g, 'orders', 'myDB').state, cell(g, 'orders', 'myDB').reason, cell(g, 'orders', 'myDB').raw],
    ['fail', 'timeout', 'TIMEOUT'],
  );
  assert.equal(cell(g, 'orders', 'kafka').state, 'ok');
  // Cells are labelled with words, not only colours.
  assert.match(cell(g, 'orders', 'myDB').text, /fail/i);
  assert.match(cell(g, 'orders', 'myDB').text, /TIMEOUT/);
  assert.match(cell(g, 'orders', 'kafka').text, /ok/i);
  // IETF health+json: the warn check.
  assert.equal(cell(g, 'payments', 'postgres').state, 'warn', JSON.stringify(g.cells.filter((c) => c.service === 'payments')));
  // Spring OUT_OF_SERVICE: maintenance is fail with reason out_of_service.
  const inv = g.cells.filter((c) => c.service === 'inventory' && c.reason === 'out_of_service');
  assert.equal(inv.length, 1, JSON.stringify(g.cells.filter((c) => c.service === 'inventory')));
  assert.equal(inv[0].state, 'fail');
  // Kubernetes readyz?verbose.
  assert.equal(cell(g, 'apiserver', 'informer-sync').state, 'fail', JSON.stringify(g.cells.filter((c) => c.service === 'apiserver')));
  assert.equal(cell(g, 'apiserver', 'etcd').state, 'ok');
  // Gatus: the "core" group rolled up to its worst.
  assert.equal(cell(g, 'gatus', 'core').state, 'fail', JSON.stringify(g.cells.filter((c) => c.service === 'gatus')));
  // HTML 502: fail (the HTTP code), never parsed as health.
  const legacy = g.cells.filter((c) => c.service === 'legacy');
  assert.ok(legacy.length >= 1 && legacy.every((c) => c.state === 'fail'), JSON.stringify(legacy));
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'the HTML body was never injected');
  // 200 + pass is ok; 503 + pass is fail.
  assert.ok(g.cells.filter((c) => c.service === 'pass-ok').every((c) => c.state === 'ok'));
  const p503 = g.cells.filter((c) => c.service === 'pass-503');
  assert.ok(p503.some((c) => c.state === 'fail' && c.reason === 'http_503'), JSON.stringify(p503));
  // The hung endpoint: fail with reason timeout, shown on the cell.
  const hung = cell(g, 'hung', 'self');
  assert.deepEqual([hung.state, hung.reason], ['fail', 'timeout']);
  assert.match(hung.text, /timeout/);
  // No CORS headers: unknown, network_or_cors.
  assert.deepEqual([cell(g, 'nocors', 'self').state, cell(g, 'nocors', 'self').reason], ['unknown', 'network_or_cors']);
  // A name the datasource does not list: unknown, a clear message, never polled.
  assert.deepEqual([cell(g, 'mainframe', 'self').state, cell(g, 'mainframe', 'self').reason], ['unknown', 'unknown_service']);
  const message = await page.locator('[data-testid="health-message"]').textContent();
  assert.match(message, /mainframe/);
  // Every cell carries the hooks.
  for (const c of g.cells) {
    assert.ok(['ok', 'warn', 'fail', 'unknown'].includes(c.state), JSON.stringify(c));
    assert.ok(['true', 'false'].includes(c.stale), JSON.stringify(c));
  }
  // Failing rows first.
  const ranks = g.rows.map((r) => RANK[r.state]);
  assert.deepEqual(ranks, [...ranks].sort((a, b) => b - a), JSON.stringify(g.rows));
  assert.equal(g.rows[g.rows.length - 1].state, 'ok');
  // The banner is not ok.
  assert.equal(snap.overall, 'fail');

  // The hung endpoint is polled again after its timeout, and the page stays responsive.
  const deadline = Date.now() + 20000;
  while (fx.hits('/hang') < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  assert.ok(fx.hits('/hang') >= 2, `the hung endpoint was polled ${fx.hits('/hang')} time(s)`);
  assert.equal(await page.evaluate(() => 1 + 1), 2, 'the page stays responsive');
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});

test('health grid: hide all-green, detail popover with the raw answer, history strips', T, async () => {
  const page = await env.newPage();
  await openHealthBoard(page);
  const green = () => [...document.querySelectorAll('[data-testid="health-row"][data-state="ok"]')].length;
  assert.ok((await page.evaluate(green)) >= 2, 'catalog and pass-ok are green');
  await page.locator('[data-testid="health-hide-green"]').check();
  await waitFor(page, 'no green row while hide-green is on', () =>
    document.querySelectorAll('[data-testid="health-row"]').length > 0 &&
    document.querySelectorAll('[data-testid="health-row"][data-state="ok"]').length === 0,
  );
  const hidden = await page.evaluate(() => document.querySelector('[data-testid="health-summary"]').textContent);
  assert.match(hidden, /all-green hidden/);
  await page.locator('[data-testid="health-hide-green"]').uncheck();
  await waitFor(page, 'green rows back', () => document.querySelectorAll('[data-testid="health-row"][data-state="ok"]').length >= 2);

  // Click the HTML 502 cell: the detail shows the status line, content type and the body as text.
  await page.locator('[data-testid="health-cell"][data-service="legacy"]').first().click();
  const detail = page.locator('[data-testid="health-detail"]');
  await detail.waitFor();
  assert.match(await page.locator('[data-testid="health-detail-status"]').textContent(), /HTTP 502 Bad Gateway/);
  assert.match(await page.locator('[data-testid="health-detail-type"]').textContent(), /text\/html/);
  const body = await page.locator('[data-testid="health-detail-body"]').textContent();
  assert.match(body, /<h1>Bad Gateway<\/h1>/, 'the body is shown as text');
  assert.equal(await detail.locator('h1, script').count(), 0, 'no markup from the body was injected');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  // The hung cell's detail says why.
  await page.locator('[data-testid="health-cell"][data-service="hung"]').first().click();
  await waitFor(page, 'the hung detail', () => document.querySelector('[data-testid="health-detail"]')?.getAttribute('data-service') === 'hung');
  assert.match(await page.locator('[data-testid="health-detail-reason"]').textContent(), /timeout/);
  // The CORS cell's detail gives the proxy hint.
  await page.locator('[data-testid="health-cell"][data-service="nocors"]').first().click();
  await waitFor(page, 'the CORS hint', () => /same-origin proxy/.test(document.querySelector('[data-testid="health-detail-hint"]')?.textContent || ''));
  await page.locator('[data-testid="health-detail-close"]').click();
  await waitFor(page, 'detail closed', () => !document.querySelector('[data-testid="health-detail"]'));

  // The flipping endpoint: its history strip grows with each poll and shows both states.
  await waitFor(page, 'a history strip of 3+ polls for the flipping endpoint', () => {
    const c = document.querySelector('[data-testid="health-cell"][data-service="flip"]');
    const strip = c && c.querySelector('[data-testid="health-strip"]');
    return strip && Number(strip.getAttribute('data-polls')) >= 3;
  });
  // What the strip draws (its own `--hs`, or the one its row carries for cells that show
  // the same): the flipping endpoint's shows both of its states, and no strip is blank.
  await waitFor(page, "the flipping endpoint's strip drawing both states", () => {
    const c = document.querySelector('[data-testid="health-cell"][data-service="flip"]');
    // The computed value has the colours resolved: `linear-gradient(90deg,C 0 P%,…)`.
    const hs = getComputedStyle(c.querySelector('[data-testid="health-strip"]')).getPropertyValue('--hs');
    const colours = hs.replace(/^\s*linear-gradient\(90deg,/, '').split(/ 0 \d+%[,)]/).map((x) => x.trim()).filter((x) => x && x !== 'transparent');
    return new Set(colours).size >= 2;
  });
  const blank = await page.evaluate(() => [...document.querySelectorAll('[data-testid="health-strip"]')]
    .filter((s) => !/^\s*linear-gradient\(/.test(getComputedStyle(s).getPropertyValue('--hs')))
    .map((s) => s.closest('[data-testid="health-cell"]').getAttribute('data-service')));
  assert.deepEqual(blank, [], 'every history strip draws a gradient');
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});

test('health grid: hide_green from the link, demo datasource, unknown datasource', T, async () => {
  const page = await env.newPage();
  env.setDatasources(datasources());
  const board = dashboard(
    'Health options',
    [
      healthPanel('hide', 'Hidden green', ['catalog', 'orders'], { hide_green: true }),
      healthPanel('demo', 'Demo health', [], {}, 'demo'),
      healthPanel('nods', 'Nowhere', ['orders'], {}, 'no-such-datasource'),
    ],
    0,
  );
  await page.goto(jsonLink(env.url, board));
  await waitFor(page, 'orders shown and catalog hidden in the hide_green panel', () => {
    const p = document.querySelector('[data-testid="panel"][data-title="Hidden green"]');
    if (!p) return false;
    const rows = [...p.querySelectorAll('[data-testid="health-row"]')].map((r) => r.getAttribute('data-service'));
    return rows.includes('orders') && !rows.includes('catalog') && p.querySelector('[data-testid="health-hide-green"]').checked;
  });
  await waitFor(page, 'the demo health grid rendered with its services', () => {
    const p = document.querySelector('[data-testid="panel"][data-title="Demo health"]');
    if (!p || p.getAttribute('data-state') !== 'ok') return false;
    const services = new Set([...p.querySelectorAll('[data-testid="health-cell"]')].map((c) => c.getAttribute('data-service')));
    return ['gateway', 'inventory', 'billing', 'postgres'].every((s) => services.has(s));
  });
  const nods = await waitFor(page, 'the unknown datasource panel is an error', () => {
    const p = document.querySelector('[data-testid="panel"][data-title="Nowhere"]');
    return p && p.getAttribute('data-state') === 'error' ? p.textContent : false;
  });
  assert.match(nods, /no-such-datasource/);
  const snap = await waitSettled(page, 3);
  assert.notEqual(snap.overall, 'ok', 'an errored health panel blocks all-green');
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});

test('health grid: a row that changes state moves to its place, failing first, with its own cells', T, async () => {
  // `flip` alternates pass / fail on every poll; `pass-ok` stays green. Rows are kept in
  // panel order by the list and put in page order (failing first) with the fewest moves.
  const page = await env.newPage();
  env.setDatasources(datasources());
  await page.goto(jsonLink(env.url, dashboard('Reorder', [healthPanel('ro', 'Reorder', ['pass-ok', 'flip', 'catalog'])], 1)));
  const seen = new Set();
  const deadline = Date.now() + 30000;
  while (seen.size < 2 && Date.now() < deadline) {
    const rows = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="health-row"]')].map((r) => ({
        service: r.getAttribute('data-service'),
        state: r.getAttribute('data-state'),
        // Every cell inside a row belongs to that row's service.
        own: [...r.querySelectorAll('[data-testid="health-cell"]')].every((c) => c.getAttribute('data-service') === r.getAttribute('data-service')),
      })),
    );
    const flip = rows.find((r) => r.service === 'flip');
    if (rows.length === 3 && flip && ['ok', 'fail'].includes(flip.state)) {
      // Between a poll and the next frame the order may lag one frame: wait for it.
      await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
      const settled = await page.evaluate(() =>
        [...document.querySelectorAll('[data-testid="health-row"]')].map((r) => [r.getAttribute('data-service'), r.getAttribute('data-state')]),
      );
      const ranks = settled.map(([, s]) => RANK[s]);
      assert.deepEqual(ranks, [...ranks].sort((a, b) => b - a), `failing rows first: ${JSON.stringify(settled)}`);
      assert.ok(rows.every((r) => r.own), `cells stay in their rows: ${JSON.stringify(rows)}`);
      const flipNow = settled.find(([s]) => s === 'flip');
      if (flipNow[1] === 'fail') {
        assert.equal(settled[0][0], 'flip', JSON.stringify(settled));
        seen.add('fail');
      } else if (flipNow[1] === 'ok' && settled.every(([, s]) => s === 'ok')) {
        // All green: panel order (pass-ok, flip, catalog).
        assert.deepEqual(settled.map(([s]) => s), ['pass-ok', 'flip', 'catalog']);
        seen.add('ok');
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual([...seen].sort(), ['fail', 'ok'], 'flip was seen both failing (first) and green (in panel order)');
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});
