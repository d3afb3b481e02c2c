// Static files on a WebSocket listener (router/http/static-files.ts): the built-in demo at `/`,
// a configured root, content types, 404s, 304s and every way out of the root refused.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectAllZero, startRouter, type TestRouter } from '../helpers/router.js';
import { http } from '../helpers/http.js';

let dir = '';
let root = '';
let running: TestRouter | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sprocket-static-'));
  root = join(dir, 'site');
  mkdirSync(join(root, 'sub'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>custom</title>');
  writeFileSync(join(root, 'data.json'), '{"ok":true}');
  writeFileSync(join(root, 'pic.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  writeFileSync(join(root, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(root, 'blob.bin'), 'x');
  writeFileSync(join(root, 'sub', 'index.html'), '<p>sub</p>');
  writeFileSync(join(root, '.env'), 'SECRET=1');
  writeFileSync(join(dir, 'outside.txt'), 'outside the root');
  symlinkSync(join(dir, 'outside.txt'), join(root, 'escape.txt'));
});

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  if (running === undefined) return;
  await expectAllZero(running.router);
  await running.router.close();
  running = undefined;
});

async function start(listener: Record<string, unknown> = {}): Promise<TestRouter> {
  running = await startRouter({ listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0, ...listener }] });
  return running;
}

describe('built-in web root (default)', () => {
  it('GET / → 200 text/html with the demo page', async () => {
    const { port } = await start();
    const reply = await http(port, '/');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.body).toContain('Sprocket');
    expect(reply.body).toContain('vendor/autobahn.min.js');
  });

  it('GET /demo.js → text/javascript, GET /demo.css → text/css', async () => {
    const { port } = await start();
    expect((await http(port, '/demo.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await http(port, '/demo.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('GET /vendor/autobahn.min.js → 200 text/javascript: the autobahn-browser build from node_modules (no CDN)', async () => {
    const { port } = await start();
    const reply = await http(port, '/vendor/autobahn.min.js');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(reply.body.length).toBeGreaterThan(100_000);
    expect(reply.body).toContain('autobahn');
  });

  it('GET /no-such-file.html → 404', async () => {
    const { port } = await start();
    expect((await http(port, '/no-such-file.html')).status).toBe(404);
  });

  it('GET on the WebSocket path without an upgrade → 426 Upgrade: websocket', async () => {
    const { port } = await start();
    const reply = await http(port, '/ws');
    expect(reply.status).toBe(426);
    expect(reply.headers.upgrade).toBe('websocket');
  });

  it('web: false → GET / is 404', async () => {
    const { port } = await start({ web: false });
    expect((await http(port, '/')).status).toBe(404);
    expect((await http(port, '/vendor/autobahn.min.js')).status).toBe(404);
  });
});

describe('configured web root', () => {
  it.each([
    ['/', 'text/html; charset=utf-8'],
    ['/index.html', 'text/html; charset=utf-8'],
    ['/data.json', 'application/json; charset=utf-8'],
    ['/pic.png', 'image/png'],
    ['/logo.svg', 'image/svg+xml'],
    ['/blob.bin', 'application/octet-stream'],
    ['/sub/', 'text/html; charset=utf-8'],
    ['/data.json?cache=bust', 'application/json; charset=utf-8'],
  ])('GET %s → 200 %s', async (path, type) => {
    const { port } = await start({ web: { root } });
    const reply = await http(port, path);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(type);
  });

  it('GET /sub (a directory without the slash) → 301 Location /sub/', async () => {
    const { port } = await start({ web: { root } });
    const reply = await http(port, '/sub');
    expect(reply.status).toBe(301);
    expect(reply.headers.location).toBe('/sub/');
  });

  it('HEAD /data.json → 200 with Content-Length and no body', async () => {
    const { port } = await start({ web: { root } });
    const reply = await http(port, '/data.json', { method: 'HEAD' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-length']).toBe('11');
    expect(reply.body).toBe('');
  });

  it('If-None-Match with the ETag → 304 Not Modified', async () => {
    const { port } = await start({ web: { root } });
    const first = await http(port, '/data.json');
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^W\/"/);
    const second = await http(port, '/data.json', { headers: { 'If-None-Match': etag } });
    expect(second.status).toBe(304);
    expect(second.body).toBe('');
  });

  it('POST /index.html → 405 Allow: GET, HEAD', async () => {
    const { port } = await start({ web: { root } });
    const reply = await http(port, '/index.html', { method: 'POST', body: 'x' });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET, HEAD');
  });

  it('a dotfile (/.env) → 404', async () => {
    const { port } = await start({ web: { root } });
    const reply = await http(port, '/.env');
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain('SECRET');
  });

  it('a symlink inside the root that points outside it → 404', async () => {
    const { port } = await start({ web: { root } });
    const reply = await http(port, '/escape.txt');
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain('outside the root');
  });
});

describe('path traversal is refused (403 for "..", 404 for anything else outside the root)', () => {
  const packageJson = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  const secret = '"name": "sprocket"';
  expect(packageJson).toContain(secret);

  it.each([
    ['/../package.json', 403],
    ['/../../package.json', 403],
    ['/%2e%2e/package.json', 403],
    ['/%2E%2E/%2E%2E/package.json', 403],
    ['/..%2fpackage.json', 403],
    ['/..%2Fpackage.json', 403],
    ['/%2e%2e%2fpackage.json', 403],
    ['/..%5cpackage.json', 403],
    ['/sub/../../outside.txt', 403],
    ['http://127.0.0.1/../package.json', 403],
    ['//etc/passwd', 404],
    ['/%2Fetc%2Fpasswd', 404],
    ['/%2e%2e', 403],
  ])('GET %s → %i', async (path, status) => {
    const { port } = await start({ web: { root } });
    const reply = await http(port, path);
    expect(reply.status).toBe(status);
    expect(reply.body).not.toContain(secret);
    expect(reply.body).not.toContain('outside the root');
    expect(reply.body).not.toContain('root:');
  });

  it('the built-in root refuses /../package.json → 403 as well', async () => {
    const { port } = await start();
    const reply = await http(port, '/../package.json');
    expect(reply.status).toBe(403);
    expect(reply.body).not.toContain(secret);
  });

  it.each([
    ['/%zz', 400],
    ['/a%00b', 400],
  ])('malformed target %s → %i', async (path, status) => {
    const { port } = await start({ web: { root } });
    expect((await http(port, path)).status).toBe(status);
  });

  it('a redirect never leaves the site: //sub → Location /sub/, not //sub/', async () => {
    const { port } = await start({ web: { root } });
    const reply = await http(port, '//sub');
    expect(reply.status).toBe(301);
    expect(reply.headers.location).toBe('/sub/');
  });
});
