'use strict';
// A Prometheus-shaped HTTP fixture for e2e tests: 127.0.0.1, a free port, CORS for the app's
// origin, preflights answered, GET query strings and POST form bodies read alike. Paths are
// `/<mode>/<route>` (the mode lets one server act as several datasources, e.g. `ok` and
// `broken`); `api/v1/status/buildinfo` always answers like Prometheus 2.53, and a route the
// test does not answer is a plain-text 404 that names the path.
//
// Usage: startPromShaped((ask, reply) => { ... return true when answered }, (origin) => extras)
// where `ask` is { mode, route, params (URLSearchParams), pathname } and
// `reply(status, value)` sends `value` as JSON.

const http = require('node:http');
const { listenLocal } = require('./server.cjs');

const CORS = { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store' };
const BUILDINFO = { status: 'success', data: { version: '2.53.0', revision: 'fixture', branch: 'HEAD', goVersion: 'go1.22' } };

function startPromShaped(answer, extras) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const [mode, ...rest] = url.pathname.split('/').filter(Boolean);
    const route = rest.join('/');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS, 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': 'GET, POST' }).end();
      return;
    }
    let body = '';
    req.on('data', (c) => {
      if (body.length < 100_000) body += c;
    });
    req.on('end', () => {
      const params = new URLSearchParams(req.method === 'POST' ? body : url.search);
      const reply = (status, value) => {
        res.writeHead(status, { ...CORS, 'Content-Type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (route === 'api/v1/status/buildinfo') return reply(200, BUILDINFO);
      if (answer({ mode, route, params, pathname: url.pathname }, reply)) return;
      res.writeHead(404, { ...CORS, 'Content-Type': 'text/plain' }).end(`no fixture at ${url.pathname}`);
    });
  });
  return listenLocal(server, extras);
}

module.exports = { startPromShaped };
