// TLS listeners: wss:// for WebSocket and RawSocket over TLS, with the test PKI that
// test/helpers/tls-global-setup.ts makes with the openssl CLI (a CA, a server certificate for
// localhost/127.0.0.1, a client certificate). Node's WebSocket, used by AutobahnJS, trusts the
// test CA only through NODE_EXTRA_CA_CERTS, which that globalSetup sets before workers start.
import { readFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { createRouter, type ListenAddress, type Router } from '../../router/index.js';
import { expectAllZero } from '../helpers/router.js';
import { connectAutobahn, SERIALIZER_NAMES, type AutobahnClient, type SerializerName } from '../helpers/clients.js';
import { connectRawSocket, exchange, type RawSocketClient } from '../helpers/raw-rawsocket.js';
import { pyBytes, pythonProblem, runPython } from '../helpers/python-client.js';
import type { TestTlsFiles } from '../helpers/tls-global-setup.js';

const WELCOME = 2, SUBSCRIBE = 32, SUBSCRIBED = 33, PUBLISH = 16, PUBLISHED = 17, EVENT = 36;
const CALL = 48, RESULT = 50, REGISTER = 64, REGISTERED = 65, INVOCATION = 68, YIELD = 70;

let files: TestTlsFiles;
beforeAll(() => {
  expect(inject('tlsSetupError')).toBe('');
  const provided = inject('tlsFiles');
  expect(provided).not.toBeNull();
  files = provided as TestTlsFiles;
});

let routers: Router[] = [];
let clients: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close().catch(() => undefined)));
  const started = routers.splice(0);
  try {
    for (const router of started) await expectAllZero(router);
  } finally {
    for (const router of started) await router.close();
  }
});

/** A router with a wss listener and a TLS RawSocket listener; `clientCerts` makes both demand a client certificate. */
async function startTlsRouter(clientCerts = false, helloTimeoutMs = 10_000): Promise<{ router: Router; wss: ListenAddress; rss: ListenAddress }> {
  const tls = { cert: files.serverCert, key: files.serverKey, ...(clientCerts && { ca: files.caCert, requestClientCert: true }) };
  const router = createRouter({
    log: { level: 'silent' },
    listeners: [
      { type: 'websocket', host: '127.0.0.1', port: 0, tls, helloTimeoutMs },
      { type: 'rawsocket', host: '127.0.0.1', port: 0, tls, helloTimeoutMs },
    ],
  });
  routers.push(router);
  const [wss, rss] = await router.start();
  return { router, wss, rss };
}

async function autobahn(url: string, serializer: SerializerName): Promise<AutobahnClient> {
  const client = await connectAutobahn(url, serializer);
  clients.push(client);
  return client;
}

async function rawTls(port: number, serializer: SerializerName, withClientCert = false): Promise<RawSocketClient> {
  const tls = {
    servername: 'localhost',
    ca: readFileSync(files.caCert),
    ...(withClientCert && { cert: readFileSync(files.clientCert), key: readFileSync(files.clientKey) }),
  };
  const client = await connectRawSocket({ host: '127.0.0.1', port, serializer, tls });
  clients.push(client);
  return client;
}

describe('addresses', () => {
  it('TLS listeners report wss://127.0.0.1:PORT/ws and rss://127.0.0.1:PORT', async () => {
    const { wss, rss } = await startTlsRouter();
    expect(wss).toMatchObject({ type: 'websocket', tls: true, url: `wss://127.0.0.1:${wss.port}/ws` });
    expect(rss).toMatchObject({ type: 'rawsocket', tls: true, url: `rss://127.0.0.1:${rss.port}` });
  });

  it('a tls.cert path that cannot be read → start() rejects naming listeners[N].tls.cert and the path', async () => {
    const router = createRouter({
      log: { level: 'silent' },
      listeners: [
        { type: 'websocket', host: '127.0.0.1', port: 0 },
        { type: 'rawsocket', host: '127.0.0.1', port: 0, tls: { cert: '/nonexistent/cert.pem', key: '/nonexistent/key.pem' } },
      ],
    });
    routers.push(router);
    await expect(router.start()).rejects.toThrow('listeners[1].tls.cert: cannot read /nonexistent/cert.pem');
  });
});

describe('WebSocket over TLS (wss)', () => {
  it('the worker trusts the test CA through NODE_EXTRA_CA_CERTS (a TLS client with no ca option verifies the server)', async () => {
    const { wss } = await startTlsRouter();
    const authorized = await new Promise<boolean>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: wss.port, servername: 'localhost' }, () => {
        resolve(socket.authorized);
        socket.destroy();
      });
      socket.once('error', reject);
    });
    expect(authorized).toBe(true);
  });

  it.each(SERIALIZER_NAMES)('autobahn over wss with %s: pub/sub and RPC', async (serializer) => {
    const { wss } = await startTlsRouter();
    const a = await autobahn(wss.url, serializer);
    const b = await autobahn(wss.url, serializer);
    await a.session.register('com.example.add', (args) => (args[0] as number) + (args[1] as number));
    expect(await b.session.call('com.example.add', [20, 22])).toBe(42);
    let resolveEvent: (args: unknown[]) => void = () => undefined;
    const event = new Promise<unknown[]>((resolve) => (resolveEvent = resolve));
    await a.session.subscribe('com.example.secure', (args) => resolveEvent(args));
    await b.session.publish('com.example.secure', ['over tls'], {}, { acknowledge: true });
    expect(await event).toEqual(['over tls']);
  });

  it('a plain ws:// connection to a wss listener fails (no WAMP session)', async () => {
    const { router, wss } = await startTlsRouter();
    const socket = new WebSocket(`ws://127.0.0.1:${wss.port}/ws`, ['wamp.2.json']);
    const outcome = await new Promise<string>((resolve) => {
      socket.once('open', () => resolve('open'));
      socket.once('error', () => resolve('error'));
    });
    expect(outcome).toBe('error');
    socket.terminate();
    expect(router.stats().sessions).toBe(0);
  });

  it('with requestClientCert: a ws client presenting the test client certificate joins; one without is refused in the TLS handshake', async () => {
    const { wss } = await startTlsRouter(true);
    const tls = { ca: readFileSync(files.caCert), servername: 'localhost' };
    const refused = new WebSocket(wss.url, ['wamp.2.json'], tls);
    expect(await new Promise<string>((resolve) => {
      refused.once('open', () => resolve('open'));
      refused.once('error', () => resolve('error'));
    })).toBe('error');
    refused.terminate();
    const accepted = new WebSocket(wss.url, ['wamp.2.json'], { ...tls, cert: readFileSync(files.clientCert), key: readFileSync(files.clientKey) });
    const welcome = await new Promise<unknown[]>((resolve, reject) => {
      accepted.once('open', () => accepted.send(JSON.stringify([1, 'realm1', { roles: { subscriber: {} } }])));
      accepted.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as unknown[]));
      accepted.once('error', reject);
    });
    expect(welcome[0]).toBe(WELCOME);
    accepted.send(JSON.stringify([6, {}, 'wamp.close.close_realm']));
    await new Promise((resolve) => accepted.once('close', resolve));
  });
});

describe('RawSocket over TLS', () => {
  it.each(SERIALIZER_NAMES)('raw client over tls.connect with %s: pub/sub and RPC round trips', async (serializer) => {
    const { rss } = await startTlsRouter();
    const a = await rawTls(rss.port, serializer);
    const b = await rawTls(rss.port, serializer);
    expect((a.socket as import('node:tls').TLSSocket).authorized).toBe(true);
    expect((await a.join())[0]).toBe(WELCOME);
    expect((await b.join())[0]).toBe(WELCOME);
    a.send([SUBSCRIBE, 1, {}, 'com.example.t']);
    expect((await a.next())[0]).toBe(SUBSCRIBED);
    b.send([PUBLISH, 2, { acknowledge: true }, 'com.example.t', ['secret']]);
    expect((await b.next())[0]).toBe(PUBLISHED);
    const event = await a.next();
    expect(event[0]).toBe(EVENT);
    expect(event[4]).toEqual(['secret']);
    a.send([REGISTER, 3, {}, 'com.example.neg']);
    expect((await a.next())[0]).toBe(REGISTERED);
    b.send([CALL, 4, {}, 'com.example.neg', [5]]);
    const invocation = await a.next();
    expect(invocation[0]).toBe(INVOCATION);
    a.send([YIELD, invocation[1], {}, [-(invocation[4] as number[])[0]]]);
    expect(await b.next()).toEqual([RESULT, 4, {}, [-5]]);
    await a.leave();
    await b.leave();
  });

  it('PING → PONG echo over TLS', async () => {
    const { rss } = await startTlsRouter();
    const client = await rawTls(rss.port, 'json');
    client.sendFrame(1, Buffer.from('ping over tls'));
    expect((await client.nextPong()).toString()).toBe('ping over tls');
  });

  it('a plain (non-TLS) RawSocket client on a TLS listener gets no RawSocket reply: closed at once after a frame, or at helloTimeoutMs after the bare handshake', async () => {
    const { rss } = await startTlsRouter(false, 500);
    const eager = await exchange({ host: '127.0.0.1', port: rss.port }, Buffer.from('7ff1000000000002205d', 'hex'), 400);
    expect(eager.closed).toBe(true);
    expect(eager.bytes.subarray(0, 2).equals(Buffer.from([0x7f, 0xf1]))).toBe(false);
    // 4 octets are less than a TLS record header: the TLS layer waits, up to the handshake timeout
    const started = Date.now();
    const waiting = await exchange({ host: '127.0.0.1', port: rss.port }, Uint8Array.of(0x7f, 0xf1, 0, 0), 3000);
    expect(waiting.closed).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(waiting.bytes.subarray(0, 2).equals(Buffer.from([0x7f, 0xf1]))).toBe(false);
  });

  it('cross-transport over TLS: a RawSocket callee called from a wss caller', async () => {
    const { wss, rss } = await startTlsRouter();
    const callee = await rawTls(rss.port, 'cbor');
    expect((await callee.join())[0]).toBe(WELCOME);
    callee.send([REGISTER, 1, {}, 'com.example.upper']);
    expect((await callee.next())[0]).toBe(REGISTERED);
    const caller = await autobahn(wss.url, 'msgpack');
    const result = caller.session.call('com.example.upper', ['shout']);
    const invocation = await callee.next();
    callee.send([YIELD, invocation[1], {}, [String((invocation[4] as string[])[0]).toUpperCase()]]);
    expect(await result).toBe('SHOUT');
    await callee.leave();
  });

  it('with requestClientCert: the raw client with the test client certificate joins; without one the TLS handshake fails', async () => {
    const { rss } = await startTlsRouter(true);
    const withCert = await rawTls(rss.port, 'msgpack', true);
    expect((await withCert.join())[0]).toBe(WELCOME);
    await withCert.leave();
    await expect(rawTls(rss.port, 'msgpack', false)).rejects.toThrow();
  });

  describe('Autobahn|Python over rss://', () => {
    let problem = '';
    beforeAll(() => {
      problem = pythonProblem();
    });

    it.each(SERIALIZER_NAMES)('with %s: round trips over TLS, verifying the server against the test CA', async (serializer) => {
      expect(problem).toBe('');
      const { rss } = await startTlsRouter();
      const run = await runPython([rss.url, '--serializer', serializer, '--ca', files.caCert]);
      expect(run.code, run.stderr + JSON.stringify(run.lines)).toBe(0);
      const result = run.lines.find((line) => 'result' in line)?.result as Record<string, unknown>;
      expect(result.call).toEqual([[3, pyBytes(Uint8Array.of(0, 1, 254, 255))], { key: pyBytes(Uint8Array.of(0, 1, 254, 255)) }]);
    });

    it('with a client certificate, against a listener that demands one (cbor)', async () => {
      expect(problem).toBe('');
      const { rss } = await startTlsRouter(true);
      const run = await runPython([rss.url, '--serializer', 'cbor', '--ca', files.caCert, '--cert', files.clientCert, '--key', files.clientKey]);
      expect(run.code, run.stderr + JSON.stringify(run.lines)).toBe(0);
    });

    it('without the test CA the python client refuses the server certificate (it really verifies)', async () => {
      expect(problem).toBe('');
      const { rss } = await startTlsRouter();
      const run = await runPython([rss.url, '--serializer', 'json', '--timeout', '10']);
      expect(run.code).not.toBe(0);
      expect(run.stderr + JSON.stringify(run.lines)).toMatch(/CERTIFICATE_VERIFY_FAILED|certificate verify failed/);
    });
  });
});
