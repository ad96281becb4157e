'use strict';
// A real HTTP server of health endpoints for tests/e2e/health.test.cjs: node:http on
// 127.0.0.1 and a free port, every answer with `Access-Control-Allow-Origin: *` except
// /nocors. Times in bodies are "now", so fresh answers are fresh.
//
//   const fx = await startHealthFixtures(); fx.url; fx.hits('/hang'); await fx.close();
//
// Endpoints (path → what it serves):
//   /list/orders     the seed's list format, a TIMEOUT dependency, HTTP 503
//   /list/catalog    the list format, all OK, HTTP 200
//   /ietf/payments   application/health+json, checks map of arrays (one warn), HTTP 200
//   /spring/inventory Spring actuator OUT_OF_SERVICE (maintenance), HTTP 503
//   /k8s/readyz      Kubernetes /readyz?verbose text with one failed check, HTTP 500
//   /gatus/statuses  Gatus endpoint statuses (group "core": one failing, one passing)
//   /html502         an HTML error page, HTTP 502
//   /hang            never answers (the socket stays open until the client gives up)
//   /pass200         200 + {"status":"pass"}
//   /pass503         503 + {"status":"pass"}
//   /nocors          200 OK list, but without CORS headers
//   /flip            alternates 200 pass / 503 fail on every request

const http = require('node:http');
const { listenLocal } = require('./server.cjs');

function startHealthFixtures() {
  const hits = new Map();
  let flips = 0;
  const now = () => new Date().toISOString();
  const routes = {
    '/list/orders': () => [
      503,
      'application/json',
      JSON.stringify([
        { Name: 'myDB', Status: 'TIMEOUT', StatusTime: now() },
        { Name: 'kafka', Status: 'OK', StatusTime: now() },
      ]),
    ],
    '/list/catalog': () => [
      200,
      'application/json',
      JSON.stringify([
        { Name: 'search', Status: 'OK', StatusTime: now() },
        { Name: 'redis', Status: 'OK', StatusTime: now() },
      ]),
    ],
    '/ietf/payments': () => [
      200,
      'application/health+json',
      JSON.stringify({
        status: 'warn',
        serviceId: 'payments',
        checks: {
          'postgres:responseTime': [{ status: 'warn', observedValue: 870, observedUnit: 'ms', time: now(), output: 'slow queries' }],
          'uptime': [{ status: 'pass', time: now() }],
        },
      }),
    ],
    '/spring/inventory': () => [
      503,
      'application/vnd.spring-boot.actuator.v3+json',
      JSON.stringify({ status: 'OUT_OF_SERVICE', components: { db: { status: 'UP' }, diskSpace: { status: 'UP' } } }),
    ],
    '/k8s/readyz': () => [
      500,
      'text/plain; charset=utf-8',
      '[+]ping ok\n[+]etcd ok\n[-]informer-sync failed: reason withheld\nreadyz check failed\n',
    ],
    '/gatus/statuses': () => [
      200,
      'application/json',
      JSON.stringify([
        { name: 'frontend', group: 'core', key: 'core_frontend', results: [{ status: 503, success: false, timestamp: now(), conditionResults: [{ condition: '[STATUS] == 200', success: false }] }] },
        { name: 'api', group: 'core', key: 'core_api', results: [{ status: 200, success: true, timestamp: now(), conditionResults: [] }] },
      ]),
    ],
    '/html502': () => [502, 'text/html; charset=utf-8', '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><script>window.__pwned=1</script></body></html>'],
    '/pass200': () => [200, 'application/health+json', JSON.stringify({ status: 'pass' })],
    '/pass503': () => [503, 'application/health+json', JSON.stringify({ status: 'pass' })],
    '/nocors': () => [200, 'application/json', JSON.stringify([{ Name: 'db', Status: 'OK', StatusTime: now() }])],
    '/flip': () => {
      flips += 1;
      return flips % 2 ? [200, 'application/health+json', JSON.stringify({ status: 'pass' })] : [503, 'application/health+json', JSON.stringify({ status: 'fail' })];
    },
  };
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url, 'http://x').pathname;
    hits.set(pathname, (hits.get(pathname) || 0) + 1);
    const cors = pathname === '/nocors' ? {} : { 'Access-Control-Allow-Origin': '*' };
    if (pathname === '/hang') {
      res.on('error', () => {});
      return; // never answer
    }
    const route = routes[pathname];
    if (!route) {
      res.writeHead(404, { 'Content-Type': 'text/plain', ...cors }).end(`no fixture at ${pathname}`);
      return;
    }
    const [status, type, body] = route();
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...cors });
    res.end(body);
  });
  return listenLocal(server, (origin, port) => ({
    url: origin,
    port,
    hits: (p) => hits.get(p) || 0,
  }));
}

module.exports = { startHealthFixtures };
