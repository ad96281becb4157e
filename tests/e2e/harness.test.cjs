'use strict';
// Plumbing: the static server serves the release dist correctly and the wasm app starts
// in headless Chromium without errors. Independent of the dashboard UI.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useSetup, waitFor, TEST_TIMEOUT_MS } = require('./lib/harness.cjs');

const env = useSetup();

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

test('server overrides /datasources.json and proxies a same-origin prefix', { timeout: TEST_TIMEOUT_MS }, async () => {
  const http = require('node:http');
  // A throwaway upstream that echoes what it received.
  const upstream = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.writeHead(418, { 'Content-Type': 'application/json', 'X-Upstream': 'yes' });
      res.end(JSON.stringify({ method: req.method, url: req.url, body, ct: req.headers['content-type'] || null }));
    });
  });
  await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
  const up = `http://127.0.0.1:${upstream.address().port}`;
  try {
    const list = [{ name: 'prom', kind: 'prometheus', url: '/up' }];
    env.setDatasources(list);
    const ds = await fetch(new URL('datasources.json', env.url));
    assert.equal(ds.status, 200);
    assert.match(ds.headers.get('content-type'), /application\/json/);
    assert.deepEqual(await ds.json(), list);

    env.setProxy('/up', up);
    let res = await fetch(new URL('up/api/v1/query?query=sum(rate(x%5B1m%5D))', env.url));
    assert.equal(res.status, 418, 'upstream status passes through');
    assert.equal(res.headers.get('x-upstream'), 'yes');
    assert.deepEqual(await res.json(), { method: 'GET', url: '/api/v1/query?query=sum(rate(x%5B1m%5D))', body: '', ct: null });
    res = await fetch(new URL('up/api/v1/query', env.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'query=up',
    });
    assert.deepEqual(await res.json(), {
      method: 'POST',
      url: '/api/v1/query',
      body: 'query=up',
      ct: 'application/x-www-form-urlencoded',
    });
    assert.equal((await fetch(new URL('upstream-lookalike', env.url))).status, 404, 'only /up and /up/* are proxied');

    // An unreachable upstream answers 502 with a text body, quickly.
    const closed = await new Promise((r) => {
      const s = http.createServer().listen(0, '127.0.0.1', () => {
        const port = s.address().port;
        s.close(() => r(port));
      });
    });
    env.setProxy('/down', `http://127.0.0.1:${closed}`);
    res = await fetch(new URL('down/api/v1/query?query=1', env.url));
    assert.equal(res.status, 502);
    assert.match(await res.text(), /proxy error/);
  } finally {
    env.setDatasources(null);
    env.setProxy('/up', null);
    env.setProxy('/down', null);
    await new Promise((r) => upstream.close(r));
  }
  const ds = await fetch(new URL('datasources.json', env.url));
  assert.equal(ds.status, 200, 'the dist file again after setDatasources(null)');
  await ds.json();
  assert.equal((await fetch(new URL('up/x', env.url))).status, 404, 'proxy removed');
});
