// WAMP-over-RawSocket on TCP and a Unix domain socket (advanced/transport_rawsocket.md): real
// clients (AutobahnJS's Node RawSocket transport with JSON, Autobahn|Python with json, msgpack and
// cbor, the project's raw client with all three), cross-transport traffic with WebSocket clients,
// and raw octets for every handshake error and illegal frame. Every test ends at zero.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createRouter, type ListenAddress, type Router, type RouterOptions } from '../../router/index.js';
import type { RawSocketListenerConfig } from '../../router/config.js';
import { FrameType, encodeFrameHeader, encodeHandshake } from '../../router/transports/rawsocket-frames.js';
import { expectAllZero } from '../helpers/router.js';
import { connectAutobahn, SERIALIZER_NAMES, type AutobahnClient, type SerializerName } from '../helpers/clients.js';
import { connectRawSocket, exchange, openStream, type RawSocketClient, type RawSocketTarget } from '../helpers/raw-rawsocket.js';
import { pyBytes, pythonProblem, runPython, startPython, type PythonProcess } from '../helpers/python-client.js';

const WELCOME = 2, ABORT = 3, GOODBYE = 6, PUBLISH = 16, PUBLISHED = 17, SUBSCRIBE = 32, SUBSCRIBED = 33, EVENT = 36;
const CALL = 48, RESULT = 50, REGISTER = 64, REGISTERED = 65, INVOCATION = 68, YIELD = 70;
const PROTOCOL_VIOLATION = 'wamp.error.protocol_violation';

/** IDs from msgpack/cbor may decode as bigint. */
const num = (value: unknown): number => Number(value as number | bigint);

interface RawRouter {
  router: Router;
  ws: ListenAddress;
  tcp: ListenAddress;
  unix: ListenAddress;
  dir: string;
  logs: string[];
}

let running: RawRouter[] = [];
let clients: Array<{ close(): Promise<void> }> = [];

/** A router with a WebSocket listener, a RawSocket TCP listener and a RawSocket Unix listener. */
async function startRawRouter(extra: Partial<RawSocketListenerConfig> = {}, options: RouterOptions = {}): Promise<RawRouter> {
  const dir = mkdtempSync(join(tmpdir(), 'sprocket-rs-'));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const router = createRouter({
    logger: pino({ level: 'warn' }, sink),
    ...options,
    listeners: [
      { type: 'websocket', host: '127.0.0.1', port: 0 },
      { type: 'rawsocket', host: '127.0.0.1', port: 0, ...extra },
      { type: 'rawsocket', unixPath: join(dir, 'router.sock'), ...extra },
    ],
  });
  const [ws, tcp, unix] = await router.start();
  const entry = { router, ws, tcp, unix, dir, logs };
  running.push(entry);
  return entry;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close().catch(() => undefined)));
  const routers = running.splice(0);
  try {
    for (const { router } of routers) await expectAllZero(router);
  } finally {
    for (const { router, dir } of routers) {
      await router.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

type Via = 'tcp' | 'unix';
const VIAS: Via[] = ['tcp', 'unix'];
const target = (r: RawRouter, via: Via): RawSocketTarget => (via === 'tcp' ? { host: '127.0.0.1', port: r.tcp.port } : { path: r.unix.path });

async function raw(r: RawRouter, via: Via, serializer: SerializerName = 'json', maxLength?: number): Promise<RawSocketClient> {
  const client = await connectRawSocket({ ...target(r, via), serializer, maxLength });
  clients.push(client);
  return client;
}

async function joinedRaw(r: RawRouter, via: Via, serializer: SerializerName = 'json', maxLength?: number): Promise<RawSocketClient> {
  const client = await raw(r, via, serializer, maxLength);
  const welcome = await client.join();
  expect(welcome[0]).toBe(WELCOME);
  return client;
}

async function autobahnRaw(r: RawRouter, via: Via): Promise<AutobahnClient> {
  const transport = via === 'tcp' ? { type: 'rawsocket', host: '127.0.0.1', port: r.tcp.port } : { type: 'rawsocket', path: r.unix.path };
  const client = await connectAutobahn(r.tcp.url, 'json', 'realm1', { transports: [transport] });
  clients.push(client);
  return client;
}

async function autobahnWs(r: RawRouter, serializer: SerializerName): Promise<AutobahnClient> {
  const client = await connectAutobahn(r.ws.url, serializer);
  clients.push(client);
  return client;
}

describe('listen addresses and config', () => {
  it('addresses: rs://127.0.0.1:PORT for TCP, rs://unix:/PATH for a Unix socket, ws:// unchanged', async () => {
    const r = await startRawRouter();
    expect(r.tcp).toMatchObject({ type: 'rawsocket', host: '127.0.0.1', tls: false, url: `rs://127.0.0.1:${r.tcp.port}` });
    expect(r.tcp.port).toBeGreaterThan(0);
    expect(r.unix).toMatchObject({ type: 'rawsocket', port: 0, path: join(r.dir, 'router.sock'), url: `rs://unix:${join(r.dir, 'router.sock')}` });
    expect(r.ws.url).toBe(`ws://127.0.0.1:${r.ws.port}/ws`);
    expect(r.router.addresses()).toEqual([r.ws, r.tcp, r.unix]);
  });

  it.each([
    ['path on a rawsocket listener', { type: 'rawsocket', path: '/ws' }, 'listeners[0].path: not allowed for this listener type'],
    ['unixPath on a websocket listener', { type: 'websocket', unixPath: '/tmp/x.sock' }, 'listeners[0].unixPath: not allowed for this listener type'],
    ['maxConnections below 1', { type: 'rawsocket', maxConnections: 0 }, 'listeners[0].maxConnections: must be >= 1'],
    ['tls without key', { type: 'rawsocket', tls: { cert: 'c.pem' } }, "listeners[0].tls: must have required property 'key'"],
    ['unknown listener type', { type: 'longpoll' }, 'listeners[0].type: must be one of "websocket", "rawsocket"'],
  ])('config: %s → ConfigError naming the path', (_name, listener, problem) => {
    let error: unknown;
    try {
      createRouter({ listeners: [listener as never] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([problem]);
  });

  it('a stale Unix socket file is replaced; a path a live server holds is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sprocket-rs-'));
    const path = join(dir, 'stale.sock');
    try {
      // a socket file nobody listens on: a server that is gone without unlinking
      const holder = createNetServer();
      await new Promise<void>((resolve) => holder.listen(path, resolve));
      const live = createRouter({ log: { level: 'silent' }, listeners: [{ type: 'rawsocket', unixPath: path }] });
      await expect(live.start()).rejects.toThrow(`Unix socket ${path} is in use by another process`);
      await live.close();
      await new Promise<void>((resolve) => holder.close(() => resolve()));
      writeFileSync(path, ''); // leftover file, no listener
      const router = createRouter({ log: { level: 'silent' }, listeners: [{ type: 'rawsocket', unixPath: path }] });
      await router.start();
      const client = await connectRawSocket({ path });
      expect((await client.join())[0]).toBe(WELCOME);
      await client.leave();
      await expectAllZero(router);
      await router.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(VIAS)('AutobahnJS (Node RawSocket transport, JSON) over %s', (via) => {
  it('pub/sub and RPC between two RawSocket sessions', async () => {
    const r = await startRawRouter();
    const a = await autobahnRaw(r, via);
    const b = await autobahnRaw(r, via);
    expect(a.details).toMatchObject({ authrole: 'anonymous' });
    await a.session.register('com.example.add', (args) => (args[0] as number) + (args[1] as number));
    expect(await b.session.call('com.example.add', [2, 3])).toBe(5);
    const got = new Promise<unknown[]>((resolve) => void a.session.subscribe('com.example.topic', (args) => resolve(args)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await b.session.publish('com.example.topic', [1, 'two', { three: 3 }], {}, { acknowledge: true });
    expect(await got).toEqual([1, 'two', { three: 3 }]);
  });

  it('cross-transport: a RawSocket callee called from a WebSocket caller (msgpack), and a WebSocket publisher to a RawSocket subscriber', async () => {
    const r = await startRawRouter();
    const callee = await autobahnRaw(r, via);
    const caller = await autobahnWs(r, 'msgpack');
    await callee.session.register('com.example.concat', (args, kwargs) => `${String(args[0])}-${String(kwargs.tail)}`);
    expect(await caller.session.call('com.example.concat', ['head'], { tail: 'tail' })).toBe('head-tail');
    let resolveEvent: (args: unknown[]) => void = () => undefined;
    const event = new Promise<unknown[]>((resolve) => (resolveEvent = resolve));
    await callee.session.subscribe('com.example.feed', (args) => resolveEvent(args));
    await caller.session.publish('com.example.feed', ['from ws'], {}, { acknowledge: true });
    expect(await event).toEqual(['from ws']);
  });
});

describe.each(SERIALIZER_NAMES)('raw client over RawSocket with %s', (serializer) => {
  it.each(VIAS)('over %s: handshake reply echoes the serializer with the router limit; pub/sub and RPC round trips with binary values', async (via) => {
    const r = await startRawRouter();
    const a = await joinedRaw(r, via, serializer);
    const b = await joinedRaw(r, via, serializer);
    expect(a.reply).toEqual({ ok: true, serializerId: { json: 1, msgpack: 2, cbor: 3 }[serializer], maxLength: 2 ** 24 });
    const binary = Uint8Array.of(0, 1, 254, 255);

    a.send([SUBSCRIBE, 1, {}, 'com.example.topic']);
    const [subscribed, , subscription] = await a.next();
    expect(subscribed).toBe(SUBSCRIBED);
    b.send([PUBLISH, 2, { acknowledge: true }, 'com.example.topic', serializer === 'json' ? ['x', `\u0000${Buffer.from(binary).toString('base64')}`] : ['x', binary]]);
    expect((await b.next())[0]).toBe(PUBLISHED);
    const event = await a.next();
    expect(event[0]).toBe(EVENT);
    expect(num(event[1])).toBe(num(subscription));
    const args = event[4] as unknown[];
    expect(args[0]).toBe('x');
    if (serializer === 'json') expect(args[1]).toBe(`\u0000${Buffer.from(binary).toString('base64')}`);
    else expect(Buffer.from(args[1] as Uint8Array)).toEqual(Buffer.from(binary));

    a.send([REGISTER, 3, {}, 'com.example.double']);
    expect((await a.next())[0]).toBe(REGISTERED);
    b.send([CALL, 4, {}, 'com.example.double', [21]]);
    const invocation = await a.next();
    expect(invocation[0]).toBe(INVOCATION);
    a.send([YIELD, invocation[1], {}, [(invocation[4] as number[])[0] * 2]]);
    expect(await b.next()).toEqual([RESULT, 4, {}, [42]]);
    await a.leave();
    await b.leave();
  });
});

describe('Autobahn|Python over RawSocket', () => {
  let problem = '';
  beforeAll(() => {
    problem = pythonProblem();
  });

  describe.each(SERIALIZER_NAMES)('with %s', (serializer) => {
    it.each(VIAS)('over %s: subscribe/publish to itself and register/call itself, bytes intact', async (via) => {
      expect(problem).toBe('');
      const r = await startRawRouter();
      const url = via === 'tcp' ? r.tcp.url : r.unix.url;
      const run = await runPython([url, '--serializer', serializer, '--mode', 'roundtrip']);
      expect(run.code, run.stderr + JSON.stringify(run.lines)).toBe(0);
      const result = run.lines.find((line) => 'result' in line)?.result as Record<string, unknown>;
      expect(result.event).toEqual([[1, 'two', pyBytes(Uint8Array.of(0, 1, 254, 255))], { k: 'v' }]);
      expect(result.call).toEqual([[3, pyBytes(Uint8Array.of(0, 1, 254, 255))], { key: pyBytes(Uint8Array.of(0, 1, 254, 255)) }]);
    });
  });

  it.each([
    ['msgpack', 'json'],
    ['cbor', 'msgpack'],
    ['json', 'cbor'],
  ] as Array<[SerializerName, SerializerName]>)(
    'cross-transport: a RawSocket callee (python, %s) called from a WebSocket caller (autobahn, %s); WebSocket publisher → python subscriber',
    async (pySerializer, wsSerializer) => {
      expect(problem).toBe('');
      const r = await startRawRouter();
      const python: PythonProcess = startPython([r.tcp.url, '--serializer', pySerializer, '--mode', 'callee']);
      try {
        await python.waitFor((line) => line.ready === true);
        const caller = await autobahnWs(r, wsSerializer);
        expect(await caller.session.call('com.example.py.add', [40, 2])).toBe(42);
        // bytes cross serializers and transports: AutobahnJS's JSON serializer has no binary support, so
        // that caller writes the JSON convention (NUL + base64) itself; msgpack/cbor carry bytes natively
        if (wsSerializer === 'json') {
          const reversed = await caller.session.call('com.example.py.reverse_bytes', [`\u0000${Buffer.from([1, 2, 3]).toString('base64')}`]);
          expect(reversed).toBe(`\u0000${Buffer.from([3, 2, 1]).toString('base64')}`);
        } else {
          const reversed = await caller.session.call('com.example.py.reverse_bytes', [Uint8Array.of(1, 2, 3)]);
          expect(Buffer.from(reversed as Uint8Array)).toEqual(Buffer.from([3, 2, 1]));
        }
        await caller.session.publish('com.example.py.feed', ['hello', 7], {}, { acknowledge: true });
        expect(await python.waitFor((line) => 'event' in line)).toMatchObject({ event: ['hello', 7] });
        expect(await caller.session.call('com.example.py.stop')).toBe('stopping');
        const exit = await python.exited;
        expect(exit.code, exit.stderr).toBe(0);
      } finally {
        python.child.kill();
      }
    },
  );
});

describe('handshake errors (raw octets)', () => {
  it('first octet not 0x7F (an HTTP request) → connection failed, no reply octets', async () => {
    const r = await startRawRouter();
    const result = await exchange(target(r, 'tcp'), Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(result).toEqual({ bytes: Buffer.alloc(0), closed: true });
  });

  it.each([
    ['0 (illegal)', 0x00],
    ['4 (UBJSON)', 0x04],
    ['5 (FlatBuffers)', 0x05],
    ['15 (reserved)', 0x0f],
  ])('serializer %s → error reply 0x7F 0x10 (1: serializer unsupported), then close', async (_name, serializerId) => {
    const r = await startRawRouter();
    const result = await exchange(target(r, 'tcp'), Uint8Array.of(0x7f, 0xf0 | serializerId, 0, 0));
    expect([...result.bytes]).toEqual([0x7f, 0x10, 0, 0]);
    expect(result.closed).toBe(true);
  });

  it('reserved third/fourth octet set → error reply 0x7F 0x30 (3: use of reserved bits), then close', async () => {
    const r = await startRawRouter();
    for (const octets of [Uint8Array.of(0x7f, 0xf1, 0x01, 0), Uint8Array.of(0x7f, 0xf1, 0, 0xff)]) {
      const result = await exchange(target(r, 'unix'), octets);
      expect([...result.bytes]).toEqual([0x7f, 0x30, 0, 0]);
      expect(result.closed).toBe(true);
    }
  });

  it('client receive limit below minClientMessageSize → error reply 0x7F 0x20 (2: maximum message length unacceptable)', async () => {
    const r = await startRawRouter({ minClientMessageSize: 4096 });
    const refused = await exchange(target(r, 'tcp'), encodeHandshake(1, 2048));
    expect([...refused.bytes]).toEqual([0x7f, 0x20, 0, 0]);
    expect(refused.closed).toBe(true);
    const accepted = await connectRawSocket({ ...target(r, 'tcp'), maxLength: 4096 });
    expect(accepted.reply.ok).toBe(true);
    await accepted.close();
  });

  it('maxConnections reached → error reply 0x7F 0x40 (4: maximum connection count reached); a slot frees when a client leaves', async () => {
    const r = await startRawRouter({ maxConnections: 1 });
    const first = await joinedRaw(r, 'tcp');
    const refused = await exchange(target(r, 'tcp'), encodeHandshake(1, 2 ** 24));
    expect([...refused.bytes]).toEqual([0x7f, 0x40, 0, 0]);
    expect(refused.closed).toBe(true);
    await expect(connectRawSocket(target(r, 'tcp'))).rejects.toThrow('RawSocket handshake refused: maximum connection count reached');
    await first.leave();
    const again = await joinedRaw(r, 'tcp');
    await again.leave();
  });

  it('the reply announces the largest power of two ≤ maxMessageSize: 1000000 → LLLL=10 (2^19)', async () => {
    const r = await startRawRouter({ maxMessageSize: 1_000_000 });
    const result = await exchange(target(r, 'tcp'), Uint8Array.of(0x7f, 0xf2, 0, 0), 300);
    expect([...result.bytes]).toEqual([0x7f, 0xa2, 0, 0]);
    expect(result.closed).toBe(false);
  });

  it('no handshake within helloTimeoutMs → connection closed without a reply', async () => {
    const r = await startRawRouter({ helloTimeoutMs: 200 });
    const started = Date.now();
    const result = await exchange(target(r, 'tcp'), Uint8Array.of(0x7f), 3000);
    expect(result).toEqual({ bytes: Buffer.alloc(0), closed: true });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('handshake octets trickled in slower than helloTimeoutMs in total → dropped at helloTimeoutMs, not kept alive by each octet', async () => {
    const r = await startRawRouter({ helloTimeoutMs: 300 });
    const socket = await openStream(target(r, 'tcp'));
    const started = Date.now();
    const closedAt = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
    socket.on('error', () => undefined);
    for (const octet of [0x7f, 0xf1, 0x00]) {
      if (socket.destroyed) break;
      socket.write(Uint8Array.of(octet));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // an idle timeout restarted by each octet would close at ~800 ms (last octet at 500 ms + 300)
    const elapsed = await closedAt;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(700);
  });

  it('handshake but no HELLO within helloTimeoutMs → ABORT wamp.error.timeout', async () => {
    const r = await startRawRouter({ helloTimeoutMs: 200 });
    const client = await raw(r, 'unix');
    const abort = await client.next(3000);
    expect(abort[0]).toBe(ABORT);
    expect(abort[2]).toBe('wamp.error.timeout');
    await client.closed;
  });
});

describe.each(VIAS)('frames over %s', (via) => {
  it('PING → PONG echoing the payload exactly (empty, text, binary), before and after HELLO', async () => {
    const r = await startRawRouter();
    const client = await raw(r, via);
    client.sendFrame(FrameType.ping, new Uint8Array(0));
    expect([...(await client.nextPong())]).toEqual([]);
    client.sendFrame(FrameType.ping, Buffer.from('are you there?'));
    expect((await client.nextPong()).toString()).toBe('are you there?');
    expect((await client.join())[0]).toBe(WELCOME);
    const binary = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
    client.sendFrame(FrameType.ping, binary);
    expect([...(await client.nextPong())]).toEqual([...binary]);
    await client.leave();
  });

  it('an unsolicited PONG is ignored; the session goes on', async () => {
    const r = await startRawRouter();
    const client = await joinedRaw(r, via);
    client.sendFrame(FrameType.pong, Buffer.from('x'));
    client.send([SUBSCRIBE, 1, {}, 'com.example.t']);
    expect((await client.next())[0]).toBe(SUBSCRIBED);
    await client.leave();
  });

  it('a message exactly at the router limit (1024) is accepted; one octet over → ABORT wamp.error.protocol_violation, connection closed', async () => {
    const r = await startRawRouter({ maxMessageSize: 1024 });
    const client = await joinedRaw(r, via);
    expect(client.reply.maxLength).toBe(1024);
    const prefix = JSON.stringify([PUBLISH, 1, { acknowledge: true }, 'com.example.t', ['']]);
    const exact = JSON.stringify([PUBLISH, 1, { acknowledge: true }, 'com.example.t', ['x'.repeat(1024 - prefix.length)]]);
    expect(Buffer.byteLength(exact)).toBe(1024);
    client.sendFrame(FrameType.message, Buffer.from(exact));
    expect((await client.next())[0]).toBe(PUBLISHED);
    client.sendFrame(FrameType.message, Buffer.from(exact.replace('"x', '"xx')));
    const abort = await client.next();
    expect(abort).toEqual([ABORT, { message: 'frame of 1025 octets exceeds the negotiated limit of 1024 octets' }, PROTOCOL_VIOLATION]);
    await client.closed;
  });

  it('a header announcing 2^24 (X bit) to a router with a 64 KiB limit → ABORT wamp.error.protocol_violation before any payload', async () => {
    const r = await startRawRouter({ maxMessageSize: 65536 });
    const client = await raw(r, via);
    client.sendRaw(encodeFrameHeader(FrameType.message, 2 ** 24));
    const abort = await client.next();
    expect(abort[2]).toBe(PROTOCOL_VIOLATION);
    expect((abort[1] as { message: string }).message).toContain('frame of 16777216 octets exceeds');
    await client.closed;
  });

  it('reserved bits in a frame header → ABORT wamp.error.protocol_violation', async () => {
    const r = await startRawRouter();
    const client = await joinedRaw(r, via);
    client.sendRaw(Uint8Array.of(0x40, 0, 0, 2, 0x5b, 0x5d));
    const abort = await client.next();
    expect(abort[2]).toBe(PROTOCOL_VIOLATION);
    expect((abort[1] as { message: string }).message).toBe('reserved bits set in frame header (first octet 0x40)');
    await client.closed;
  });

  it.each([3, 7])('frame type %i (reserved) → ABORT wamp.error.protocol_violation', async (type) => {
    const r = await startRawRouter();
    const client = await joinedRaw(r, via);
    client.sendFrame(type, Buffer.from('[]'));
    const abort = await client.next();
    expect(abort).toEqual([ABORT, { message: `unknown frame type ${type} (0 message, 1 PING, 2 PONG)` }, PROTOCOL_VIOLATION]);
    await client.closed;
  });

  it('a json frame that is not UTF-8, and a msgpack frame that is not msgpack → ABORT wamp.error.protocol_violation', async () => {
    const r = await startRawRouter();
    const json = await raw(r, via, 'json');
    json.sendFrame(FrameType.message, Uint8Array.of(0x5b, 0xff, 0xfe, 0x5d));
    expect((await json.next())[2]).toBe(PROTOCOL_VIOLATION);
    await json.closed;
    const msgpack = await raw(r, via, 'msgpack');
    msgpack.sendFrame(FrameType.message, Uint8Array.of(0xc1));
    expect((await msgpack.next())[2]).toBe(PROTOCOL_VIOLATION);
    await msgpack.closed;
  });
});

describe('the client-announced limit', () => {
  it('a client announcing 512 octets: its WELCOME (~600-800 octets) is not sent → ABORT wamp.error.payload_size_exceeded', async () => {
    const r = await startRawRouter();
    const tiny = await raw(r, 'tcp', 'json', 512);
    const abort = await tiny.join();
    expect(abort[0]).toBe(ABORT);
    expect(abort[2]).toBe('wamp.error.payload_size_exceeded');
    await tiny.closed;
    expect(tiny.failure).toBeUndefined();
    expect(tiny.received).toHaveLength(1);
  });

  it.each(VIAS)(
    'over %s: an EVENT larger than the 1024 octets the client announced is never sent → ABORT wamp.error.payload_size_exceeded, warn log line',
    async (via) => {
      const r = await startRawRouter();
      const small = await joinedRaw(r, via, 'msgpack', 1024);
      const publisher = await autobahnWs(r, 'json');
      small.send([SUBSCRIBE, 1, {}, 'com.example.big']);
      expect((await small.next())[0]).toBe(SUBSCRIBED);
      await publisher.session.publish('com.example.big', ['fits'], {}, { acknowledge: true });
      expect((await small.next())[4]).toEqual(['fits']);
      await publisher.session.publish('com.example.big', ['y'.repeat(2000)], {}, { acknowledge: true });
      const abort = await small.next();
      expect(abort[0]).toBe(ABORT);
      expect(abort[2]).toBe('wamp.error.payload_size_exceeded');
      expect((abort[1] as { message: string }).message).toMatch(/^a \d+-octet message exceeds the 1024-octet limit this client announced/);
      await small.closed;
      expect(small.failure).toBeUndefined(); // no frame over 1024 octets reached the client
      // nothing after the gap but the ABORT
      expect(small.received.map((message) => message[0])).toEqual([WELCOME, SUBSCRIBED, EVENT, ABORT]);
      expect(r.logs.join('')).toContain('limit this client announced');
      // the publisher's session is unaffected
      await publisher.session.publish('com.example.big', ['still here'], {}, { acknowledge: true });
    },
  );

  it('a RESULT larger than a RawSocket caller announced → ABORT wamp.error.payload_size_exceeded; the callee goes on', async () => {
    const r = await startRawRouter();
    const callee = await autobahnWs(r, 'cbor');
    await callee.session.register('com.example.big', () => 'z'.repeat(5000));
    const caller = await joinedRaw(r, 'tcp', 'json', 1024);
    caller.send([CALL, 1, {}, 'com.example.big', []]);
    const abort = await caller.next();
    expect(abort[2]).toBe('wamp.error.payload_size_exceeded');
    await caller.closed;
    expect(await callee.session.call('com.example.big')).toHaveLength(5000);
  });
});

describe('router shutdown', () => {
  it('router.close() sends GOODBYE wamp.close.system_shutdown to RawSocket sessions and drops connections still in the handshake', async () => {
    const r = await startRawRouter();
    const client = await joinedRaw(r, 'unix', 'cbor');
    const stalled = exchange(target(r, 'tcp'), Uint8Array.of(0x7f, 0xf1), 5000);
    const closing = r.router.close();
    const goodbye = await client.next();
    expect(goodbye[0]).toBe(GOODBYE);
    expect(goodbye[2]).toBe('wamp.close.system_shutdown');
    client.send([GOODBYE, {}, 'wamp.close.goodbye_and_out']);
    await closing;
    await client.closed;
    expect((await stalled).closed).toBe(true);
    expect(r.router.stats()).toEqual({ sessions: 0, subscriptions: 0, registrations: 0, invocations: 0, timers: 0 });
  });
});
