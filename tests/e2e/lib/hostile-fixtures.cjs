'use strict';
// Backends whose data is hostile, for tests/e2e/hardening-hostile.test.cjs: node:http on
// 127.0.0.1 and a free port, CORS *. Every string the app may render comes from
// `payloads(category)`: markup, <script>, an <img onerror>, an <svg onload>, a javascript:
// URL, an RTL override (U+202E), a NUL byte, and one 100 KB unbroken word.
//
//   const fx = await startHostileFixtures(); fx.url; await fx.close();
//
// Routes:
//   /prom/api/v1/query_range         a matrix whose series have hostile __name__ and label values
//   /prom/api/v1/status/buildinfo    a normal buildinfo
//   /zipkin/api/v2/trace/<id>        three spans with hostile service names, span names, tag keys and values
//   /health/list                     the simple list format with hostile check names

const http = require('node:http');
const { listenLocal } = require('./server.cjs');

const TRACE_ID = 'abcdef0123456789';
const SPAN_IDS = ['1111111111111111', '2222222222222222', '3333333333333333'];

/** The hostile strings of one category (a word used as a marker and in the canary). */
function payloads(cat) {
  return {
    markup: `<b>${cat}</b><i>x</i>`,
    script: `<script>window.__pwned='${cat}-script'</script>`,
    img: `"><img src=x onerror="window.__pwned='${cat}-img'">`,
    svg: `<svg onload="window.__pwned='${cat}-svg'"><image href=x onerror="window.__pwned='${cat}-svgimg'"/></svg>`,
    js: `javascript:window.__pwned='${cat}-href'`,
    rtl: `${cat}\u202Egnp.exe`,
    nul: `${cat}\u0000nul`,
    big: `${cat}-` + 'W'.repeat(100 * 1024),
  };
}

/** Every payload of a category joined into one string (for single-slot fields). */
function joined(cat) {
  const p = payloads(cat);
  return [p.markup, p.script, p.img, p.svg, p.js, p.rtl, p.nul].join(' ');
}

function startHostileFixtures() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const p = url.pathname;
    const cors = { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store' };
    const json = (status, body) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...cors });
      res.end(text);
    };
    if (p === '/prom/api/v1/status/buildinfo') return json(200, { status: 'success', data: { version: '2.42.0' } });
    if (p === '/prom/api/v1/query_range') {
      const q = req.method === 'GET' ? url.searchParams : null;
      const end = Math.floor(Number((q && q.get('end')) || Date.now() / 1000));
      const step = 60;
      const values = [];
      for (let t = end - 600; t <= end; t += step) values.push([t, '1']);
      const lv = payloads('label');
      const mn = payloads('metric');
      const result = Object.entries(lv).map(([k, v], i) => ({
        metric: { __name__: Object.values(mn)[i % Object.values(mn).length], [`k${k}`]: v },
        values: values.map(([t, x]) => [t, String(Number(x) + i)]),
      }));
      // Series with nothing but a name: the legend shows the (hostile) metric name.
      for (const name of [mn.markup, mn.script, mn.img, mn.svg]) result.push({ metric: { __name__: name }, values });
      return json(200, { status: 'success', data: { resultType: 'matrix', result } });
    }
    if (p === `/zipkin/api/v2/trace/${TRACE_ID}`) {
      const now = Date.now() * 1000;
      const sp = payloads('span');
      const ak = payloads('attrkey');
      const av = payloads('attrvalue');
      const sv = payloads('service');
      const tags = {};
      Object.keys(ak).forEach((k, i) => (tags[ak[k]] = Object.values(av)[i]));
      return json(200, [
        { traceId: TRACE_ID, id: SPAN_IDS[0], name: joined('span'), timestamp: now - 5e6, duration: 4e6, kind: 'SERVER', localEndpoint: { serviceName: sv.js }, tags },
        { traceId: TRACE_ID, parentId: SPAN_IDS[0], id: SPAN_IDS[1], name: sp.big, timestamp: now - 4e6, duration: 2e6, localEndpoint: { serviceName: sv.img }, tags: { [ak.big]: av.big } },
        { traceId: TRACE_ID, parentId: SPAN_IDS[0], id: SPAN_IDS[2], name: sp.rtl, timestamp: now - 3e6, duration: 1e6, localEndpoint: { serviceName: joined('service') }, tags: { error: 'true', [ak.nul]: av.nul } },
      ]);
    }
    if (p === '/health/list') {
      const now = new Date().toISOString();
      const h = payloads('check');
      return json(
        200,
        Object.values(h).map((name, i) => ({ Name: name, Status: i % 2 ? 'OK' : 'TIMEOUT', StatusTime: now })),
      );
    }
    res.writeHead(404, { 'Content-Type': 'text/plain', ...cors }).end(`no fixture at ${p}`);
  });
  return listenLocal(server, (origin, port) => ({
    url: origin,
    port,
  }));
}

module.exports = { startHostileFixtures, payloads, joined, TRACE_ID, SPAN_IDS };
