'use strict';
// A Prometheus-API fixture that misbehaves on purpose, for tests/e2e/hardening.test.cjs:
// node:http on 127.0.0.1 and a free port, every answer with `Access-Control-Allow-Origin: *`.
// The first path segment picks the behaviour; the rest must be the query_range route
// (`/api/v1/status/buildinfo` always answers normally, for the datasource status line):
//
//   const bad = await startBadBackend(); bad.url; bad.heal(); bad.hits('hang'); await bad.close();
//   datasource url: `${bad.url}/<mode>`  →  requests to /<mode>/api/v1/query_range?...
//
// Modes (while broken; once healed, every mode answers like `ok`):
//   ok          a valid matrix answer: one series `up{mode="<mode>"}` covering start..end
//   drip        200 + headers at once, then one byte of a valid answer every 400 ms (never
//               completes within any sane timeout)
//   hang        accepts the request and never answers
//   reset       destroys the connection without answering (connection reset)
//   html500     HTTP 500 with an HTML error page (with a <script> that must never run)
//   truncated   200 application/json, the first half of a valid answer, then the end
//   huge        200 application/json, 256 MB streamed in 64 KiB chunks with no
//               Content-Length (the client must stop reading; `requests('huge')` tells).
//               8 times Napkin's 32 MB cap: the kernel's and the browser's buffers (a few
//               MB) can never let the server finish it, however slowly the page reads, so
//               a completed answer means the client read past its cap
//   hugedecl    50 MB announced by Content-Length (refused before reading)
//   wrongtype   200 text/plain: the Prometheus text exposition format (/metrics), not JSON
//   wrongshape  200 application/json that is JSON but not a Prometheus API answer
//   redirect    302 to itself, forever (the browser gives up after 20)
//
// Bounds: every held-open response (drip, hang, huge) ends after HOLD_MS at the latest or
// when the client goes away; close() destroys every socket.

const http = require('node:http');
const { listenLocal } = require('./server.cjs');

const HOLD_MS = 60000;
const HUGE_BYTES = 50 * 1024 * 1024;
const HUGE_STREAM_BYTES = 256 * 1024 * 1024;
const CHUNK = 64 * 1024;
const MODES = ['ok', 'drip', 'hang', 'reset', 'html500', 'truncated', 'huge', 'hugedecl', 'wrongtype', 'wrongshape', 'redirect'];

/** A Prometheus `query_range` answer with one series over the requested range. */
function matrix(mode, query) {
  const start = Number(query.get('start'));
  const end = Number(query.get('end'));
  const step = Math.max(1, Number(query.get('step')) || 15);
  const values = [];
  if (Number.isFinite(start) && Number.isFinite(end)) {
    const first = Math.ceil(start / step) * step;
    // At most 11,000 points, like Prometheus itself.
    for (let t = first, n = 0; t <= end && n < 11000; t += step, n++) values.push([t, String(1 + (t % 7))]);
  }
  return JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: { __name__: 'up', mode }, values }] } });
}

function startBadBackend() {
  const hits = new Map();
  const sent = new Map(); // mode -> body bytes written (all requests)
  const open = new Map(); // mode -> requests not yet finished
  const log = []; // { mode, bytes, complete } per request, oldest first (the last 1,000)
  let healed = false;
  const count = (map, mode, n) => map.set(mode, (map.get(mode) || 0) + n);

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const parts = url.pathname.split('/').filter(Boolean);
    const mode = parts[0] || '';
    const cors = { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store' };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': 'GET, POST' }).end();
      return;
    }
    const route = parts.slice(1).join('/');
    if (MODES.includes(mode) && route === 'api/v1/status/buildinfo') {
      // The datasource status line asks this; only query_range misbehaves.
      res.writeHead(200, { 'Content-Type': 'application/json', ...cors });
      res.end(JSON.stringify({ status: 'success', data: { version: '2.42.0', revision: 'fixture', branch: 'HEAD' } }));
      return;
    }
    if (!MODES.includes(mode) || route !== 'api/v1/query_range') {
      res.writeHead(404, { 'Content-Type': 'text/plain', ...cors }).end(`no fixture at ${url.pathname}`);
      return;
    }
    count(hits, mode, 1);
    count(open, mode, 1);
    const record = { mode, bytes: 0, complete: false };
    log.push(record);
    if (log.length > 1000) log.shift();
    res.on('finish', () => {
      record.complete = true;
    });
    let finished = false;
    const timers = [];
    const finish = () => {
      if (finished) return;
      finished = true;
      count(open, mode, -1);
      timers.forEach(clearTimeout);
      timers.length = 0;
    };
    res.on('close', finish);
    res.on('error', finish);
    req.on('error', finish);
    const hold = (ms, f) => timers.push(setTimeout(f, ms));
    // A POST carries the query in a form body; this fixture only needs start/end/step,
    // which the app sends in the query string for GET, so read both.
    const withQuery = (f) => {
      if (req.method !== 'POST') return f(url.searchParams);
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c) => {
        if (body.length < 65536) body += c;
      });
      req.on('end', () => f(new URLSearchParams(body)));
    };
    const send = (status, type, body) => {
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...cors });
      count(sent, mode, Buffer.byteLength(body));
      record.bytes += Buffer.byteLength(body);
      res.end(body);
    };
    if (healed || mode === 'ok') {
      withQuery((q) => send(200, 'application/json', matrix(mode, q)));
      return;
    }
    switch (mode) {
      case 'drip':
        withQuery((q) => {
          const body = Buffer.from(matrix(mode, q));
          res.writeHead(200, { 'Content-Type': 'application/json', ...cors });
          let i = 0;
          const tick = () => {
            if (finished) return;
            if (i >= body.length) return res.end();
            res.write(body.subarray(i, i + 1));
            count(sent, mode, 1);
            record.bytes += 1;
            i++;
            hold(400, tick);
          };
          tick();
          hold(HOLD_MS, () => res.destroy());
        });
        return;
      case 'hang':
        hold(HOLD_MS, () => res.destroy());
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'html500':
        send(500, 'text/html; charset=utf-8', '<!doctype html><html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1><p>upstream exploded</p><script>window.__pwned = "html500"</script></body></html>');
        return;
      case 'truncated':
        withQuery((q) => {
          const body = matrix(mode, q);
          const half = body.slice(0, Math.floor(body.length / 2));
          res.writeHead(200, { 'Content-Type': 'application/json', ...cors });
          count(sent, mode, half.length);
          record.bytes += half.length;
          res.end(half);
        });
        return;
      case 'huge':
      case 'hugedecl': {
        const size = mode === 'hugedecl' ? HUGE_BYTES : HUGE_STREAM_BYTES;
        const length = mode === 'hugedecl' ? { 'Content-Length': size } : {};
        res.writeHead(200, { 'Content-Type': 'application/json', ...length, ...cors });
        const head = Buffer.from('{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"');
        const filler = Buffer.alloc(CHUNK, 'x');
        let written = 0;
        const pump = () => {
          while (!finished && written < size) {
            const chunk = written === 0 ? head : filler.subarray(0, Math.min(CHUNK, size - written));
            // (The head is shorter than a chunk, so `written` ends at exactly `size`.)
            written += chunk.length;
            count(sent, mode, chunk.length);
            record.bytes += chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          if (!finished) res.end();
        };
        pump();
        hold(HOLD_MS, () => res.destroy());
        return;
      }
      case 'wrongtype':
        send(200, 'text/plain; version=0.0.4', '# HELP up Whether the target is up.\n# TYPE up gauge\nup{job="prometheus"} 1\n');
        return;
      case 'wrongshape':
        send(200, 'application/json', JSON.stringify({ results: [{ name: 'up', points: [[1, 2]] }], ok: true }));
        return;
      case 'redirect':
        res.writeHead(302, { Location: req.url, ...cors }).end();
        count(sent, mode, 0);
        return;
    }
  });
  return listenLocal(server, (origin, port) => ({
    url: origin,
    port,
    modes: MODES,
    /** Requests received for a mode. */
    hits: (mode) => hits.get(mode) || 0,
    /** Requests of a mode still open (the server has not finished, the client has not left). */
    open: (mode) => open.get(mode) || 0,
    /** Each request of a mode: body bytes handed to the socket, and whether the response completed. */
    requests: (mode) => log.filter((r) => r.mode === mode).map((r) => ({ ...r })),
    /** Body bytes written for a mode, over all its requests. */
    bytesSent: (mode) => sent.get(mode) || 0,
    heal: () => {
      healed = true;
    },
    breakAgain: () => {
      healed = false;
    },
  }));
}

module.exports = { startBadBackend, MODES, HUGE_BYTES, HUGE_STREAM_BYTES };
