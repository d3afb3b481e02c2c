// The Origin check on WebSocket upgrades (router/http/origin.ts): browsers on other sites get
// HTTP 403; clients without Origin, localhost pages and configured origins get a session.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { expectAllZero, startRouter, type TestRouter } from '../helpers/router.js';

let running: TestRouter | undefined;

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

type Outcome = { welcome: true } | { status: number; body: string };

/** Opens a WebSocket with `origin` (none when undefined), sends HELLO, reports WELCOME or the HTTP refusal. */
function attempt(url: string, origin: string | undefined): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, ['wamp.2.json'], origin === undefined ? {} : { origin });
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    socket.on('open', () => socket.send(JSON.stringify([1, 'realm1', { roles: { subscriber: {} } }])));
    socket.once('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as unknown[];
      if (message[0] !== 2) return reject(new Error(`expected WELCOME, got ${data.toString()}`));
      socket.send(JSON.stringify([6, {}, 'wamp.close.close_realm']));
      socket.once('close', () => resolve({ welcome: true }));
    });
    socket.on('error', (error) => (error.message.includes('Unexpected server response') ? undefined : reject(error)));
  });
}

describe('Origin check on WebSocket upgrades', () => {
  it('no Origin header (a non-browser client) → WELCOME', async () => {
    const { url } = await start();
    expect(await attempt(url, undefined)).toEqual({ welcome: true });
  });

  it.each(['http://localhost:3000', 'http://localhost', 'https://app.localhost:8443', 'http://127.0.0.1:5173', 'http://[::1]:8080'])(
    'Origin %s (localhost) → WELCOME',
    async (origin) => {
      const { url } = await start();
      expect(await attempt(url, origin)).toEqual({ welcome: true });
    },
  );

  it("Origin of the listener's own host and port (a page it served) → WELCOME", async () => {
    const { url, port } = await start();
    expect(await attempt(url, `http://127.0.0.1:${port}`)).toEqual({ welcome: true });
  });

  it.each(['https://evil.example', 'http://127.0.0.1.evil.example', 'http://localhost.evil.example', 'null', 'file://', 'chrome-extension://abcdef'])(
    'Origin %s → HTTP 403, no session',
    async (origin) => {
      const { url, router } = await start();
      const outcome = await attempt(url, origin);
      expect(outcome).toEqual({ status: 403, body: expect.stringContaining('not allowed') });
      expect(router.stats().sessions).toBe(0);
    },
  );

  it('allowedOrigins ["https://app.example.com"] → that origin gets WELCOME, https://other.example.com still 403', async () => {
    const { url } = await start({ allowedOrigins: ['https://app.example.com'] });
    expect(await attempt(url, 'https://app.example.com')).toEqual({ welcome: true });
    expect(await attempt(url, 'https://APP.example.com:443')).toEqual({ welcome: true });
    expect(await attempt(url, 'http://app.example.com')).toMatchObject({ status: 403 });
    expect(await attempt(url, 'https://other.example.com')).toMatchObject({ status: 403 });
  });

  it('allowedOrigins ["*"] → any origin gets WELCOME', async () => {
    const { url } = await start({ allowedOrigins: ['*'] });
    expect(await attempt(url, 'https://anywhere.example')).toEqual({ welcome: true });
  });

  it('allowedOrigins with a path or no scheme is refused by the schema', async () => {
    await expect(start({ allowedOrigins: ['app.example.com'] })).rejects.toThrow(/allowedOrigins\[0\]/);
    await expect(start({ allowedOrigins: ['https://app.example.com/x'] })).rejects.toThrow(/allowedOrigins\[0\]/);
  });
});
