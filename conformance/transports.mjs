// The transport section: a few rows over RawSocket (TCP, Unix socket, TLS) and TLS WebSocket, each cell
// against its own fresh router with just that listener. Same outcomes, timeouts and leak check as matrix.mjs.
// TLS: run.mjs makes a self-signed cert (openssl) in a temp dir, passes it in SPROCKET_CONFORMANCE_TLS_DIR and
// trusts it through NODE_EXTRA_CA_CERTS (Node's WebSocket takes no CA option).
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRouter } from '../dist/router/index.js';
import { connectAutobahn } from './clients/autobahn.mjs';
import { connectRawSocket } from './clients/rawsocket.mjs';
import { expect, expectEqual, eventually } from './check.mjs';
import { waitForZero, withTimeout, describe, pool } from './matrix.mjs';

const TLS_DIR = process.env.SPROCKET_CONFORMANCE_TLS_DIR;
const tlsFiles = () => ({ cert: join(TLS_DIR, 'cert.pem'), key: join(TLS_DIR, 'key.pem') });
let unixCount = 0;

/** Each column: the router listener it needs and how its client connects to the started address. */
export const TRANSPORT_COLUMNS = [
  {
    id: 'autobahn rawsocket/tcp json',
    listener: () => ({ type: 'rawsocket', host: '127.0.0.1', port: 0 }),
    connect: (a) => connectAutobahn({ type: 'rawsocket', host: a.host, port: a.port }, 'json', 'realm1'),
  },
  {
    id: 'autobahn rawsocket/unix json',
    listener: () => ({ type: 'rawsocket', host: '127.0.0.1', port: 0, unixPath: join(TLS_DIR ?? tmpdir(), `rs-${process.pid}-${unixCount++}.sock`) }),
    connect: (a) => connectAutobahn({ type: 'rawsocket', path: a.path }, 'json', 'realm1'),
  },
  ...['msgpack', 'cbor'].map((serializer) => ({
    id: `raw client rawsocket/tcp ${serializer}`,
    listener: () => ({ type: 'rawsocket', host: '127.0.0.1', port: 0 }),
    connect: (a) => connectRawSocket({ host: a.host, port: a.port }, serializer),
  })),
  {
    id: 'autobahn wss json',
    listener: () => ({ type: 'websocket', host: '127.0.0.1', port: 0, tls: tlsFiles() }),
    connect: (a) => connectAutobahn(a.url, 'json', 'realm1'),
  },
  {
    id: 'raw client rawsocket+tls json',
    listener: () => ({ type: 'rawsocket', host: '127.0.0.1', port: 0, tls: tlsFiles() }),
    connect: (a) => connectRawSocket({ host: a.host, port: a.port, tls: { ca: readFileSync(tlsFiles().cert), servername: 'localhost' } }, 'json'),
  },
];

export const TRANSPORT_SCENARIOS = [
  {
    name: 'connect',
    async run({ connect }) {
      const client = await connect();
      expect(Number.isSafeInteger(client.sessionId) && client.sessionId > 0, `WELCOME session id ${client.sessionId}`);
    },
  },
  {
    name: 'pub/sub round trip',
    async run({ connect }) {
      const [subscriber, publisher] = [await connect(), await connect()];
      const events = [];
      await subscriber.subscribe('com.example.transport.topic', (event) => events.push(event));
      await publisher.publish('com.example.transport.topic', [1, 'two'], { three: 3 }, { acknowledge: true });
      expect(await eventually(() => events.length === 1, 2000), `expected 1 EVENT, got ${events.length}`);
      expectEqual({ args: events[0].args, kwargs: events[0].kwargs }, { args: [1, 'two'], kwargs: { three: 3 } }, 'EVENT payload');
    },
  },
  {
    name: 'rpc round trip',
    async run({ connect }) {
      const [callee, caller] = [await connect(), await connect()];
      await callee.register('com.example.transport.add', ({ args }) => ({ args: [args[0] + args[1]], kwargs: {} }));
      const { args } = await caller.call('com.example.transport.add', [2, 3]);
      expectEqual(args, [5], 'RESULT args');
    },
  },
  {
    name: 'goodbye + stats back to zero',
    async run({ connect, router }) {
      const [a, b] = [await connect(), await connect()];
      await a.subscribe('com.example.transport.bye', () => undefined);
      await b.register('com.example.transport.bye', () => ({}));
      for (const client of [a, b]) {
        const { goodbyeReason } = await client.close();
        expectEqual(goodbyeReason, 'wamp.close.goodbye_and_out', 'router GOODBYE reason');
      }
      const leftover = await waitForZero(router, 2000);
      expect(!leftover, `router.stats() after GOODBYE = ${JSON.stringify(leftover)}`);
    },
  },
];

export async function runTransports(filters = []) {
  const scenarios = filters.length ? TRANSPORT_SCENARIOS.filter((s) => filters.some((f) => s.name.includes(f))) : TRANSPORT_SCENARIOS;
  const cells = scenarios.flatMap((scenario) => TRANSPORT_COLUMNS.map((column) => ({ scenario, column })));
  return pool(cells.map(({ scenario, column }) => async () => ({ scenario: scenario.name, column: column.id, ...(await runCell(scenario, column)) })), 8);
}

async function runCell(scenario, column) {
  if (!TLS_DIR) return { outcome: 'fail', reason: 'SPROCKET_CONFORMANCE_TLS_DIR not set (run through conformance/run.mjs)' };
  const router = createRouter({ log: { level: 'silent' }, listeners: [column.listener()] });
  let reason;
  let address;
  try {
    [address] = await router.start();
  } catch (error) {
    return { outcome: 'fail', reason: `router.start(): ${describe(error)}` };
  }
  const clients = [];
  const ctx = {
    router,
    async connect() {
      const client = await withTimeout(column.connect(address), 3000, 'connect timed out');
      clients.push(client);
      return client;
    },
  };
  try {
    await withTimeout(scenario.run(ctx), 5000, 'timed out after 5 s');
  } catch (error) {
    reason = describe(error);
  }
  await Promise.all(clients.map((client) => withTimeout(client.close(), 1000, 'close').catch(() => undefined)));
  const leftover = await waitForZero(router, 2000);
  if (!reason && leftover) reason = `after all clients closed, router.stats() = ${JSON.stringify(leftover)}`;
  try {
    await withTimeout(router.close(), 3000, 'router.close() did not finish');
  } catch (error) {
    reason ??= describe(error);
  }
  return reason ? { outcome: 'fail', reason } : { outcome: 'pass' };
}
