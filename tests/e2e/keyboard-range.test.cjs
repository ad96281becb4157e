'use strict';
// Selecting a time range on a chart by keyboard alone (issue #6: drill down, keyboard and
// accessibility): Tab reaches a chart's plot, the arrow keys move a bucket cursor,
// Shift+arrows select a window of whole buckets, Enter drills into exactly that window as
// a level with a breadcrumb (browser Back returns), Escape clears; the selection is
// described in words on the chart and an axe scan with a selection shown finds no serious
// violation. No mouse is used on the page.

const fs = require('node:fs');
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useSetup, waitFor, waitSettled, uncaught, TEST_TIMEOUT_MS } = require('./lib/harness.cjs');

const T = { timeout: TEST_TIMEOUT_MS };
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
/** At most this many Tab presses to reach a chart (the toolbar and KPI tiles come first). */
const MAX_TABS = 200;

const env = useSetup();

/** The time-range hook's values. */
async function timeRange(page) {
  return page.evaluate(() => {
    const tr = document.querySelector('[data-testid="time-range"]');
    return { from: Number(tr.getAttribute('data-from')), to: Number(tr.getAttribute('data-to')), live: tr.getAttribute('data-live') };
  });
}

/** The breadcrumb texts, in order. */
async function crumbs(page) {
  return page.locator('[data-testid="breadcrumb"]').allInnerTexts();
}

/** Presses Tab until a chart's plot has focus; returns its panel's title. */
async function tabToChart(page) {
  for (let i = 0; i < MAX_TABS; i++) {
    await page.keyboard.press('Tab');
    const title = await page.evaluate(() => {
      const a = document.activeElement;
      return a && a.matches('canvas[data-testid="chart"]') ? a.closest('[data-testid="panel"]').getAttribute('data-title') : null;
    });
    if (title) return title;
  }
  throw new Error(`no chart reached in ${MAX_TABS} Tab presses`);
}

/** The focused chart's selection hook (null when none) and its description for screen readers. */
async function focusedSelection(page) {
  return page.evaluate(() => {
    const chart = document.activeElement;
    const panel = chart.closest('[data-testid="panel"]');
    const sel = panel.querySelector('[data-testid="chart-selection"]');
    const described = document.getElementById(chart.getAttribute('aria-describedby'));
    return {
      sel: sel && { from: Number(sel.getAttribute('data-from-ms')), to: Number(sel.getAttribute('data-to-ms')), input: sel.getAttribute('data-input'), text: sel.textContent.trim() },
      description: described ? described.textContent.trim() : null,
    };
  });
}

/** Waits until the focused chart's selection spans `to - from` = `span` ms. */
async function waitSpan(page, span) {
  await waitFor(
    page,
    `a keyboard selection of ${span} ms`,
    (span) => {
      const sel = document.activeElement.closest('[data-testid="panel"]').querySelector('[data-testid="chart-selection"]');
      return !!sel && Number(sel.getAttribute('data-to-ms')) - Number(sel.getAttribute('data-from-ms')) === span;
    },
    span,
  );
  return focusedSelection(page);
}

test('keyboard only: Tab to a chart, Shift+arrows select buckets, Enter drills into exactly them, Back returns, Escape clears', T, async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  await waitSettled(page, 8);
  const live = await timeRange(page);
  assert.equal(live.live, 'true');

  const title = await tabToChart(page);
  const before = await focusedSelection(page);
  assert.equal(before.sel, null, 'nothing is selected on focus');
  assert.match(before.description, /Shift with the arrows selects a range, Enter drills into it/);

  // End puts the cursor on the last whole bucket: its width is the data's step.
  await page.keyboard.press('End');
  await page.waitForFunction(() => !!document.activeElement.closest('[data-testid="panel"]').querySelector('[data-testid="chart-selection"]'));
  const one = (await focusedSelection(page)).sel;
  const step = one.to - one.from;
  assert.equal(one.input, 'keyboard');
  assert.ok(step >= 1000 && one.to % step === 0, `an aligned bucket: ${JSON.stringify(one)}`);
  assert.ok(one.from >= live.from && one.to <= live.to, `inside the range: ${JSON.stringify({ one, live })}`);
  // The values at the cursor show as they do under a mouse pointer.
  await waitFor(page, 'the readout at the keyboard cursor', () => {
    const r = document.activeElement.closest('[data-testid="panel"]').querySelector('.nk-readout');
    return !!r && r.querySelectorAll('.nk-readout-row').length > 0;
  });

  // Shift+Left three times: four buckets ending at the same place.
  for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowLeft');
  const four = await waitSpan(page, 4 * step);
  assert.equal(four.sel.to, one.to);
  // Dates are shown only when the window crosses midnight UTC (a run near midnight).
  assert.match(four.sel.text, /^Enter to drill into (\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d–(\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d UTC$/);
  assert.match(four.description, /^Selected (\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d–(\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d UTC \(4 buckets of \w+\)\. Enter drills into it; Escape clears it\.$/);

  // Escape clears the selection (and nothing else happens).
  await page.keyboard.press('Escape');
  await waitFor(page, 'the selection cleared', () => !document.querySelector('[data-testid="chart-selection"]'));
  assert.match((await focusedSelection(page)).description, /^Keyboard:/);
  assert.deepEqual(await crumbs(page), []);

  // Left moves the cursor alone; Shift+Left twice then selects three buckets before the last.
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await waitFor(page, 'the cursor one bucket back', (to) => {
    const sel = document.querySelector('[data-testid="chart-selection"]');
    return !!sel && Number(sel.getAttribute('data-to-ms')) === to;
  }, one.to - step);
  for (let i = 0; i < 2; i++) await page.keyboard.press('Shift+ArrowLeft');
  const chosen = (await waitSpan(page, 3 * step)).sel;
  assert.deepEqual([chosen.from, chosen.to], [one.to - 4 * step, one.to - step]);

  await page.keyboard.press('Enter');
  const label = chosen.text.replace('Enter to drill into ', '');
  await waitFor(page, 'the zoomed level', () => document.querySelectorAll('[data-testid="breadcrumb"]').length === 2);
  const c = await crumbs(page);
  assert.equal(c[1].trim(), `Shop overview · ${label}`, JSON.stringify(c));
  const zoomed = await timeRange(page);
  assert.deepEqual(zoomed, { from: chosen.from, to: chosen.to, live: 'false' }, 'the level is exactly the selected buckets');
  await waitSettled(page, 8);
  assert.ok((await page.evaluate(() => document.body.innerText)).includes(title), 'the same dashboard, zoomed');

  await page.goBack();
  await waitFor(page, 'the top level again', () => document.querySelectorAll('[data-testid="breadcrumb"]').length === 0);
  await waitFor(page, 'the live range again', () => document.querySelector('[data-testid="time-range"]').getAttribute('data-live') === 'true');
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});

test('the ? overlay lists the chart keys; a chart with a keyboard selection passes an axe scan; arrows on a chart scroll nothing', T, async () => {
  const page = await env.newPage();
  await page.goto(env.url);
  await waitSettled(page, 8);
  await page.keyboard.press('?');
  await waitFor(page, 'the shortcut overlay', () => !!document.querySelector('[data-testid="shortcuts-help"]'));
  const keys = await page.$$eval('[data-testid="shortcut"][data-scope="chart"]', (rows) => rows.map((r) => r.getAttribute('data-keys')));
  for (const k of ['← / →', 'Shift+← / Shift+→', 'Enter (on a chart)', 'Esc (on a chart)']) assert.ok(keys.includes(k), `${k} in ${JSON.stringify(keys)}`);
  await page.keyboard.press('Escape');
  await waitFor(page, 'the overlay closed', () => !document.querySelector('[data-testid="shortcuts-help"]'));

  await tabToChart(page);
  const scrollY = await page.evaluate(() => window.scrollY);
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('PageUp');
  await page.keyboard.press('Shift+PageDown');
  await waitFor(page, 'a keyboard selection', () => {
    const sel = document.querySelector('[data-testid="chart-selection"]');
    return !!sel && sel.getAttribute('data-input') === 'keyboard';
  });
  const { sel } = await focusedSelection(page);
  assert.equal(await page.evaluate(() => window.scrollY), scrollY, 'the keys moved the selection, not the page');
  // Page Up went ten buckets back (dropping the anchor); Shift+Page Down selected those eleven buckets.
  const step = (sel.to - sel.from) / 11;
  assert.ok(Number.isInteger(step) && step >= 1000, JSON.stringify(sel));

  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  const live = await page.evaluate(() =>
    [...document.querySelectorAll('[aria-live], [role="status"], [role="alert"], [role="log"], [role="timer"], output')].map((e) => e.getAttribute('data-testid')),
  );
  assert.deepEqual(live, ['overall-status'], 'the banner stays the only live region');
  assert.deepEqual(uncaught(page), []);
  await page.context().close();
});
