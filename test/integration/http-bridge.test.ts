// The HTTP bridge (router/http/bridge.ts): POST /publish and POST /call with Crossbar-compatible
// bodies, reaching real AutobahnJS subscribers and callees; bearer token, HMAC, body limit and
// the WAMP error → HTTP status mapping.
import { afterEach, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { createRouter, ConfigError } from '../../router/index.js';
import { ab, connectAutobahn, type AutobahnClient } from '../helpers/clients.js';
import { eventually, expectAllZero, startRouter, type TestRouter } from '../helpers/router.js';
import { http, postJson } from '../helpers/http.js';

const TOKEN = 'test-token-0123456789abcdef';
const OTHER_TOKEN = 'second-token-0123456789abcdef';
const SECRET = 'hmac-secret-0123456789abcdef';
const AUTH = { Authorization: `Bearer ${TOKEN}` };

let running: TestRouter | undefined;
const clients: AutobahnClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  if (running === undefined) return;
  await expectAllZero(running.router);
  await running.router.close();
  running = undefined;
});

async function start(bridge: Record<string, unknown> | null = {}): Promise<TestRouter> {
  running = await startRouter({
    listeners: [
      {
        type: 'websocket',
        host: '127.0.0.1',
        port: 0,
        metrics: true,
        ...(bridge !== null && { bridge: { realm: 'realm1', tokens: [TOKEN, OTHER_TOKEN], ...bridge } }),
      },
    ],
  });
  return running;
}

async function client(url: string): Promise<AutobahnClient> {
  const c = await connectAutobahn(url, 'json');
  clients.push(c);
  return c;
}

describe('bridge off', () => {
  it('no bridge configured (the default) → POST /publish and POST /call are 404', async () => {
    const { port } = await start(null);
    expect((await postJson(port, '/publish', { topic: 'com.example.t' }, AUTH)).status).toBe(404);
    expect((await postJson(port, '/call', { procedure: 'com.example.p' }, AUTH)).status).toBe(404);
  });

  it('a bridge realm the router does not serve → ConfigError naming listeners[0].bridge.realm', () => {
    expect(() => createRouter({ log: { level: 'silent' }, listeners: [{ type: 'websocket', port: 0, bridge: { realm: 'nope', tokens: [TOKEN] } }] })).toThrow(
      ConfigError,
    );
    expect(() => createRouter({ log: { level: 'silent' }, listeners: [{ type: 'websocket', port: 0, bridge: { realm: 'nope', tokens: [TOKEN] } }] })).toThrow(
      /listeners\[0\]\.bridge\.realm: no realm "nope"/,
    );
  });

  it('a bridge without tokens is refused by the schema', () => {
    expect(() => createRouter({ listeners: [{ type: 'websocket', bridge: { realm: 'realm1', tokens: [] } }] } as never)).toThrow(/bridge\.tokens/);
  });
});

describe('POST /publish', () => {
  it('→ 200 {"id": publicationId}; an AutobahnJS subscriber gets args and kwargs', async () => {
    const { port, url, router } = await start();
    const subscriber = await client(url);
    const events: Array<{ args: unknown[]; kwargs: Record<string, unknown>; publication: unknown }> = [];
    await subscriber.session.subscribe('com.example.news', (args, kwargs, details) => events.push({ args, kwargs, publication: details.publication }));
    const reply = await postJson(port, '/publish', { topic: 'com.example.news', args: ['hello', 42], kwargs: { from: 'http' } }, AUTH);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(reply.json).toEqual({ id: expect.any(Number) });
    expect(await eventually(() => events.length === 1)).toBe(true);
    expect(events[0]).toEqual({ args: ['hello', 42], kwargs: { from: 'http' }, publication: (reply.json as { id: number }).id });
    // The bridge's session exists only while a request runs.
    expect(router.stats().sessions).toBe(1);
  });

  it('options pass through: {"eligible_authrole": ["somebody-else"]} leaves the subscriber out; the second token works too', async () => {
    const { port, url } = await start();
    const subscriber = await client(url);
    let received = 0;
    await subscriber.session.subscribe('com.example.news', () => received++);
    const reply = await postJson(port, '/publish', { topic: 'com.example.news', options: { eligible_authrole: ['somebody-else'] } }, { Authorization: `Bearer ${OTHER_TOKEN}` });
    expect(reply.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toBe(0);
  });

  it('an invalid topic → 400 {"error": "wamp.error.invalid_uri"}', async () => {
    const { port } = await start();
    const reply = await postJson(port, '/publish', { topic: 'bad topic#' }, AUTH);
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ error: 'wamp.error.invalid_uri' });
  });

  it('a topic under wamp. → 400 wamp.error.invalid_uri (the bridge is not trusted)', async () => {
    const { port } = await start();
    const reply = await postJson(port, '/publish', { topic: 'wamp.session.on_join' }, AUTH);
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ error: 'wamp.error.invalid_uri' });
  });
});

describe('POST /call', () => {
  it('→ 200 {"args", "kwargs"} from an AutobahnJS callee', async () => {
    const { port, url } = await start();
    const callee = await client(url);
    await callee.session.register('com.example.add', (args) => (args[0] as number) + (args[1] as number));
    await callee.session.register('com.example.split', (args) => new ab.Result([String(args[0]).length], { upper: String(args[0]).toUpperCase() }));
    const sum = await postJson(port, '/call', { procedure: 'com.example.add', args: [2, 3] }, AUTH);
    expect(sum.status).toBe(200);
    expect(sum.json).toEqual({ args: [5], kwargs: {} });
    const split = await postJson(port, '/call', { procedure: 'com.example.split', args: ['abc'] }, AUTH);
    expect(split.json).toEqual({ args: [3], kwargs: { upper: 'ABC' } });
  });

  it('the callee sees the configured authrole when the bridge discloses itself', async () => {
    const { port, url } = await start({ authrole: 'backend' });
    const callee = await client(url);
    await callee.session.register('com.example.whoami', (_args, _kwargs, details) => [details.caller_authid, details.caller_authrole]);
    const reply = await postJson(port, '/call', { procedure: 'com.example.whoami', options: { disclose_me: true } }, AUTH);
    expect(reply.json).toEqual({ args: [['http-bridge', 'backend']], kwargs: {} });
  });

  it('no callee → 404 {"error": "wamp.error.no_such_procedure"}', async () => {
    const { port } = await start();
    const reply = await postJson(port, '/call', { procedure: 'com.example.nobody' }, AUTH);
    expect(reply.status).toBe(404);
    expect(reply.json).toEqual({ error: 'wamp.error.no_such_procedure', args: [expect.any(String)], kwargs: {} });
  });

  it('an application error from the callee → 502 {"error": uri, "args", "kwargs"}', async () => {
    const { port, url, router } = await start();
    const callee = await client(url);
    await callee.session.register('com.example.fail', () => {
      throw new ab.Error('com.example.error.out_of_stock', ['no more widgets'], { item: 'widget' });
    });
    const reply = await postJson(port, '/call', { procedure: 'com.example.fail' }, AUTH);
    expect(reply.status).toBe(502);
    expect(reply.json).toEqual({ error: 'com.example.error.out_of_stock', args: ['no more widgets'], kwargs: { item: 'widget' } });
    const metrics = await http(port, '/metrics');
    expect(metrics.body).toContain('sprocket_errors_total{uri="com.example.error.out_of_stock"} 1');
    expect(metrics.body).toContain('sprocket_bridge_requests_total{endpoint="call",status="502"} 1');
    expect(router.stats().sessions).toBe(1);
  });

  it('a callee that does not answer within options.timeout → 504 {"error": "wamp.error.timeout"}', async () => {
    const { port, url } = await start();
    const callee = await client(url);
    await callee.session.register('com.example.never', () => new Promise(() => undefined));
    const started = Date.now();
    const reply = await postJson(port, '/call', { procedure: 'com.example.never', options: { timeout: 150 } }, AUTH);
    expect(reply.status).toBe(504);
    expect(reply.json).toMatchObject({ error: 'wamp.error.timeout' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('callTimeoutMs applies when the request names no timeout → 504 wamp.error.timeout', async () => {
    const { port, url } = await start({ callTimeoutMs: 150 });
    const callee = await client(url);
    await callee.session.register('com.example.never', () => new Promise(() => undefined));
    const reply = await postJson(port, '/call', { procedure: 'com.example.never' }, AUTH);
    expect(reply.status).toBe(504);
    expect(reply.json).toMatchObject({ error: 'wamp.error.timeout' });
  });

  it('concurrent requests share one bridge session, and it is gone once they finish', async () => {
    const { port, url, router } = await start();
    const callee = await client(url);
    const releases: Array<() => void> = [];
    await callee.session.register('com.example.wait', () => new Promise<string>((resolve) => releases.push(() => resolve('done'))));
    const replies = Promise.all([1, 2, 3].map(() => postJson(port, '/call', { procedure: 'com.example.wait' }, AUTH)));
    expect(await eventually(() => releases.length === 3)).toBe(true);
    expect(router.stats().sessions).toBe(2); // the callee and one bridge session
    for (const release of releases) release();
    expect((await replies).map((reply) => reply.status)).toEqual([200, 200, 200]);
    expect(await eventually(() => router.stats().sessions === 1)).toBe(true);
  });

  it('router.close() during a bridge call → 503 {"error": "wamp.close.goodbye_and_out"}', async () => {
    const { port, url, router } = await start();
    const callee = await client(url);
    let invoked = false;
    await callee.session.register('com.example.never', () => {
      invoked = true;
      return new Promise(() => undefined);
    });
    const reply = postJson(port, '/call', { procedure: 'com.example.never' }, AUTH);
    expect(await eventually(() => invoked)).toBe(true);
    await router.close();
    running = undefined;
    clients.length = 0;
    const answered = await reply;
    expect(answered.status).toBe(503);
    expect(answered.json).toMatchObject({ error: 'wamp.close.goodbye_and_out' });
    expect(router.stats()).toEqual({ sessions: 0, subscriptions: 0, registrations: 0, invocations: 0, timers: 0 });
  });
});

describe('bridge authentication and limits', () => {
  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { Authorization: 'Bearer not-the-token-at-all' }],
    ['Basic instead of Bearer', { Authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }],
    ['an empty Bearer', { Authorization: 'Bearer ' }],
  ])('%s → 401 {"error": "sprocket.error.unauthorized"} with WWW-Authenticate: Bearer', async (_name, headers) => {
    const { port, url } = await start();
    const subscriber = await client(url);
    let received = 0;
    await subscriber.session.subscribe('com.example.news', () => received++);
    const reply = await postJson(port, '/publish', { topic: 'com.example.news' }, headers as Record<string, string>);
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe('Bearer realm="sprocket"');
    expect(reply.json).toMatchObject({ error: 'sprocket.error.unauthorized' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toBe(0);
  });

  it('hmacSecret set: a correct X-Sprocket-Signature → 200', async () => {
    const { port } = await start({ hmacSecret: SECRET });
    const body = JSON.stringify({ topic: 'com.example.news', args: [1] });
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const reply = await postJson(port, '/publish', body, { ...AUTH, 'X-Sprocket-Signature': signature });
    expect(reply.status).toBe(200);
  });

  it.each([
    ['missing', undefined],
    ['of another body', `sha256=${createHmac('sha256', SECRET).update('{"topic":"other"}').digest('hex')}`],
    ['with another secret', `sha256=${createHmac('sha256', 'another-secret-0123456789').update('{"topic":"com.example.news"}').digest('hex')}`],
    ['malformed', 'sha256=xyz'],
  ])('hmacSecret set: a signature %s → 401 {"error": "sprocket.error.bad_signature"}', async (_name, signature) => {
    const { port } = await start({ hmacSecret: SECRET });
    const headers: Record<string, string> = { ...AUTH, ...(signature !== undefined && { 'X-Sprocket-Signature': signature }) };
    const reply = await postJson(port, '/publish', '{"topic":"com.example.news"}', headers);
    expect(reply.status).toBe(401);
    expect(reply.json).toMatchObject({ error: 'sprocket.error.bad_signature' });
  });

  it('a body over maxBodySize (Content-Length) → 413 {"error": "sprocket.error.payload_too_large"}', async () => {
    const { port } = await start({ maxBodySize: 1024 });
    const reply = await postJson(port, '/publish', { topic: 'com.example.news', args: ['x'.repeat(2000)] }, AUTH);
    expect(reply.status).toBe(413);
    expect(reply.json).toMatchObject({ error: 'sprocket.error.payload_too_large' });
  });

  it('a chunked body that grows over maxBodySize → 413', async () => {
    const { port } = await start({ maxBodySize: 1024 });
    const body = JSON.stringify({ topic: 'com.example.news', args: ['x'.repeat(5000)] });
    const reply = await http(port, '/publish', { method: 'POST', body, headers: { ...AUTH, 'Transfer-Encoding': 'chunked' } });
    expect(reply.status).toBe(413);
  });

  it('a body just under maxBodySize → 200', async () => {
    const { port } = await start({ maxBodySize: 1024 });
    const reply = await postJson(port, '/publish', { topic: 'com.example.news', args: ['x'.repeat(900)] }, AUTH);
    expect(reply.status).toBe(200);
  });

  it.each([
    ['not JSON', '{"topic": ', 'not valid JSON'],
    ['a JSON list', '[1,2]', 'must be a JSON object'],
    ['no topic', '{"args": []}', '"topic" must be a string'],
    ['args not a list', '{"topic": "com.example.news", "args": {"a": 1}}', '"args" must be a list'],
    ['kwargs a list', '{"topic": "com.example.news", "kwargs": [1]}', '"kwargs" must be an object'],
    ['an option of the wrong type', '{"topic": "com.example.news", "options": {"exclude_me": "yes"}}', 'PUBLISH.Options.exclude_me must be a boolean'],
  ])('POST /publish with %s → 400 {"error": "sprocket.error.bad_request"}', async (_name, body, text) => {
    const { port } = await start();
    const reply = await postJson(port, '/publish', body, AUTH);
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ error: 'sprocket.error.bad_request', args: [expect.stringContaining(text)], kwargs: {} });
  });

  it('GET /call → 405 Allow: POST', async () => {
    const { port } = await start();
    const reply = await http(port, '/call', { headers: AUTH });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('POST');
  });
});
