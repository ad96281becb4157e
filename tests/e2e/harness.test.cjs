'use strict';
// Plumbing: the static server serves the release dist correctly and the wasm app starts
// in headless Chromium without errors. Independent of the dashboard UI.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { setup, waitFor, TEST_TIMEOUT_MS } = require('./lib/harness.cjs');

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  if (env) await env.teardown();
});

test('server serves index.html, the wasm with application/wasm, and 404s', { timeout: TEST_TIMEOUT_MS }, async () => {
  const index = await fetch(env.url);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type'), /text\/html/);
  const html = await index.text();
  const wasm = html.match(/["']([^"']+_bg\.wasm)["']/);
  assert.ok(wasm, `index.html references no *_bg.wasm:\n${html}`);
  const res = await fetch(new URL(wasm[1], env.url));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/wasm');
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'wasm magic number');
  assert.equal((await fetch(new URL('no-such-file', env.url))).status, 404);
  assert.equal((await fetch(new URL('../../etc/passwd', env.url))).status, 404);
  const ds = await fetch(new URL('datasources.json', env.url));
  assert.equal(ds.status, 200, 'index.html must copy public/datasources.json into the dist');
  await ds.json(); // valid JSON
});

test('the app starts in headless Chromium with no uncaught errors', { timeout: TEST_TIMEOUT_MS }, async () => {
  const page = await env.newPage();
  const wasmResponse = page.waitForResponse((r) => r.url().endsWith('.wasm'));
  await page.goto(env.url);
  const res = await wasmResponse;
  assert.equal(res.status(), 200);
  // Something beyond <noscript>/<script>/<link> is mounted into <body>.
  await waitFor(page, 'the app to mount into <body>', () =>
    [...document.body.children].some((el) => !['NOSCRIPT', 'SCRIPT', 'LINK', 'STYLE'].includes(el.tagName)) &&
    document.body.innerText.trim().length > 0,
  );
  assert.deepEqual(page.errors, [], 'no page errors or console errors while starting');
  await page.context().close();
});
