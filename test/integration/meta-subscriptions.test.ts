// Subscription meta API with real clients over each serializer: the four meta events and their
// order, the six procedures, and the remove_subscriber extension.
// spec: advanced/meta_api_subscriptions.md, advanced/pubsub_subscription_revocation.md
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRouter, expectAllZero, eventually, type TestRouter } from '../helpers/router.js';
import { SERIALIZER_NAMES, type AutobahnSession } from '../helpers/clients.js';
import type { RawPeer } from '../helpers/raw.js';
import { Clients, autobahnError, isWampId, nextMessage, norm, sleep, wampyError } from '../helpers/autobahn-extra.js';
import type { WampError } from '../../router/index.js';

let t: TestRouter;
let clients: Clients;

beforeEach(async () => {
  t = await startRouter({ realms: [{ name: 'realm1' }, { name: 'ops', metaApi: { allowKill: ['admin'] } }] });
  clients = new Clients();
});

afterEach(async () => {
  await clients.closeAll();
  try {
    await expectAllZero(t.router);
  } finally {
    await t.router.close();
  }
});

const META_EVENTS = ['on_create', 'on_subscribe', 'on_unsubscribe', 'on_delete'];

/** Subscribes to the four subscription meta events; records [event name, args] in arrival order. */
async function watch(session: AutobahnSession): Promise<Array<[string, unknown[]]>> {
  const seen: Array<[string, unknown[]]> = [];
  for (const name of META_EVENTS) await session.subscribe(`wamp.subscription.${name}`, (args) => void seen.push([name, args]));
  return seen;
}

async function subscribeRaw(peer: RawPeer, request: number, topic: string, options: Record<string, unknown> = {}): Promise<number> {
  peer.send([32, request, options, topic]);
  const reply = await nextMessage(peer);
  expect(reply.slice(0, 2)).toEqual([33, request]);
  return reply[2] as number;
}

describe.each(SERIALIZER_NAMES)('subscription meta API over %s', (serializer) => {
  it('on_create [session, {id, created, uri, match}] comes before on_subscribe [session, id]; on_unsubscribe comes before on_delete', async () => {
    const watcher = await clients.autobahn(t.url, serializer);
    const seen = await watch(watcher.session);
    const w = await clients.wampy(t.url, serializer);
    const wId = Number(w.getSessionId());
    const before = Date.now();
    const subscribed = await w.subscribe('com.example.meta.topic', () => undefined);
    const subscription = Number(subscribed.subscriptionId);
    expect(await eventually(() => seen.length === 2)).toBe(true);
    expect(seen.map(([name]) => name)).toEqual(['on_create', 'on_subscribe']);
    const [session, details] = seen[0][1] as [number, Record<string, unknown>];
    expect(session).toBe(wId);
    expect(details).toMatchObject({ id: subscription, uri: 'com.example.meta.topic', match: 'exact' });
    expect(Date.parse(details.created as string)).toBeGreaterThanOrEqual(before - 1000);
    expect(seen[1][1]).toEqual([wId, subscription]);

    // a second subscriber: on_subscribe only; it leaves: on_unsubscribe only
    const { peer, sessionId: rawId } = await clients.rawJoined(t.url, serializer);
    expect(await subscribeRaw(peer, 1, 'com.example.meta.topic')).toBe(subscription);
    expect(await eventually(() => seen.length === 3)).toBe(true);
    expect(seen[2]).toEqual(['on_subscribe', [rawId, subscription]]);
    peer.send([34, 2, subscription]);
    expect(await nextMessage(peer)).toEqual([35, 2]);
    expect(await eventually(() => seen.length === 4)).toBe(true);
    expect(seen[3]).toEqual(['on_unsubscribe', [rawId, subscription]]);

    // the last subscriber leaves: on_unsubscribe, then on_delete
    await w.unsubscribe('com.example.meta.topic');
    expect(await eventually(() => seen.length === 6)).toBe(true);
    expect(seen.slice(4)).toEqual([
      ['on_unsubscribe', [wId, subscription]],
      ['on_delete', [wId, subscription]],
    ]);
  });

  it('a dropped connection fires on_unsubscribe then on_delete for each subscription it held alone; a pattern subscription reports its match', async () => {
    const watcher = await clients.autobahn(t.url, serializer);
    const seen = await watch(watcher.session);
    const { peer, sessionId } = await clients.rawJoined(t.url, serializer);
    const prefix = await subscribeRaw(peer, 1, 'com.example.meta', { match: 'prefix' });
    expect(await eventually(() => seen.length === 2)).toBe(true);
    expect((seen[0][1][1] as Record<string, unknown>).match).toBe('prefix');
    peer.socket.terminate();
    expect(await eventually(() => seen.length === 4)).toBe(true);
    expect(seen.slice(2)).toEqual([
      ['on_unsubscribe', [sessionId, prefix]],
      ['on_delete', [sessionId, prefix]],
    ]);
  });

  it('no meta events about subscriptions to wamp.* topics', async () => {
    const watcher = await clients.autobahn(t.url, serializer);
    const seen = await watch(watcher.session);
    const other = await clients.autobahn(t.url, serializer);
    const meta = await other.session.subscribe('wamp.session.on_join', () => undefined);
    await other.session.unsubscribe(meta);
    await other.session.subscribe('com.example.meta.visible', () => undefined);
    expect(await eventually(() => seen.length === 2)).toBe(true);
    await sleep(50);
    // only the visible subscription was reported
    expect(seen.map(([name]) => name)).toEqual(['on_create', 'on_subscribe']);
    expect(seen[0][1][1]).toMatchObject({ uri: 'com.example.meta.visible' });
  });

  it('wamp.subscription.list / lookup / match / get / list_subscribers / count_subscribers answer per spec; wamp.* subscriptions are hidden', async () => {
    const a = await clients.autobahn(t.url, serializer);
    const w = await clients.wampy(t.url, serializer);
    const hidden = await a.session.subscribe('wamp.session.on_join', () => undefined);
    const exact = (await a.session.subscribe('com.example.meta.a.b', () => undefined)).id;
    const prefix = (await a.session.subscribe('com.example.meta', () => undefined, { match: 'prefix' })).id;
    const wildcard = (await a.session.subscribe('com.example.meta..b', () => undefined, { match: 'wildcard' })).id;
    expect(Number((await w.subscribe('com.example.meta.a.b', () => undefined)).subscriptionId)).toBe(exact);

    expect(await a.session.call('wamp.subscription.list')).toEqual({ exact: [exact], prefix: [prefix], wildcard: [wildcard] });
    expect(norm((await w.call('wamp.subscription.list', { argsList: [] })).argsList)).toEqual([{ exact: [exact], prefix: [prefix], wildcard: [wildcard] }]);

    expect(await a.session.call('wamp.subscription.lookup', ['com.example.meta.a.b'])).toBe(exact);
    expect(await a.session.call('wamp.subscription.lookup', ['com.example.meta', { match: 'prefix' }])).toBe(prefix);
    expect(await a.session.call('wamp.subscription.lookup', ['com.example.meta'])).toBeNull();
    expect(await a.session.call('wamp.subscription.lookup', ['wamp.session.on_join'])).toBeNull();
    expect((await autobahnError(a.session.call('wamp.subscription.lookup', ['x', { match: 'fuzzy' }]))).error).toBe('wamp.error.invalid_argument');

    const matched = (await a.session.call('wamp.subscription.match', ['com.example.meta.a.b'])) as number[];
    expect([...matched].sort()).toEqual([exact, prefix, wildcard].sort());
    expect(await a.session.call('wamp.subscription.match', ['org.nothing.here'])).toBeNull();
    expect(await a.session.call('wamp.subscription.match', ['wamp.session.on_join'])).toBeNull();

    const details = (await a.session.call('wamp.subscription.get', [prefix])) as Record<string, unknown>;
    expect(details).toMatchObject({ id: prefix, uri: 'com.example.meta', match: 'prefix' });
    expect(new Date(details.created as string).toISOString()).toBe(details.created);
    const subscribers = (await a.session.call('wamp.subscription.list_subscribers', [exact])) as number[];
    expect([...subscribers].sort()).toEqual([a.session.id, Number(w.getSessionId())].sort());
    expect(await a.session.call('wamp.subscription.count_subscribers', [exact])).toBe(2);
    expect(norm((await w.call('wamp.subscription.count_subscribers', { argsList: [wildcard] })).argsList)).toEqual([1]);

    for (const procedure of ['wamp.subscription.get', 'wamp.subscription.list_subscribers', 'wamp.subscription.count_subscribers']) {
      expect((await autobahnError(a.session.call(procedure, [987654]))).error, procedure).toBe('wamp.error.no_such_subscription');
      expect((await wampyError(w.call(procedure, { argsList: [987654] }))).errorUri, procedure).toBe('wamp.error.no_such_subscription');
      expect((await autobahnError(a.session.call(procedure, [hidden.id]))).error, procedure).toBe('wamp.error.not_authorized');
      expect((await autobahnError(a.session.call(procedure, ['one']))).error, procedure).toBe('wamp.error.invalid_argument');
    }
  });

  it('wamp.subscription.remove_subscriber(subscription, session, {reason}) → UNSUBSCRIBED [35, 0, {subscription, reason}] to a subscriber that announced subscription_revocation, meta events follow', async () => {
    const boss = clients.track(t.router.realm('ops').session({ authrole: 'admin' }));
    const seen: Array<[string, unknown[]]> = [];
    for (const name of META_EVENTS) await boss.subscribe(`wamp.subscription.${name}`, (args) => void seen.push([name, args]));
    const peer = await clients.raw(t.url, serializer);
    const welcome = norm(await peer.join('ops', { subscriber: { features: { subscription_revocation: true } }, publisher: {} }));
    const sessionId = welcome[1] as number;
    const subscription = await subscribeRaw(peer, 1, 'com.example.meta.revoked');
    const result = await boss.call('wamp.subscription.remove_subscriber', [subscription, sessionId], { reason: 'maintenance' });
    expect(result.args).toEqual([]);
    expect(await nextMessage(peer)).toEqual([35, 0, { subscription, reason: 'maintenance' }]);
    expect(await eventually(() => seen.length === 4)).toBe(true);
    expect(seen.slice(2)).toEqual([
      ['on_unsubscribe', [sessionId, subscription]],
      ['on_delete', [sessionId, subscription]],
    ]);

    // a subscriber without the feature is removed silently: no UNSUBSCRIBED, no more events
    const { peer: plain, sessionId: plainId } = await clients.rawJoined(t.url, serializer, 'ops');
    const second = await subscribeRaw(plain, 1, 'com.example.meta.revoked');
    await boss.call('wamp.subscription.remove_subscriber', [second, plainId]);
    await boss.publish('com.example.meta.revoked', ['after'], {}, { acknowledge: true });
    await sleep(50);
    expect(plain.received.slice(2)).toEqual([]);
    expect(isWampId(second)).toBe(true);
  });

  it('wamp.subscription.remove_subscriber: unknown session → wamp.error.no_such_session; unknown subscription or not a subscriber → wamp.error.no_such_subscription', async () => {
    const boss = clients.track(t.router.realm('ops').session({ authrole: 'admin' }));
    const { peer, sessionId } = await clients.rawJoined(t.url, serializer, 'ops');
    const subscription = await subscribeRaw(peer, 1, 'com.example.meta.mine');
    const other = await boss.subscribe('com.example.meta.other', () => undefined);
    const uriOf = async (args: unknown[]) => ((await rejectionOf(boss.call('wamp.subscription.remove_subscriber', args))) as WampError).uri;
    expect(await uriOf([subscription, 5555])).toBe('wamp.error.no_such_session');
    expect(await uriOf([777777, sessionId])).toBe('wamp.error.no_such_subscription');
    expect(await uriOf([other, sessionId])).toBe('wamp.error.no_such_subscription');
    expect(await uriOf([subscription])).toBe('wamp.error.invalid_argument');
  });
});

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
