'use strict';
// A tiny static file server for the release dist: 127.0.0.1, a free port, no caching.
// Usage: const srv = await startServer(dir, options); srv.url; await srv.close();
//
// Test-only extras (options or setters on the returned object):
// - `datasources`: served as /datasources.json instead of the dist's file (an array or
//   object is JSON-encoded, a string is served as is); `srv.setDatasources(v)` changes it
//   between tests, `srv.setDatasources(null)` serves the dist's file again.
// - `proxies`: `{ '/prom': 'http://127.0.0.1:9090' }` forwards /prom and /prom/* (any
//   method, query string kept, prefix stripped) to that origin, like a deployer's
//   same-origin reverse proxy; `srv.setProxy(prefix, target|null)` changes one. An
//   unreachable target answers 502 with a text body.

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', // required by WebAssembly.instantiateStreaming
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

function startServer(root, options = {}) {
  const base = path.resolve(root);
  if (!fs.existsSync(path.join(base, 'index.html'))) {
    return Promise.reject(new Error(`no index.html in ${base}: build first (./napkin test does)`));
  }
  const requests = [];
  let datasources = null; // Buffer when overridden
  const proxies = new Map(); // prefix ("/prom") -> target origin URL
  const setDatasources = (v) => {
    datasources = v === null || v === undefined ? null : Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
  };
  const setProxy = (prefix, target) => {
    if (!/^\/[^/]/.test(prefix) || prefix.endsWith('/')) throw new Error(`proxy prefix must look like "/prom": ${prefix}`);
    if (target === null || target === undefined) proxies.delete(prefix);
    else {
      const url = new URL(target);
      if (url.protocol !== 'http:') throw new Error(`proxy target must be http://: ${target}`);
      proxies.set(prefix, url);
    }
  };
  setDatasources(options.datasources);
  for (const [prefix, target] of Object.entries(options.proxies || {})) setProxy(prefix, target);

  const server = http.createServer((req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end('bad url');
      return;
    }
    requests.push(pathname);
    for (const [prefix, target] of proxies) {
      if (pathname === prefix || pathname.startsWith(prefix + '/')) {
        const rest = req.url.slice(prefix.length);
        proxy(req, res, target, rest.startsWith('/') ? rest : '/' + rest);
        return;
      }
    }
    if (datasources && pathname === '/datasources.json' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, {
        'Content-Type': TYPES['.json'],
        'Content-Length': datasources.length,
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : datasources);
      return;
    }
    const file = path.join(base, pathname.endsWith('/') ? pathname + 'index.html' : pathname);
    const inside = file === base || file.startsWith(base + path.sep);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    fs.stat(file, (err, st) => {
      if (!inside || err || !st.isFile()) {
        if (pathname === '/favicon.ico') {
          res.writeHead(204, { 'Cache-Control': 'no-store' }).end(); // no console noise
          return;
        }
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${pathname}`);
        return;
      }
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
        'Content-Length': st.size,
        'Cache-Control': 'no-store',
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      fs.createReadStream(file).pipe(res);
    });
  });
  return listenLocal(server, (origin, port) => ({
    url: `${origin}/`,
    port,
    requests,
    setDatasources,
    setProxy,
  }));
}

/**
 * Listens on 127.0.0.1 at a free port and resolves to `extras(origin, port)` plus `close()`.
 * Every test server uses this: keep-alive sockets are tracked and destroyed on close, which
 * would otherwise hold `close()` open until the browser lets go of them.
 */
function listenLocal(server, extras) {
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      const close = () =>
        new Promise((done) => {
          for (const s of sockets) s.destroy();
          server.close(() => done());
        });
      resolve({ ...extras(`http://127.0.0.1:${port}`, port), close });
    });
  });
}

/** Forwards one request to `target` (an origin URL) at `rest` (path + query), streaming both ways. */
function proxy(req, res, target, rest) {
  const headers = { ...req.headers, host: target.host };
  delete headers.connection;
  const upstream = http.request(
    { protocol: target.protocol, hostname: target.hostname, port: target.port, method: req.method, path: rest, headers },
    (up) => {
      res.writeHead(up.statusCode || 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.setTimeout(60000, () => upstream.destroy(new Error('upstream timed out after 60 s')));
  upstream.on('error', (e) => {
    if (res.headersSent) {
      res.destroy(e);
      return;
    }
    res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(`proxy error for ${target.origin}${rest}: ${e.message}`);
  });
  req.pipe(upstream);
}

module.exports = { startServer, listenLocal };
