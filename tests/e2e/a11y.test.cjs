'use strict';
// Accessibility (issue #6, part 5): an axe-core scan of the demo dashboard in the light and
// dark themes, on a desktop and a phone viewport, must find no serious or critical
// violation; the banner is the page's only live region; reduced motion stops animations.

const fs = require('node:fs');
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useSetup, waitFor, waitSettled, uncaught, WAIT_MS, TEST_TIMEOUT_MS } = require('./lib/harness.cjs');

const T = { timeout: TEST_TIMEOUT_MS };
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
};

const env = useSetup();

/** The demo dashboard, settled, in a fresh context with the given theme and size. */
async function openDemo(theme, size, extra = {}) {
  const context = await env.browser.newContext({ ...VIEWPORTS[size], colorScheme: theme, ...extra });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  await page.goto(env.url);
  await waitFor(page, 'the demo dashboard', () => document.body.innerText.includes('Shop overview'));
  await waitSettled(page, 4);
  await waitFor(page, 'a painted chart summary', () =>
    [...document.querySelectorAll('canvas[data-testid="chart"]')].some((c) => /^Chart, \d+ series/.test(c.getAttribute('aria-label') || '')),
  );
  return page;
}

/** Runs axe-core in the page; returns the serious and critical violations, summarised. */
async function seriousViolations(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} — ${n.failureSummary.split('\n').slice(0, 2).join(' ')}`),
      count: v.nodes.length,
    }));
  });
  const minor = result.filter((v) => !['serious', 'critical'].includes(v.impact));
  if (minor.length) console.log(`axe (not failing): ${minor.map((v) => `${v.id} [${v.impact}] ×${v.count}`).join(', ')}`);
  return result.filter((v) => ['serious', 'critical'].includes(v.impact));
}

for (const theme of ['light', 'dark']) {
  for (const size of ['desktop', 'phone']) {
    test(`axe: no serious or critical violations, ${theme} theme, ${size}`, T, async () => {
      const page = await openDemo(theme, size);
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, theme === 'dark' ? 'rgb(17, 19, 23)' : 'rgb(244, 245, 247)', 'the theme is applied');
      if (size === 'phone') {
        await page.locator('[data-testid="menu-toggle"]').tap();
      }
      const violations = await seriousViolations(page);
      assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
      assert.deepEqual(uncaught(page), []);
      await page.context().close();
    });
  }
}

for (const [theme, size] of [['light', 'desktop'], ['dark', 'phone']]) {
  test(`axe: the Incident board template (health grid, trace search), ${theme} theme, ${size}`, T, async () => {
    const page = await openDemo(theme, size);
    if (size === 'phone') await page.locator('[data-testid="menu-toggle"]').tap();
    await page.locator('[data-testid="library"]').click();
    await page.locator('[data-testid="new-template-incident-board"]').click();
    await waitFor(page, 'the Incident board with a health grid and a trace search', () => {
      const kinds = [...document.querySelectorAll('[data-testid="panel"]')].map((p) => p.getAttribute('data-kind'));
      return kinds.includes('health_grid') && kinds.includes('trace_search');
    });
    await waitSettled(page, 4);
    const violations = await seriousViolations(page);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
    assert.deepEqual(uncaught(page), []);
    await page.context().close();
  });
}

for (const theme of ['light', 'dark']) {
  test(`axe: a trace waterfall opened from the Incident board; / focuses its find box (${theme}, desktop)`, T, async () => {
    const page = await openDemo(theme, 'desktop');
    await page.locator('[data-testid="library"]').click();
    await page.locator('[data-testid="new-template-incident-board"]').click();
    await page.locator('[data-testid="trace-result"] button').first().click();
    await page.locator('[data-testid="waterfall"]').first().waitFor();
    await waitFor(page, 'span rows', () => document.querySelectorAll('.nk-span-row').length > 2);
    await page.locator('[data-testid="overall-status"]').click();
    await page.keyboard.press('/');
    await waitFor(page, '/ to focus the trace find box', () => document.activeElement && document.activeElement.getAttribute('data-testid') === 'trace-find');
    const violations = await seriousViolations(page);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
    assert.deepEqual(uncaught(page), []);
    await page.context().close();
  });
}

test('axe: the shortcut overlay and a chart table pass too (light, desktop)', T, async () => {
  const page = await openDemo('light', 'desktop');
  await page.locator('[data-testid="chart-table-toggle"]').first().click();
  await page.locator('[data-testid="chart-table"]').first().waitFor();
  await page.locator('[data-testid="overall-status"]').click();
  await page.keyboard.press('?');
  await page.locator('[data-testid="shortcuts-help"]').waitFor();
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  await page.context().close();
});

test('the banner is the only live region; charts are images with summaries', T, async () => {
  const page = await openDemo('light', 'desktop');
  const live = await page.evaluate(() =>
    [...document.querySelectorAll('[aria-live], [role="status"], [role="alert"], [role="log"], [role="marquee"], [role="timer"], output')].map(
      (e) => e.getAttribute('data-testid') || e.className,
    ),
  );
  assert.deepEqual(live, ['overall-status']);
  const charts = await page.$$eval('canvas[data-testid="chart"]', (cs) => cs.map((c) => [c.getAttribute('role'), c.getAttribute('aria-label')]));
  assert.ok(charts.length >= 1);
  for (const [role, label] of charts) {
    assert.equal(role, 'img');
    assert.match(label, /^Chart, \d+ series/);
  }
  await page.context().close();
});

test('prefers-reduced-motion stops animations and transitions', T, async () => {
  const styleOf = async (reducedMotion) => {
    const page = await openDemo('light', 'desktop', { reducedMotion });
    const s = await page.evaluate(() => {
      const probe = document.createElement('span');
      probe.className = 'nk-spinner';
      document.querySelector('.nk-panel-head').appendChild(probe);
      const cs = getComputedStyle(probe);
      const out = { animation: cs.animationName, transition: cs.transitionDuration };
      probe.remove();
      return out;
    });
    await page.context().close();
    return s;
  };
  const normal = await styleOf('no-preference');
  assert.notEqual(normal.animation, 'none', 'the spinner animates normally (so the check can fail)');
  const reduced = await styleOf('reduce');
  assert.equal(reduced.animation, 'none');
  assert.match(reduced.transition, /^0s/);
});
