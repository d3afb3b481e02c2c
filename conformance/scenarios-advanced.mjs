// Advanced Profile rows: RPC (progressive results, timeout, cancel, caller identification, pattern and
// shared registrations), pub/sub (pattern subscriptions, black/white listing, publisher identification,
// retention) and the meta API (session, subscription, registration meta; testaments). Same contract as
// scenarios.mjs: each row runs in every column against a fresh router, passes by returning, fails by throwing.
//
// Where the column's client library cannot express a feature, requireFeature() (or the adapter itself)
// throws NotApplicable and the cell reads `n/a`; the reasons are the adapters' LIMITS (clients/*.mjs).
// The "cross ... (column=X)" rows pair the column's client in role X with the other library, so the half of
// a feature one library can do is tested against the library that can do the other half.
import { requireFeature } from './clients.mjs';
import { deferred } from './clients/wamp-error.mjs';
import { CheckFailure, expect, expectEqual, expectError, eventually, sleep } from './check.mjs';

const PROCEDURE = 'com.example.advanced.procedure';
const TOPIC = 'com.example.advanced.topic';
const TIMEOUT = 'wamp.error.timeout';
const CANCELED = 'wamp.error.canceled';

/** Rejects with a CheckFailure naming `what` if `promise` does not settle within `ms`. */
function within(promise, ms, what) {
  let timer;
  const limit = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new CheckFailure(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** Subscribes and collects events; waitFor(n) fails the cell if fewer than n arrive within 2 s. */
async function collect(client, topic, options) {
  const events = [];
  const handle = await client.subscribe(topic, (event) => events.push(event), options);
  return {
    handle,
    events,
    async waitFor(n, what) {
      expect(await eventually(() => events.length >= n, 2000), `${what}: ${events.length} of ${n} events within 2 s`);
      return events;
    },
  };
}

/**
 * Events to one session keep their order: publishes a fence event to `topic` and waits until every
 * collector got it, so any earlier event that was going to arrive has arrived. Drops the fences.
 */
async function fence(publisher, topic, collectors) {
  await publisher.publish(topic, ['fence'], undefined, { acknowledge: true });
  for (const collector of collectors) {
    expect(
      await eventually(() => collector.events.some((event) => event.args[0] === 'fence'), 2000),
      'fence event not delivered within 2 s',
    );
    collector.events.splice(collector.events.findIndex((event) => event.args[0] === 'fence'), 1);
  }
}

/** A procedure whose calls with args ['hold'] wait until release(); any other call answers at once. */
async function holdingCallee(callee, procedure) {
  const started = [];
  const gate = deferred();
  const handle = await callee.register(procedure, async ({ args }) => {
    if (args[0] !== 'hold') return { args: ['prompt', ...args] };
    started.push(Date.now());
    await gate.promise;
    return { args: ['late'] };
  });
  return { handle, started, release: () => gate.resolve() };
}

/** The keys of `details` that start with `prefix` (caller*, publisher*), for exact comparison. */
function identity(details, prefix) {
  return Object.fromEntries(Object.entries(details ?? {}).filter(([key]) => key.startsWith(prefix)));
}

const zeroCalls = (stats) => stats().invocations === 0 && stats().timers === 0;

// ── RPC ─────────────────────────────────────────────────────────────────────

/** The callee sends progress [1], [2], [3] then the final result; the caller sees them in order, then the result. */
async function progressiveResults(callee, caller) {
  requireFeature(callee.kind, 'callee.progressive_call_results');
  let hadProgress;
  await callee.register(PROCEDURE, async ({ args, progress }) => {
    hadProgress = typeof progress === 'function';
    if (!hadProgress) return { args: ['no progress function'] };
    for (let i = 1; i <= args[0]; i++) progress([i], { step: i });
    return { args: ['done'], kwargs: { steps: args[0] } };
  });
  const progress = [];
  let finalSeenAfter;
  const result = await caller.call(PROCEDURE, [3], undefined, { onProgress: (chunk) => progress.push(chunk) }).then((value) => {
    finalSeenAfter = progress.length;
    return value;
  });
  expect(hadProgress, 'the callee got no progress function (INVOCATION.Details.receive_progress missing)');
  expectEqual(progress, [1, 2, 3].map((i) => ({ args: [i], kwargs: { step: i } })), 'progressive RESULTs');
  expectEqual(finalSeenAfter, 3, 'progressive RESULTs seen before the final RESULT');
  expectEqual(result, { args: ['done'], kwargs: { steps: 3 } }, 'final RESULT');
}

async function callTimeout({ connect, stats }) {
  const [callee, caller] = [await connect(), await connect()];
  const held = await holdingCallee(callee, PROCEDURE);
  const began = Date.now();
  await expectError(within(caller.call(PROCEDURE, ['hold'], undefined, { timeout: 200 }), 3000, 'CALL timeout 200'), TIMEOUT, 'CALL timeout 200');
  const elapsed = Date.now() - began;
  expect(held.started.length === 1, 'the callee was not invoked');
  expect(elapsed >= 150 && elapsed < 2000, `wamp.error.timeout after ${elapsed} ms for a 200 ms timeout`);
  expect(zeroCalls(stats), `router still holds the call: ${JSON.stringify(stats())}`);
  // The callee's late answer is dropped; both sessions go on.
  held.release();
  await sleep(50);
  expectEqual((await caller.call(PROCEDURE, ['again'])).args, ['prompt', 'again'], 'call after the timeout');
}

/**
 * CANCEL with `mode` while the callee works. Neither library's callee announces call_canceling, so the
 * dealer answers wamp.error.canceled at once for every mode (kill falls back to skip) and sends no INTERRUPT.
 */
function callCancel(mode) {
  return async ({ connect, kind, stats }) => {
    requireFeature(kind, `caller.cancel.${mode}`);
    const [callee, caller] = [await connect(), await connect()];
    const held = await holdingCallee(callee, PROCEDURE);
    const call = caller.call(PROCEDURE, ['hold']);
    expect(await eventually(() => held.started.length === 1, 2000), 'the callee was not invoked');
    call.cancel(mode);
    await expectError(within(call, 1000, `CANCEL ${mode}`), CANCELED, `CANCEL ${mode}`);
    expect(await eventually(() => zeroCalls(stats), 500), `router still holds the call: ${JSON.stringify(stats())}`);
    held.release();
    await sleep(50);
    expectEqual((await caller.call(PROCEDURE, ['again'])).args, ['prompt', 'again'], `call after CANCEL ${mode}`);
  };
}

async function callerIdentification({ connect }) {
  const [callee, caller] = [await connect(), await connect()];
  const seen = [];
  await callee.register(PROCEDURE, ({ details }) => {
    seen.push(identity(details, 'caller'));
    return {};
  });
  await caller.call(PROCEDURE, [], undefined, { disclose_me: true });
  await caller.call(PROCEDURE, []);
  const disclosed = { caller: caller.sessionId, caller_authid: caller.welcome.authid, caller_authrole: 'anonymous' };
  expectEqual(seen, [disclosed, {}], 'INVOCATION.Details with disclose_me, then without');
}

async function patternRegistration({ connect }) {
  const [callee, caller] = [await connect(), await connect()];
  await callee.register('com.example.pfx', ({ details }) => ({ args: ['prefix', details.procedure] }), { match: 'prefix' });
  await callee.register('com.example..wild', ({ details }) => ({ args: ['wildcard', details.procedure] }), { match: 'wildcard' });
  await callee.register('com.example.pfx.exact', () => ({ args: ['exact'] }));
  expectEqual((await caller.call('com.example.pfx.a.b')).args, ['prefix', 'com.example.pfx.a.b'], 'prefix match, Details.procedure');
  expectEqual((await caller.call('com.example.x.wild')).args, ['wildcard', 'com.example.x.wild'], 'wildcard match, Details.procedure');
  expectEqual((await caller.call('com.example.pfx.exact')).args, ['exact'], 'exact registration wins over prefix');
  await expectError(caller.call('com.example.nothing'), 'wamp.error.no_such_procedure', 'call matching no pattern');
}

async function sharedRoundrobin({ connect }) {
  const [a, b, caller] = [await connect(), await connect(), await connect()];
  const first = await a.register(PROCEDURE, () => ({ args: ['a'] }), { invoke: 'roundrobin' });
  const second = await b.register(PROCEDURE, () => ({ args: ['b'] }), { invoke: 'roundrobin' });
  expectEqual(second.id, first.id, 'both callees share one registration id');
  const order = [];
  for (let i = 0; i < 4; i++) order.push((await caller.call(PROCEDURE)).args[0]);
  expect(order.join() === 'a,b,a,b' || order.join() === 'b,a,b,a', `roundrobin answered in order ${order.join()}`);
  await expectError(caller.register(PROCEDURE, () => ({}), { invoke: 'single' }), 'wamp.error.procedure_already_exists', 'joining with invoke single');
}

// ── pub/sub ─────────────────────────────────────────────────────────────────

async function patternSubscription({ connect }) {
  const [subscriber, publisher] = [await connect(), await connect()];
  const prefix = await collect(subscriber, 'com.example.pfx', { match: 'prefix' });
  const wildcard = await collect(subscriber, 'com.example..wild', { match: 'wildcard' });
  await publisher.publish('com.example.pfx.a.b', ['p'], undefined, { acknowledge: true });
  await publisher.publish('com.example.x.wild', ['w'], undefined, { acknowledge: true });
  await publisher.publish('com.example.nothing', ['n'], undefined, { acknowledge: true });
  const [byPrefix] = await prefix.waitFor(1, 'prefix subscription');
  const [byWildcard] = await wildcard.waitFor(1, 'wildcard subscription');
  expectEqual([byPrefix.args, byPrefix.details.topic], [['p'], 'com.example.pfx.a.b'], 'prefix EVENT args, Details.topic');
  expectEqual([byWildcard.args, byWildcard.details.topic], [['w'], 'com.example.x.wild'], 'wildcard EVENT args, Details.topic');
  await fence(publisher, 'com.example.pfx.fence', [prefix]);
  await fence(publisher, 'com.example.fence.wild', [wildcard]);
  expectEqual(prefix.events.length + wildcard.events.length, 2, 'events delivered in all');
}

async function blackWhiteListing({ connect }) {
  const [publisher, s1, s2, s3] = [await connect(), await connect(), await connect(), await connect()];
  const [c1, c2, c3] = [await collect(s1, TOPIC), await collect(s2, TOPIC), await collect(s3, TOPIC)];
  await publisher.publish(TOPIC, ['listed'], undefined, { acknowledge: true, eligible: [s1.sessionId, s2.sessionId], exclude: [s2.sessionId] });
  await fence(publisher, TOPIC, [c1, c2, c3]);
  expectEqual(c1.events.map((e) => e.args), [['listed']], 'eligible, not excluded subscriber');
  expectEqual(c2.events.length, 0, 'eligible but excluded subscriber: events');
  expectEqual(c3.events.length, 0, 'subscriber not eligible: events');
}

async function publisherIdentification({ connect }) {
  const [subscriber, publisher] = [await connect(), await connect()];
  const got = await collect(subscriber, TOPIC);
  await publisher.publish(TOPIC, ['disclosed'], undefined, { acknowledge: true, disclose_me: true });
  await publisher.publish(TOPIC, ['anonymous'], undefined, { acknowledge: true });
  const [disclosed, anonymous] = await got.waitFor(2, 'EVENTs');
  const expected = { publisher: publisher.sessionId, publisher_authid: publisher.welcome.authid, publisher_authrole: 'anonymous' };
  expectEqual(identity(disclosed.details, 'publisher'), expected, 'EVENT.Details with disclose_me');
  expectEqual(identity(anonymous.details, 'publisher'), {}, 'EVENT.Details without disclose_me');
}

/** Two retained publications; a later subscriber with get_retained gets only the last, marked retained; one without gets none. */
async function eventRetention(subscriberOf, publisher) {
  requireFeature(publisher.kind, 'publisher.retain');
  await publisher.publish(TOPIC, ['old'], undefined, { acknowledge: true, retain: true });
  await publisher.publish(TOPIC, ['latest'], { n: 2 }, { acknowledge: true, retain: true });
  const late = await collect(await subscriberOf(), TOPIC, { get_retained: true });
  const plain = await collect(await subscriberOf(), TOPIC);
  const [retained] = await late.waitFor(1, 'retained EVENT');
  expectEqual([retained.args, retained.kwargs, retained.details.retained], [['latest'], { n: 2 }, true], 'retained EVENT args, kwargs, Details.retained');
  await fence(publisher, TOPIC, [late, plain]);
  expectEqual(late.events.length, 1, 'retained EVENTs with get_retained');
  expectEqual(plain.events.length, 0, 'retained EVENTs without get_retained');
}

// ── meta API ────────────────────────────────────────────────────────────────

async function sessionMeta({ connect }) {
  const watcher = await connect();
  const joins = await collect(watcher, 'wamp.session.on_join');
  const joiner = await connect();
  const [joined] = await joins.waitFor(1, 'wamp.session.on_join');
  const details = joined.args[0] ?? {};
  expectEqual([details.session, details.authid, details.authrole], [joiner.sessionId, joiner.welcome.authid, 'anonymous'], 'on_join [details] session, authid, authrole');
  expectEqual((await watcher.call('wamp.session.count')).args, [2], 'wamp.session.count');
}

async function subscriptionMeta({ connect }) {
  const [watcher, subscriber] = [await connect(), await connect()];
  const created = await collect(watcher, 'wamp.subscription.on_create');
  const handle = await subscriber.subscribe(TOPIC, () => undefined);
  const [event] = await created.waitFor(1, 'wamp.subscription.on_create');
  const [session, details] = event.args;
  expectEqual([session, details?.id, details?.uri, details?.match], [subscriber.sessionId, handle.id, TOPIC, 'exact'], 'on_create [session, {id, uri, match}]');
  expect(typeof details?.created === 'string' && !Number.isNaN(Date.parse(details.created)), `on_create details.created ${details?.created} is not a timestamp`);
  expectEqual((await watcher.call('wamp.subscription.lookup', [TOPIC])).args, [handle.id], 'wamp.subscription.lookup(topic)');
  // autobahn collapses a [null] result to nothing: accept both.
  expectEqual((await watcher.call('wamp.subscription.lookup', ['com.example.nobody'])).args[0] ?? null, null, 'lookup of an unsubscribed topic');
}

async function registrationMeta({ connect }) {
  const [watcher, callee] = [await connect(), await connect()];
  const exact = await callee.register(PROCEDURE, () => ({}));
  const prefix = await callee.register('com.example.pfx', () => ({}), { match: 'prefix' });
  expectEqual((await watcher.call('wamp.registration.lookup', [PROCEDURE])).args, [exact.id], 'wamp.registration.lookup(procedure)');
  expectEqual((await watcher.call('wamp.registration.lookup', ['com.example.pfx', { match: 'prefix' }])).args, [prefix.id], 'lookup with {match: prefix}');
  expectEqual((await watcher.call('wamp.registration.lookup', ['com.example.nobody'])).args[0] ?? null, null, 'lookup of an unregistered procedure');
}

async function testament({ connect }) {
  const [watcher, mortal] = [await connect(), await connect()];
  const heard = await collect(watcher, 'com.example.will');
  await mortal.call('wamp.session.add_testament', ['com.example.will', ['gone'], { who: mortal.sessionId }]);
  await fence(mortal, 'com.example.will', [heard]);
  expectEqual(heard.events.length, 0, 'testament EVENTs while the session lives');
  await mortal.close();
  const [event] = await heard.waitFor(1, 'testament EVENT after GOODBYE');
  expectEqual([event.args, event.kwargs], [['gone'], { who: mortal.sessionId }], 'testament EVENT args, kwargs');
}

export const SCENARIOS = [
  {
    name: 'progressive call results',
    async run({ connect }) {
      await progressiveResults(await connect(), await connect());
    },
  },
  {
    name: 'cross progressive results (column=caller)',
    async run({ connect, other, serializer }) {
      await progressiveResults(await connect(other, serializer), await connect());
    },
  },
  { name: 'call timeout', run: callTimeout },
  { name: 'call cancel skip', run: callCancel('skip') },
  { name: 'call cancel kill', run: callCancel('kill') },
  { name: 'call cancel killnowait', run: callCancel('killnowait') },
  { name: 'caller identification', run: callerIdentification },
  { name: 'pattern-based registration', run: patternRegistration },
  { name: 'shared registration roundrobin', run: sharedRoundrobin },
  { name: 'pattern-based subscription', run: patternSubscription },
  { name: 'black/white listing', run: blackWhiteListing },
  { name: 'publisher identification', run: publisherIdentification },
  {
    name: 'event retention',
    async run({ connect }) {
      await eventRetention(() => connect(), await connect());
    },
  },
  {
    name: 'cross event retention (column=subscriber)',
    async run({ connect, other, serializer }) {
      await eventRetention(() => connect(), await connect(other, serializer));
    },
  },
  { name: 'session meta', run: sessionMeta },
  { name: 'subscription meta', run: subscriptionMeta },
  { name: 'registration meta', run: registrationMeta },
  { name: 'testament', run: testament },
];
