'use strict';
// Shared plumbing for the end-to-end tests: the static server on the release dist, one
// headless Chromium (Debian's /usr/bin/chromium through playwright-core; no browser is
// ever downloaded), error collection and polling helpers that explain what they saw.
//
// Environment: NAPKIN_DIST (release dist, default target/napkin-e2e-dist),
// NAPKIN_CHROMIUM (default /usr/bin/chromium), NAPKIN_E2E_WAIT_MS (default 30000).

const { before, after } = require('node:test');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startServer } = require('./server.cjs');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DIST = process.env.NAPKIN_DIST || path.join(ROOT, 'target', 'napkin-e2e-dist');
const CHROMIUM = process.env.NAPKIN_CHROMIUM || '/usr/bin/chromium';
const WAIT_MS = Number(process.env.NAPKIN_E2E_WAIT_MS || 30000);
const TEST_TIMEOUT_MS = 4 * WAIT_MS;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts the server and the browser once per test file. `options` go to the server
 * (`datasources`, `proxies`: see lib/server.cjs); `env.setDatasources(v)` overrides
 * /datasources.json for the pages opened next (null restores the dist's file).
 */
async function setup(options = {}) {
  const server = await startServer(DIST, options);
  let browser;
  try {
    // playwright-core creates and removes a fresh --user-data-dir itself.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      timeout: 60000,
    });
  } catch (e) {
    await server.close();
    throw e;
  }
  const env = {
    server,
    browser,
    url: server.url,
    setDatasources: server.setDatasources,
    setProxy: server.setProxy,
    /** A new page in a NEW browser context (no shared storage), with error collection. */
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addInitScript({ content: `window.__napkinCanvasStats = ${canvasStatsInPage.toString()};` });
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT_MS);
      page.errors = collectErrors(page);
      return page;
    },
    async teardown() {
      await browser.close().catch(() => {});
      await server.close();
    },
  };
  return env;
}

/**
 * `setup(options)` once for the test file (before its first test, torn down after its last):
 * the returned object is empty until then and holds the same fields as `setup`'s result.
 */
function useSetup(options = {}) {
  const env = {};
  before(async () => {
    Object.assign(env, await setup(options));
  });
  after(async () => {
    if (env.teardown) await env.teardown();
  });
  return env;
}

/** Collects uncaught page errors, crashes and console errors (the normal flow has none). */
function collectErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('crash', () => errors.push('page crashed'));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const where = (m.location() && m.location().url) || '';
    if (/\/favicon\.ico$/.test(where)) return;
    errors.push(`console.error: ${m.text()}${where ? ` (${where})` : ''}`);
  });
  return errors;
}

/** Only uncaught errors and crashes (console errors may be expected, e.g. a failed fetch). */
function uncaught(page) {
  return page.errors.filter((e) => !e.startsWith('console.error'));
}

/**
 * Everything the contract hooks expose, as plain data. Runs in the page.
 * Panels in document order.
 */
function snapshotInPage() {
  const q = (sel, root = document) => root.querySelector(sel);
  const txt = (el) => (el ? (el.textContent || '').trim() : null);
  const visible = (el) => !!el && !el.hidden && el.getClientRects().length > 0;
  const panels = [...document.querySelectorAll('[data-testid="panel"]')].map((p) => {
    const kpi = q('[data-testid="kpi-value"]', p);
    return {
      kind: p.getAttribute('data-kind'),
      title: p.getAttribute('data-title'),
      state: p.getAttribute('data-state'),
      kpi: kpi
        ? {
            value: kpi.getAttribute('data-value'),
            unit: kpi.getAttribute('data-unit'),
            status: kpi.getAttribute('data-status'),
            text: txt(kpi),
          }
        : null,
      charts: [...p.querySelectorAll('canvas[data-testid="chart"]')].map((c) => c.getAttribute('data-series')),
      error: txt(q('[data-testid="panel-error"]', p)),
    };
  });
  const tr = q('[data-testid="time-range"]');
  const overall = q('[data-testid="overall-status"]');
  const linkError = q('[data-testid="link-error"]');
  const shareLink = q('[data-testid="share-link"]');
  return {
    url: location.href.length > 160 ? location.href.slice(0, 160) + '…' : location.href,
    panels,
    time: tr
      ? { from: tr.getAttribute('data-from'), to: tr.getAttribute('data-to'), live: tr.getAttribute('data-live') }
      : null,
    overall: overall ? overall.getAttribute('data-status') : null,
    linkError: linkError && visible(linkError) ? txt(linkError) : null,
    shareLink: shareLink ? shareLink.value : null,
    bodyText: (document.body.innerText || '').trim().slice(0, 300),
  };
}

async function snapshot(page) {
  return page.evaluate(snapshotInPage);
}

/**
 * Polls `predicate(arg)` in the page until it returns a truthy value (returned). On
 * timeout, fails with `what` and the page's contract state, never with a bare timeout.
 */
async function waitFor(page, what, predicate, arg, timeout = WAIT_MS) {
  try {
    const handle = await page.waitForFunction(predicate, arg, { timeout, polling: 100 });
    return await handle.jsonValue();
  } catch (e) {
    let state;
    try {
      state = JSON.stringify(await snapshot(page), null, 1);
    } catch (e2) {
      state = `(no snapshot: ${e2.message})`;
    }
    const errs = page.errors && page.errors.length ? `\npage errors:\n  ${page.errors.join('\n  ')}` : '';
    throw new Error(`timed out after ${timeout} ms waiting for ${what}: ${e.message.split('\n')[0]}\npage state: ${state}${errs}`);
  }
}

/** Waits until at least `min` panels exist and none is loading; returns the snapshot. */
async function waitSettled(page, min = 1, what = `${min}+ panels, none loading`) {
  await waitFor(
    page,
    what,
    (n) => {
      const ps = [...document.querySelectorAll('[data-testid="panel"]')];
      return ps.length >= n && ps.every((p) => ['ok', 'empty', 'error'].includes(p.getAttribute('data-state')));
    },
    min,
  );
  return snapshot(page);
}

/**
 * Pixel statistics of one canvas, read through a 2D copy (works whatever context drew it).
 * Colours are quantised to 4 bits per channel. Runs in the page.
 */
function canvasStatsInPage(canvas) {
  const w = canvas.width;
  const h = canvas.height;
  if (!w || !h) return { w, h, distinct: 0, nonBackground: 0, chromatic: 0 };
  const copy = document.createElement('canvas');
  copy.width = w;
  copy.height = h;
  const ctx = copy.getContext('2d');
  ctx.drawImage(canvas, 0, 0);
  const d = ctx.getImageData(0, 0, w, h).data;
  const counts = new Map();
  let chromatic = 0;
  for (let i = 0; i < d.length; i += 4) {
    const key = ((d[i] >> 4) << 12) | ((d[i + 1] >> 4) << 8) | ((d[i + 2] >> 4) << 4) | (d[i + 3] >> 4);
    counts.set(key, (counts.get(key) || 0) + 1);
    if (d[i + 3] > 128 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 48) chromatic++;
  }
  let background = 0;
  for (const c of counts.values()) background = Math.max(background, c);
  const total = w * h;
  // Colours covering at least 8 pixels: ignores isolated anti-aliasing shades.
  const distinct = [...counts.values()].filter((c) => c >= 8).length;
  return { w, h, distinct, nonBackground: total - background, chromatic };
}

/** Fills an input and fires both `input` and `change` (Leptos may listen to either). */
async function fillInput(page, testid, value) {
  const loc = page.locator(`[data-testid="${testid}"]`);
  await loc.fill(value);
  await loc.dispatchEvent('change');
}

/** `#json=` link for a dashboard object. */
function jsonLink(baseUrl, dashboard) {
  return `${baseUrl}#json=${encodeURIComponent(JSON.stringify(dashboard))}`;
}

module.exports = {
  DIST,
  WAIT_MS,
  TEST_TIMEOUT_MS,
  CHROMIUM_ARGS,
  setup,
  useSetup,
  snapshot,
  snapshotInPage,
  waitFor,
  waitSettled,
  canvasStatsInPage,
  fillInput,
  jsonLink,
  uncaught,
};
