'use strict';
// Comfort at 2 a.m. (issue #6, part 5): the `?` shortcut overlay and Esc, shortcuts that
// stay out of text fields, the phone layout (one column, worst status first, 44 px tap
// targets, header controls behind a menu), the banner's wording, and a chart's
// "Show as table" toggle.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { setup, waitFor, jsonLink, uncaught, WAIT_MS, TEST_TIMEOUT_MS } = require('./lib/harness.cjs');

const T = { timeout: TEST_TIMEOUT_MS };
const PHONE = { width: 390, height: 844 };

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  if (env) await env.teardown();
});

const rate = (by = []) => ({ kind: 'metric', spec: { metric: 'shop_http_requests_total', fn: 'rate', agg: 'sum', by } });
function kpi(id, title, thresholds) {
  const spec = { query: rate(), unit: 'req_per_sec' };
  if (thresholds) spec.thresholds = thresholds;
  return { id, title, datasource: 'demo', kind: 'kpi', spec };
}
function chart(id, title) {
  return { id, title, datasource: 'demo', kind: 'timeseries', spec: { queries: [rate(['service'])], unit: 'req_per_sec' } };
}
// The demo shop always serves some requests, so a rate "above 0.000001" fails and a rate
// "below 1e12" is green.
const FAIL = { direction: 'above', fail: 0.000001 };
const WARN = { direction: 'above', warn: 0.000001, fail: 1e12 };
const GREEN = { direction: 'above', warn: 1e11, fail: 1e12 };

/** Green first, the failing tile last in the spec; the phone shows it first. */
const BOARD = {
  version: 1,
  title: 'Comfort board',
  time: { kind: 'relative', spec: { last_s: 3600 } },
  panels: [
    kpi('green', 'Green tile', GREEN),
    chart('traffic', 'Traffic by service'),
    kpi('plain', 'Plain tile'),
    kpi('warned', 'Warning tile', WARN),
    kpi('failed', 'Failing tile', FAIL),
  ],
};

/** A page in a fresh context of the given size (phone: touch and a mobile viewport). */
async function open(dashboard, { phone = false } = {}) {
  const context = await env.browser.newContext(
    phone ? { viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : { viewport: { width: 1280, height: 900 } },
  );
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  await page.goto(jsonLink(env.url, dashboard));
  await waitFor(page, `${dashboard.panels.length} panels`, (n) => document.querySelectorAll('[data-testid="panel"]').length === n, dashboard.panels.length);
  return page;
}

async function waitStatuses(page) {
  await waitFor(page, 'the failing and warning tiles judged', () => {
    const status = (title) => {
      const p = document.querySelector(`[data-testid="panel"][data-title="${title}"] [data-testid="kpi-value"]`);
      return p && p.getAttribute('data-status');
    };
    return status('Failing tile') === 'fail' && status('Warning tile') === 'warn' && status('Green tile') === 'ok';
  });
}

const helpOpen = (page) => page.evaluate(() => !!document.querySelector('[data-testid="shortcuts-help"]'));
const editorOpen = (page) => page.evaluate(() => !!document.querySelector('[data-testid="editor-cancel"]'));

test('? opens the shortcut overlay listing the table, Esc closes it; n, e, g h, t, r and s act', T, async () => {
  const page = await open(BOARD);
  await page.locator('[data-testid="overall-status"]').click();
  assert.equal(await helpOpen(page), false);
  await page.keyboard.press('?');
  await waitFor(page, 'the shortcut help overlay', () => !!document.querySelector('[data-testid="shortcuts-help"]'));
  const keys = await page.$$eval('[data-testid="shortcuts-help"] [data-testid="shortcut"]', (rows) => rows.map((r) => r.getAttribute('data-keys')));
  for (const k of ['?', 'Esc', 'r', 't', 'e', 'n', 's', 'g then h', '/', 'Ctrl+Z']) {
    assert.ok(keys.includes(k), `the overlay lists ${k}: ${JSON.stringify(keys)}`);
  }
  await page.keyboard.press('Escape');
  await waitFor(page, 'the overlay to close on Esc', () => !document.querySelector('[data-testid="shortcuts-help"]'));

  // The toolbar's ? button opens it too; focus moves into the overlay and comes back.
  await page.locator('[data-testid="shortcuts-button"]').click();
  await waitFor(page, 'focus inside the overlay', () => !!(document.activeElement && document.activeElement.closest('[data-testid="shortcuts-help"]')));
  await page.keyboard.press('Escape');
  await waitFor(page, 'focus back on the ? button', () => !document.querySelector('[data-testid="shortcuts-help"]') && document.activeElement.getAttribute('data-testid') === 'shortcuts-button');

  // `n` is the Add panel button; Esc closes the editor it opened.
  await page.keyboard.press('n');
  await waitFor(page, 'the panel editor opened by n', () => !!document.querySelector('[data-testid="editor-cancel"]'));
  await page.locator('[data-testid="overall-status"]').click();
  await page.keyboard.press('Escape');
  await waitFor(page, 'the editor to close on Esc', () => !document.querySelector('[data-testid="editor-cancel"]'));

  // `e` edits the panel holding focus (here through its move handle), titled in the editor.
  await page.locator('[data-testid="panel"][data-title="Plain tile"] [data-testid="panel-move"]').focus();
  await page.keyboard.press('e');
  await waitFor(page, 'the editor for the focused panel', () => {
    const inputs = [...document.querySelectorAll('input')];
    return !!document.querySelector('[data-testid="editor-cancel"]') && inputs.some((i) => i.value === 'Plain tile');
  });
  await page.locator('[data-testid="editor-cancel"]').click();
  await waitFor(page, 'the editor to close', () => !document.querySelector('[data-testid="editor-cancel"]'));

  // `g` then `h` opens the Recent list; `t` focuses the time picker.
  await page.keyboard.press('g');
  await page.keyboard.press('h');
  await waitFor(page, 'the Recent menu opened by g h', () => !!document.querySelector('[data-testid="library-menu"]'));
  await page.keyboard.press('Escape');
  await waitFor(page, 'Esc to close the Recent menu', () => !document.querySelector('[data-testid="library-menu"]'));
  await page.locator('[data-testid="overall-status"]').click();
  await page.keyboard.press('t');
  await waitFor(page, 'focus on the time picker', () => document.activeElement && document.activeElement.getAttribute('data-testid') === 'time-preset');

  // `r` refreshes: the relative range moves to the current instant (auto-refresh is off).
  const to = Number(await page.getAttribute('[data-testid="time-range"]', 'data-to'));
  await waitFor(page, 'the clock to pass the range end', (t) => Date.now() > t + 20, to);
  await page.locator('[data-testid="overall-status"]').click();
  await page.keyboard.press('r');
  await waitFor(page, 'r to move the range end', (t) => Number(document.querySelector('[data-testid="time-range"]').getAttribute('data-to')) > t, to);

  // `s` shares.
  await page.keyboard.press('s');
  await waitFor(page, 's to make a share link', () => !!document.querySelector('[data-testid="share-link"]'));
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});

test('shortcuts never fire while typing in a field', T, async () => {
  const page = await open(BOARD);
  const field = page.locator('[data-testid="time-from"]');
  await field.click();
  await field.press('End');
  await page.keyboard.type('?n/g');
  assert.equal(await helpOpen(page), false, '? typed into a field opens no overlay');
  assert.equal(await editorOpen(page), false, 'n typed into a field opens no editor');
  const typed = await field.inputValue();
  assert.ok(typed.endsWith('?n/g'), `the field got the keys: ${typed}`);
  // The same key outside the field does fire (so the test above can fail).
  await page.locator('[data-testid="overall-status"]').click();
  await page.keyboard.press('?');
  await waitFor(page, 'the overlay opened from the page', () => !!document.querySelector('[data-testid="shortcuts-help"]'));
  await page.context().close();
});

test('the banner names what is not green, or says All N checks green', T, async () => {
  const page = await open(BOARD);
  await waitStatuses(page);
  const text = await page.locator('[data-testid="overall-status"]').innerText();
  assert.match(text, /1 failing: Failing tile/, text);
  assert.match(text, /1 warning: Warning tile/, text);
  assert.equal(await page.getAttribute('[data-testid="overall-status"]', 'data-status'), 'fail');
  await page.context().close();

  const green = await open({ ...BOARD, panels: [kpi('a', 'A', GREEN), kpi('b', 'B', GREEN), kpi('c', 'C')] });
  await waitFor(green, 'the all-green banner', () =>
    /All 2 checks green/.test(document.querySelector('[data-testid="overall-status"]').textContent),
  );
  assert.equal(await green.getAttribute('[data-testid="overall-status"]', 'data-status'), 'ok');
  await green.context().close();
});

test('phone: one full-width column, worst status first, 44 px tap targets, header menu', T, async () => {
  const page = await open(BOARD, { phone: true });
  await waitStatuses(page);
  const boxes = await page.$$eval('[data-testid="panel"]', (ps) =>
    ps.map((p) => {
      const r = p.getBoundingClientRect();
      return { title: p.getAttribute('data-title'), x: r.x, y: r.y, w: r.width };
    }),
  );
  const xs = new Set(boxes.map((b) => Math.round(b.x)));
  assert.equal(xs.size, 1, `all panels start at the same x: ${JSON.stringify(boxes)}`);
  for (const b of boxes) assert.ok(b.w >= PHONE.width * 0.9, `${b.title} is full width (${b.w} px)`);
  const order = [...boxes].sort((a, b) => a.y - b.y).map((b) => b.title);
  assert.deepEqual(order, ['Failing tile', 'Warning tile', 'Green tile', 'Traffic by service', 'Plain tile'], 'worst first, stable otherwise');
  const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no sideways scrolling (${overflow} px too wide)`);

  // Header controls are behind the menu button until it is tapped.
  assert.equal(await page.locator('[data-testid="add-panel"]').isVisible(), false, 'Add panel is in the menu');
  await page.locator('[data-testid="menu-toggle"]').tap();
  await waitFor(page, 'the menu to open', () => {
    const b = document.querySelector('[data-testid="add-panel"]');
    return b && b.getClientRects().length > 0;
  });

  const small = await page.evaluate(() => {
    const sel = 'button, select, a[href], label.nk-button, input:not([type="checkbox"]):not([type="radio"]):not([type="file"]):not([type="hidden"])';
    return [...document.querySelectorAll(sel)]
      .filter((e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
      .map((e) => {
        const r = e.getBoundingClientRect();
        return { what: e.getAttribute('data-testid') || e.className || e.tagName, w: Math.round(r.width), h: Math.round(r.height) };
      })
      .filter((b) => b.w < 44 || b.h < 44);
  });
  assert.deepEqual(small, [], 'every visible control is at least 44 × 44 px');
  const count = await page.evaluate(
    () => document.querySelectorAll('button, select, a[href], label.nk-button').length,
  );
  assert.ok(count >= 10, `the check saw the controls (${count})`);
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});

test('a chart is an image with a text summary and shows its data as a table', T, async () => {
  const page = await open(BOARD);
  const panel = page.locator('[data-testid="panel"][data-title="Traffic by service"]');
  await waitFor(page, 'the chart with 2+ series', () => {
    const c = document.querySelector('[data-testid="panel"][data-title="Traffic by service"] canvas[data-testid="chart"]');
    return c && Number(c.getAttribute('data-series')) >= 2;
  });
  const canvas = panel.locator('canvas[data-testid="chart"]');
  const series = Number(await canvas.getAttribute('data-series'));
  assert.equal(await canvas.getAttribute('role'), 'img');
  const label = await canvas.getAttribute('aria-label');
  assert.ok(label.startsWith(`Chart, ${series} series, unit req/s.`), label);
  assert.match(label, /last .* req\/s, min .* max /, label);

  assert.equal(await panel.locator('[data-testid="chart-table"]').count(), 0, 'no table until asked');
  await panel.locator('[data-testid="chart-table-toggle"]').click();
  const table = panel.locator('[data-testid="chart-table"]');
  await table.waitFor();
  const shape = await table.evaluate((t) => ({
    headers: [...t.querySelectorAll('thead th')].map((h) => h.textContent),
    rows: [...t.querySelectorAll('tbody tr')].map((r) => r.querySelectorAll('td').length),
  }));
  assert.equal(shape.headers.length, series + 1, `a time column and one per series: ${JSON.stringify(shape.headers)}`);
  assert.match(shape.headers[0], /^Time \(UTC/);
  assert.ok(shape.rows.length > 2 && shape.rows.length <= 60, `decimated rows: ${shape.rows.length}`);
  assert.ok(shape.rows.every((n) => n === series + 1), 'every row has a cell per column');
  assert.equal(await panel.locator('[data-testid="chart-table-toggle"]').innerText(), 'Hide table');
  await panel.locator('[data-testid="chart-table-toggle"]').click();
  await waitFor(page, 'the table to hide', () => !document.querySelector('[data-testid="chart-table"]'));
  await page.context().close();
});

test('the theme follows the system preference until one is chosen', T, async () => {
  const backgrounds = {};
  for (const scheme of ['light', 'dark']) {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    await page.goto(jsonLink(env.url, BOARD));
    await waitFor(page, 'the app', () => !!document.querySelector('[data-testid="overall-status"]'));
    backgrounds[scheme] = await page.evaluate(() => {
      const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
      return { luminance: (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255, theme: document.documentElement.getAttribute('data-theme') };
    });
    await context.close();
  }
  assert.equal(backgrounds.light.theme, 'system');
  assert.ok(backgrounds.light.luminance > 0.8, `light system, light page: ${JSON.stringify(backgrounds)}`);
  assert.ok(backgrounds.dark.luminance < 0.2, `dark system, dark page: ${JSON.stringify(backgrounds)}`);
});
