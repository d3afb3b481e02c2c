// The matrix rows. Each scenario is { name, run(ctx) } and runs once per column (client kind × serializer)
// against a fresh router. run() passes by returning and fails by throwing (CheckFailure, WampCallError, ...).
//
// ctx.kind, ctx.serializer   the column under test
// ctx.other                  the other client kind (for cross-client rows)
// ctx.connect(kind?, ser?)   opens a client (defaults: the column's); the runner closes it afterwards
// ctx.stats()                router.stats()
//
// After run() the runner closes every client and requires router.stats() to return to all zero.
import { WampCallError } from './clients.mjs';
import { deferred } from './clients/wamp-error.mjs';
import { expect, expectEqual, expectError, eventually, sleep } from './check.mjs';

const TOPIC = 'com.example.topic';
const PROCEDURE = 'com.example.procedure';
/** Long enough for a wrongly routed event to show up on localhost. */
const SILENCE_MS = 250;

// A payload that exercises every JSON type, nesting, non-ASCII and an integer above 2^32.
const ARGS = [1, -2.5, 'twö', true, null, [1, [2, 'x']], { nested: { deep: 'ok' } }];
const KWARGS = { big: 2 ** 40, text: 'ü€😀', list: [0, 'a', false], object: { k: null }, flag: false };

const isDict = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Subscribes `client` to `topic`; returns the received events and a promise of the first one. */
async function listen(client, topic) {
  const events = [];
  const first = deferred();
  const handle = await client.subscribe(topic, (event) => {
    events.push(event);
    first.resolve(event);
  });
  return { handle, events, first: first.promise };
}

/** Registers an echo procedure: result args = [...args, 'echoed'], kwargs = call kwargs. */
function registerEcho(client) {
  return client.register(PROCEDURE, ({ args, kwargs }) => ({ args: [...args, 'echoed'], kwargs }));
}

async function pubsubPayload(subscriber, publisher) {
  const { first } = await listen(subscriber, TOPIC);
  await publisher.publish(TOPIC, ARGS, KWARGS, { acknowledge: true });
  const event = await first;
  expectEqual(event.args, ARGS, 'EVENT args');
  expectEqual(event.kwargs, KWARGS, 'EVENT kwargs');
}

async function rpcRoundTrip(callee, caller) {
  await registerEcho(callee);
  const result = await caller.call(PROCEDURE, ARGS, KWARGS);
  expectEqual(result.args, [...ARGS, 'echoed'], 'RESULT args');
  expectEqual(result.kwargs, KWARGS, 'RESULT kwargs');
}

async function rpcError(callee, caller, procedure = PROCEDURE) {
  const uri = 'com.example.error.out_of_stock';
  await callee.register(procedure, () => {
    throw new WampCallError(uri, ['widget', 42], { retry: false });
  });
  const error = await expectError(caller.call(procedure, ['widget']), uri, 'call');
  expectEqual(error.args, ['widget', 42], 'ERROR args');
  expectEqual(error.kwargs, { retry: false }, 'ERROR kwargs');
}

export const SCENARIOS = [
  {
    name: 'connect',
    async run({ connect }) {
      const client = await connect();
      expect(Number.isSafeInteger(client.sessionId) && client.sessionId >= 1, `session id ${client.sessionId} is not an ID`);
      const roles = client.welcome?.roles;
      expect(isDict(roles?.broker), 'WELCOME.Details.roles.broker missing');
      expect(isDict(roles?.dealer), 'WELCOME.Details.roles.dealer missing');
    },
  },
  {
    name: 'pub/sub payload',
    async run({ connect }) {
      await pubsubPayload(await connect(), await connect());
    },
  },
  {
    name: 'pub/sub exclude_me default',
    async run({ connect }) {
      const [other, publisher] = [await connect(), await connect()];
      const otherListener = await listen(other, TOPIC);
      const own = await listen(publisher, TOPIC);
      await publisher.publish(TOPIC, ['hello'], undefined, { acknowledge: true });
      await otherListener.first;
      await sleep(SILENCE_MS);
      expect(own.events.length === 0, 'publisher received its own event (exclude_me defaults to true)');
    },
  },
  {
    name: 'publish acknowledge',
    async run({ connect }) {
      const client = await connect();
      const { publicationId } = await client.publish(TOPIC, ['no subscribers'], undefined, { acknowledge: true });
      expect(Number.isSafeInteger(publicationId) && publicationId >= 1, `PUBLISHED publication id ${publicationId} is not an ID`);
    },
  },
  {
    name: 'rpc',
    async run({ connect }) {
      await rpcRoundTrip(await connect(), await connect());
    },
  },
  {
    name: 'rpc application error',
    async run({ connect }) {
      await rpcError(await connect(), await connect());
    },
  },
  {
    name: 'no_such_procedure',
    async run({ connect }) {
      const client = await connect();
      await expectError(client.call('com.example.nobody_home', [1]), 'wamp.error.no_such_procedure', 'call');
    },
  },
  {
    name: 'invalid_uri',
    async run({ connect }) {
      const client = await connect();
      await expectError(client.register('wamp.reserved.x', () => ({})), 'wamp.error.invalid_uri', 'register wamp.reserved.x');
      // The session must survive the error.
      await registerEcho(client);
      const { args } = await client.call(PROCEDURE, ['still here']);
      expectEqual(args, ['still here', 'echoed'], 'call after invalid_uri');
    },
  },
  {
    name: 'unsubscribe/unregister',
    async run({ connect, stats }) {
      const [client, peer] = [await connect(), await connect()];
      const listener = await listen(client, TOPIC);
      const registration = await registerEcho(client);
      await client.unsubscribe(listener.handle);
      await client.unregister(registration);
      expectEqual(stats().subscriptions, 0, 'router subscriptions after unsubscribe');
      expectEqual(stats().registrations, 0, 'router registrations after unregister');
      await peer.publish(TOPIC, ['after unsubscribe'], undefined, { acknowledge: true });
      await expectError(peer.call(PROCEDURE, []), 'wamp.error.no_such_procedure', 'call after unregister');
      await sleep(SILENCE_MS);
      expect(listener.events.length === 0, 'event delivered after unsubscribe');
    },
  },
  {
    name: 'goodbye',
    async run({ connect, stats }) {
      const client = await connect();
      await listen(client, TOPIC);
      await registerEcho(client);
      const { clean, goodbyeReason } = await client.close();
      expectEqual(goodbyeReason, 'wamp.close.goodbye_and_out', 'router GOODBYE reply reason');
      expect(clean, 'WebSocket did not close cleanly');
      const zero = () => Object.values(stats()).every((count) => count === 0);
      expect(await eventually(zero, 2000), `router.stats() not zero 2 s after close: ${JSON.stringify(stats())}`);
    },
  },
  {
    name: 'cross rpc (column=callee)',
    async run({ connect, other, serializer }) {
      const [callee, caller] = [await connect(), await connect(other, serializer)];
      await rpcRoundTrip(callee, caller);
      await rpcError(callee, caller, 'com.example.failing');
    },
  },
  {
    name: 'cross pub/sub (column=subscriber)',
    async run({ connect, other, serializer }) {
      await pubsubPayload(await connect(), await connect(other, serializer));
    },
  },
];
