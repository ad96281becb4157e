'use strict';
// A REAL HTTP server of trace backends for the end-to-end tests: 127.0.0.1, a free port,
// CORS *, serving the unchanged upstream payloads of tests/fixtures/upstream/ (a copy of ../shared/fixtures/upstream/) on the
// routes the backends really use, with their real error shapes:
//   /j1/...     Jaeger v1 (no api_v3: /j1/api/v3/* answers 404 text, as Jaeger 1.x does)
//   /j3/...     Jaeger v2 api_v3 (404 {"error":{...}} for "no traces")
//   /tempo/...  Tempo (plain-text errors)
//   /zipkin/... Zipkin API v2
// Usage: const fx = await startTraceFixtures(); fx.url; fx.requests; await fx.close();

const { listenLocal } = require('./server.cjs');
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const UPSTREAM = path.resolve(__dirname, '..', '..', 'fixtures', 'upstream');

function read(name) {
  return fs.readFileSync(path.join(UPSTREAM, name));
}

/** Trace ids of the fixtures, as the tests open them. */
const IDS = {
  j1: '0000000000000001', // jaeger/v1-ui_01.json
  j3: '00000000000000000000000000000001', // jaeger/apiv3-GetTrace.json
  tempo: 'e8b6dff9f8d44b28f1b22bc3bd2f6768', // tempo/trace-by-id-failed-requests.json
  tempoBase64: '6Lbf+fjUSyjxsivDvS9naA==',
  zipkin: '8ce82b2e9ed820ba', // zipkin/smartthings-oauth-authorization.json
};

function startTraceFixtures() {
  const requests = [];
  const v1 = JSON.parse(read('jaeger/v1-ui_01.json'));
  const zipkin = read('zipkin/smartthings-oauth-authorization.json');
  const zipkinSpans = JSON.parse(zipkin);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const p = url.pathname;
    requests.push(p + url.search);
    const cors = { 'Access-Control-Allow-Origin': '*' };
    const send = (status, type, body) => {
      res.writeHead(status, { ...cors, 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    const json = (status, body) => send(status, 'application/json', Buffer.isBuffer(body) ? body : JSON.stringify(body));
    let m;
    // ------------------------------------------------------------- Jaeger v1
    if (p.startsWith('/j1/api/v3/')) return send(404, 'text/plain; charset=utf-8', '404 page not found\n');
    if (p === '/j1/api/services') return json(200, { data: ['service-x', 'service-y'], total: 2, limit: 0, offset: 0, errors: null });
    if ((m = p.match(/^\/j1\/api\/traces\/([0-9a-f]+)$/))) {
      if (m[1].replace(/^0+/, '') === IDS.j1.replace(/^0+/, '')) return json(200, { data: [v1], total: 0, limit: 0, offset: 0, errors: null });
      // Jaeger's query service writes its JSON errors with a text/plain content type.
      return send(404, 'text/plain; charset=utf-8', JSON.stringify({ data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 404, msg: 'trace not found' }] }));
    }
    if (p === '/j1/api/traces') {
      if (!url.searchParams.get('service')) {
        return send(400, 'text/plain; charset=utf-8', JSON.stringify({ data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 400, msg: 'parameter \'service\' is required' }] }));
      }
      return json(200, { data: [v1], total: 0, limit: 0, offset: 0, errors: null });
    }
    // ------------------------------------------------------------- Jaeger api_v3
    if (p === '/j3/api/v3/services') return json(200, read('jaeger/apiv3-GetServices.json'));
    if (p === '/j3/api/v3/operations') return json(200, read('jaeger/apiv3-GetOperations.json'));
    if ((m = p.match(/^\/j3\/api\/v3\/traces\/([0-9a-f]+)$/))) {
      if (m[1] === IDS.j3) return json(200, read('jaeger/apiv3-GetTrace.json'));
      return json(404, { error: { httpCode: 404, message: 'No traces found' } });
    }
    if (p === '/j3/api/v3/traces') return json(200, read('jaeger/apiv3-FindTraces.json'));
    // ------------------------------------------------------------- Tempo
    if ((m = p.match(/^\/tempo\/api\/traces\/([0-9a-fA-F]+)$/))) {
      if (m[1].toLowerCase() === IDS.tempo) return json(200, read('tempo/trace-by-id-failed-requests.json'));
      return send(404, 'text/plain; charset=utf-8', 'trace not found');
    }
    if (p === '/tempo/api/search/tag/service.name/values') return json(200, { tagValues: ['mythical-requester', 'mythical-server'] });
    if (p === '/tempo/api/search') {
      if (url.searchParams.get('q') === '{ bad') return send(400, 'text/plain; charset=utf-8', 'invalid TraceQL query: parse error at line 1, col 3: syntax error: unexpected $end');
      return json(200, {
        traces: [{ traceID: IDS.tempo.replace(/^0+/, ''), rootServiceName: 'mythical-requester', rootTraceName: 'requester', startTimeUnixNano: String(Date.now() * 1e6 - 60e9), durationMs: 3 }],
        metrics: { inspectedBytes: '1000', completedJobs: 1, totalJobs: 1 },
      });
    }
    // ------------------------------------------------------------- Zipkin
    if (p === '/zipkin/api/v2/services') return json(200, ['account', 'auth', 'bouncer']);
    if ((m = p.match(/^\/zipkin\/api\/v2\/trace\/([0-9a-f]+)$/))) {
      if (m[1] === IDS.zipkin) return json(200, zipkin);
      return send(404, 'text/plain; charset=utf-8', `Cannot find trace ${m[1]}`);
    }
    if (p === '/zipkin/api/v2/traces') return json(200, [zipkinSpans]);
    send(404, 'text/plain; charset=utf-8', 'no such fixture route');
  });
  return listenLocal(server, (origin) => ({ url: origin, requests }));
}

/** A synthetic OTLP-JSON trace of `n` spans (a wide, deep tree), as a Buffer. */
/**
 * A synthetic OTLP-JSON trace of `n` spans, deterministic for a given `t0Ms`: a root with 50
 * children, then a 4-ary tree; one span in 1,000 fails. `pad: false` leaves out the 60-byte
 * padding attribute (a 100,000-span file is then about 30 MB instead of 38 MB).
 */
function syntheticOtlp(n, { pad = true, t0Ms = Date.now() } = {}) {
  const traceId = 'abcdef0123456789abcdef0123456789';
  const t0 = BigInt(t0Ms) * 1000000n;
  const sid = (i) => (i + 1).toString(16).padStart(16, '0');
  const parts = [];
  for (let i = 0; i < n; i++) {
    const parent = i === 0 ? '' : sid(i < 50 ? 0 : Math.floor((i - 1) / 4));
    const start = t0 + BigInt(i) * 1000n;
    const end = start + BigInt(1000 + (i % 97) * 2000);
    parts.push(JSON.stringify({
      traceId, spanId: sid(i), parentSpanId: parent, name: `op-${i % 50}`, kind: 2,
      startTimeUnixNano: start.toString(), endTimeUnixNano: end.toString(),
      attributes: [{ key: 'http.route', value: { stringValue: `/api/items/${i % 13}` } }].concat(pad ? [{ key: 'pad', value: { stringValue: 'x'.repeat(60) } }] : []),
      status: i % 1000 === 7 ? { code: 2, message: 'boom' } : {},
    }));
  }
  const body = `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"synthetic"}}]},"scopeSpans":[{"scope":{"name":"gen"},"spans":[${parts.join(',')}]}]}]}`;
  return Buffer.from(body);
}

module.exports = { startTraceFixtures, syntheticOtlp, IDS, UPSTREAM };
