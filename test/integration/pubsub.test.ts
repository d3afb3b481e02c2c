// Publish & subscribe with real clients (autobahn, wampy) and raw peers, over each serializer,
// plus delivery across serializers (payload and binary values). spec: basic/publish_subscribe.md
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRouter, expectAllZero, eventually, type TestRouter } from '../helpers/router.js';
import { SERIALIZER_NAMES, type AutobahnSession, type SerializerName } from '../helpers/clients.js';
import type { RawPeer } from '../helpers/raw.js';
import {
  Clients,
  asBytes,
  autobahnError,
  deferred,
  isWampId,
  jsonBinary,
  nextMessage,
  within,
} from '../helpers/autobahn-extra.js';

let t: TestRouter;
let clients: Clients;

beforeEach(async () => {
  t = await startRouter();
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

// A payload every serializer can carry: nested containers, unicode, floats, booleans, null in lists.
const ARGS: unknown[] = [
  1,
  -2,
  3.25,
  -0.125,
  2147483653,
  'héllo wörld ✓ 日本語 🚀',
  '',
  true,
  false,
  null,
  [1, null, 'x', [false, 2.5, null]],
  { nested: { deep: ['a', { b: null, c: 1.75 }] }, ключ: 'значение' },
];
const KWARGS: Record<string, unknown> = {
  n: 42,
  f: -1234.5678,
  s: 'ünïcödé 😀 \u00e9\u0301',
  yes: true,
  no: false,
  list: [null, 1, 'two', { three: 3 }, [null]],
  obj: { a: { b: { c: [1.5, 'x', null, true] } } },
  empty: {},
  emptyList: [],
};

interface Received {
  args: unknown[];
  kwargs: Record<string, unknown>;
  details: Record<string, unknown>;
}

/** Subscribes an autobahn session and records every event. */
async function collect(session: AutobahnSession, topic: string, options?: Record<string, unknown>) {
  const events: Received[] = [];
  const waiters: Array<() => void> = [];
  const subscription = await session.subscribe(
    topic,
    (args, kwargs, details) => {
      events.push({ args, kwargs, details });
      for (const wake of waiters.splice(0)) wake();
    },
    options,
  );
  /** Resolves once `count` events have arrived. */
  const waitFor = async (count: number, ms = 2000): Promise<Received[]> => {
    const deadline = Date.now() + ms;
    while (events.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} event(s) on ${topic}, got ${events.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return events;
  };
  return { subscription, events, waitFor };
}

async function subscribeRaw(peer: RawPeer, request: number, topic: string): Promise<number> {
  peer.send([32, request, {}, topic]);
  const reply = await nextMessage(peer);
  expect(reply.slice(0, 2)).toEqual([33, request]);
  expect(isWampId(reply[2])).toBe(true);
  return reply[2] as number;
}

describe.each(SERIALIZER_NAMES)('pub/sub over %s', (serializer) => {
  it('SUBSCRIBE → SUBSCRIBED, PUBLISH → EVENT: args and kwargs arrive unchanged (autobahn → autobahn)', async () => {
    const sub = await clients.autobahn(t.url, serializer);
    const pub = await clients.autobahn(t.url, serializer);
    const got = await collect(sub.session, 'com.example.payload');
    expect(isWampId(got.subscription.id)).toBe(true);
    await pub.session.publish('com.example.payload', ARGS, KWARGS, { acknowledge: true });
    const [event] = await got.waitFor(1);
    expect(event.args).toEqual(ARGS);
    expect(event.kwargs).toEqual(KWARGS);
    expect(got.events).toHaveLength(1);
  });

  it('PUBLISH → EVENT: args and kwargs arrive unchanged (wampy publisher → wampy and autobahn subscribers)', async () => {
    const w = await clients.wampy(t.url, serializer);
    const wSub = await clients.wampy(t.url, serializer);
    const a = await clients.autobahn(t.url, serializer);
    const got = await collect(a.session, 'com.example.wampy.payload');
    const wampyEvent = deferred<{ argsList?: unknown[]; argsDict?: Record<string, unknown> }>();
    await wSub.subscribe('com.example.wampy.payload', (data) => wampyEvent.resolve(data));
    const published = await w.publish('com.example.wampy.payload', { argsList: ARGS, argsDict: KWARGS });
    expect(isWampId(published.publicationId)).toBe(true);
    const [event] = await got.waitFor(1);
    expect(event.args).toEqual(ARGS);
    expect(event.kwargs).toEqual(KWARGS);
    const fromWampy = await within(wampyEvent.promise, 2000, 'wampy event');
    expect(fromWampy.argsList).toEqual(ARGS);
    expect(fromWampy.argsDict).toEqual(KWARGS);
  });

  it('all sessions on a topic share one subscription id; a repeated SUBSCRIBE from a session returns the same id (raw)', async () => {
    const { peer: a } = await clients.rawJoined(t.url, serializer);
    const { peer: b } = await clients.rawJoined(t.url, serializer);
    const first = await subscribeRaw(a, 1, 'com.example.shared');
    const fromB = await subscribeRaw(b, 7, 'com.example.shared');
    const again = await subscribeRaw(a, 2, 'com.example.shared');
    expect(fromB).toBe(first);
    expect(again).toBe(first);
    const other = await subscribeRaw(a, 3, 'com.example.shared.other');
    expect(other).not.toBe(first);
    expect(t.router.stats().subscriptions).toBe(2);
    // autobahn sees the same id
    const c = await clients.autobahn(t.url, serializer);
    const sub = await c.session.subscribe('com.example.shared', () => undefined);
    expect(sub.id).toBe(first);

    // A repeated SUBSCRIBE does not double the delivery: two publications → exactly two EVENTs, in order.
    b.send([16, 20, { acknowledge: true }, 'com.example.shared', ['one']]);
    b.send([16, 21, { acknowledge: true }, 'com.example.shared', ['two']]);
    const e1 = await nextMessage(a);
    const e2 = await nextMessage(a);
    expect([e1[0], e1[1], e1[4]]).toEqual([36, first, ['one']]);
    expect([e2[0], e2[1], e2[4]]).toEqual([36, first, ['two']]);
    expect((await nextMessage(b))[0]).toBe(17);
    expect((await nextMessage(b))[0]).toBe(17);
    // a's next message answers its next request: no third EVENT was queued before it
    a.send([34, 30, other]);
    expect(await nextMessage(a)).toEqual([35, 30]);
  });

  it('the publisher does not receive its own event by default (exclude_me defaults to true)', async () => {
    const a = await clients.autobahn(t.url, serializer);
    const b = await clients.autobahn(t.url, serializer);
    const own = await collect(a.session, 'com.example.excl');
    const other = await collect(b.session, 'com.example.excl');
    // The router sends the EVENTs before PUBLISHED, so once the ack is in, a's event would be too.
    await a.session.publish('com.example.excl', ['from a'], {}, { acknowledge: true });
    await other.waitFor(1);
    expect(other.events[0].args).toEqual(['from a']);
    expect(own.events).toHaveLength(0);
    // a does get b's events
    await b.session.publish('com.example.excl', ['from b'], {}, { acknowledge: true });
    await own.waitFor(1);
    expect(own.events.map((e) => e.args)).toEqual([['from b']]);
  });

  it('exclude_me: false delivers the event to the publisher as well', async () => {
    const a = await clients.autobahn(t.url, serializer);
    const b = await clients.autobahn(t.url, serializer);
    const own = await collect(a.session, 'com.example.incl');
    const other = await collect(b.session, 'com.example.incl');
    await a.session.publish('com.example.incl', ['me too'], { k: 1 }, { acknowledge: true, exclude_me: false });
    await own.waitFor(1);
    await other.waitFor(1);
    expect(own.events[0].args).toEqual(['me too']);
    expect(own.events[0].kwargs).toEqual({ k: 1 });
    expect(other.events[0].args).toEqual(['me too']);
  });

  it('acknowledge: true → PUBLISHED [17, Request, Publication|id], and EVENT carries the same publication id (raw)', async () => {
    const { peer: pub } = await clients.rawJoined(t.url, serializer);
    const { peer: sub } = await clients.rawJoined(t.url, serializer);
    const subscription = await subscribeRaw(sub, 1, 'com.example.ack');
    pub.send([16, 5, { acknowledge: true }, 'com.example.ack', [1], { a: 'b' }]);
    const published = await nextMessage(pub);
    expect(published).toHaveLength(3);
    expect(published.slice(0, 2)).toEqual([17, 5]);
    expect(isWampId(published[2])).toBe(true);
    const event = await nextMessage(sub);
    expect(event[0]).toBe(36);
    expect(event[1]).toBe(subscription);
    expect(event[2]).toBe(published[2]);
    expect(event.slice(4)).toEqual([[1], { a: 'b' }]);
    // autobahn and wampy see a publication id too
    const a = await clients.autobahn(t.url, serializer);
    const publication = await a.session.publish('com.example.ack', [2], {}, { acknowledge: true });
    expect(isWampId(publication?.id)).toBe(true);
    const w = await clients.wampy(t.url, serializer);
    const fromWampy = await w.publish('com.example.ack', [3]);
    expect(isWampId(fromWampy.publicationId)).toBe(true);
    expect(new Set([published[2], publication?.id, fromWampy.publicationId]).size).toBe(3);
  });

  it('PUBLISH without acknowledge gets no reply, not even for an invalid topic (raw: the next reply answers the next request)', async () => {
    const { peer: pub } = await clients.rawJoined(t.url, serializer);
    const { peer: sub } = await clients.rawJoined(t.url, serializer);
    await subscribeRaw(sub, 1, 'com.example.noack');
    pub.send([16, 1, {}, 'com.example.noack', ['quiet']]);
    pub.send([16, 2, {}, 'com.example..bad', ['bad']]);
    pub.send([16, 3, { acknowledge: false }, 'has space', ['bad']]);
    pub.send([16, 4, { acknowledge: true }, 'com.example.noack', ['loud']]);
    const reply = await nextMessage(pub);
    expect(reply.slice(0, 2)).toEqual([17, 4]);
    // the unacknowledged valid publication was delivered all the same
    expect((await nextMessage(sub))[4]).toEqual(['quiet']);
    expect((await nextMessage(sub))[4]).toEqual(['loud']);
  });

  it('UNSUBSCRIBE with an unknown subscription id → ERROR wamp.error.no_such_subscription (raw)', async () => {
    const { peer: a } = await clients.rawJoined(t.url, serializer);
    const { peer: b } = await clients.rawJoined(t.url, serializer);
    a.send([34, 9, 123456789]);
    const error = await nextMessage(a);
    expect(error.slice(0, 5)).toEqual([8, 34, 9, {}, 'wamp.error.no_such_subscription']);
    // a subscription id that exists but is not this session's
    const id = await subscribeRaw(a, 10, 'com.example.unsub');
    b.send([34, 11, id]);
    expect((await nextMessage(b)).slice(0, 5)).toEqual([8, 34, 11, {}, 'wamp.error.no_such_subscription']);
    // unsubscribing twice: the second is unknown
    a.send([34, 12, id]);
    expect(await nextMessage(a)).toEqual([35, 12]);
    a.send([34, 13, id]);
    expect((await nextMessage(a)).slice(0, 5)).toEqual([8, 34, 13, {}, 'wamp.error.no_such_subscription']);
    // the session goes on
    expect(await subscribeRaw(a, 14, 'com.example.unsub')).toBeGreaterThan(0);
  });

  it('PUBLISH with acknowledge to an invalid topic ("a..b", "has space") → ERROR wamp.error.invalid_uri; the session goes on', async () => {
    const a = await clients.autobahn(t.url, serializer);
    const b = await clients.autobahn(t.url, serializer);
    const got = await collect(b.session, 'com.example.after');
    for (const topic of ['a..b', 'has space', '.leading', 'trailing.', '']) {
      const error = await autobahnError(a.session.publish(topic, ['x'], {}, { acknowledge: true }));
      expect(error.error, topic).toBe('wamp.error.invalid_uri');
    }
    const subError = await autobahnError(a.session.subscribe('has space', () => undefined));
    expect(subError.error).toBe('wamp.error.invalid_uri');
    await a.session.publish('com.example.after', ['still here'], {}, { acknowledge: true });
    expect((await got.waitFor(1))[0].args).toEqual(['still here']);
    expect(a.session.isOpen).toBe(true);
    // the exact wire answer
    const { peer } = await clients.rawJoined(t.url, serializer);
    peer.send([16, 3, { acknowledge: true }, 'a..b', []]);
    const error = await nextMessage(peer);
    expect(error.slice(0, 5)).toEqual([8, 16, 3, {}, 'wamp.error.invalid_uri']);
    expect(typeof (error[5] as unknown[])[0]).toBe('string');
    peer.send([32, 4, {}, 'has space']);
    expect((await nextMessage(peer)).slice(0, 5)).toEqual([8, 32, 4, {}, 'wamp.error.invalid_uri']);
    expect(await subscribeRaw(peer, 5, 'com.example.after')).toBe(got.subscription.id);
  });

  it('PUBLISH with acknowledge to "wamp.foo" → ERROR wamp.error.invalid_uri (reserved); SUBSCRIBE to "wamp.session.on_join" is allowed', async () => {
    const a = await clients.autobahn(t.url, serializer);
    const error = await autobahnError(a.session.publish('wamp.foo', [1], {}, { acknowledge: true }));
    expect(error.error).toBe('wamp.error.invalid_uri');
    const subscription = await a.session.subscribe('wamp.session.on_join', () => undefined);
    expect(isWampId(subscription.id)).toBe(true);
    const w = await clients.wampy(t.url, serializer);
    const fromWampy = await w.subscribe('wamp.session.on_join', () => undefined);
    expect(fromWampy.subscriptionId).toBe(subscription.id);
    const { peer } = await clients.rawJoined(t.url, serializer);
    peer.send([16, 1, { acknowledge: true }, 'wamp.foo', []]);
    expect((await nextMessage(peer)).slice(0, 5)).toEqual([8, 16, 1, {}, 'wamp.error.invalid_uri']);
    expect(await subscribeRaw(peer, 2, 'wamp.session.on_join')).toBe(subscription.id);
  });

  it('after UNSUBSCRIBE no more events reach the former subscriber (autobahn and wampy)', async () => {
    const pub = await clients.autobahn(t.url, serializer);
    const sub = await clients.autobahn(t.url, serializer);
    const w = await clients.wampy(t.url, serializer);
    const gone = await collect(sub.session, 'com.example.gone');
    const fence = await collect(sub.session, 'com.example.fence');
    const wampyEvents: unknown[] = [];
    const wampyFence = deferred<void>();
    await w.subscribe('com.example.gone', (data) => void wampyEvents.push(data.argsList));
    await w.subscribe('com.example.fence', () => wampyFence.resolve());
    await pub.session.publish('com.example.gone', ['before'], {}, { acknowledge: true });
    await gone.waitFor(1);
    expect(await eventually(() => wampyEvents.length === 1)).toBe(true);

    await sub.session.unsubscribe(gone.subscription);
    await w.unsubscribe('com.example.gone');
    expect(t.router.stats().subscriptions).toBe(1);
    await pub.session.publish('com.example.gone', ['after'], {}, { acknowledge: true });
    // EVENTs to one session keep their order: once the later fence event is in, an 'after' event would be too.
    await pub.session.publish('com.example.fence', ['fence'], {}, { acknowledge: true });
    await fence.waitFor(1);
    await within(wampyFence.promise, 2000, 'wampy fence event');
    expect(gone.events.map((e) => e.args)).toEqual([['before']]);
    expect(wampyEvents).toEqual([['before']]);
  });
});

describe('pub/sub across serializers', () => {
  it('a json publisher\'s args and kwargs reach json, msgpack and cbor subscribers unchanged (autobahn)', async () => {
    const pub = await clients.autobahn(t.url, 'json');
    const subs = await Promise.all((['json', 'msgpack', 'cbor'] as SerializerName[]).map((s) => clients.autobahn(t.url, s)));
    const collectors = await Promise.all(subs.map((s) => collect(s.session, 'com.example.cross')));
    const ids = new Set(collectors.map((c) => c.subscription.id));
    expect(ids.size).toBe(1);
    await pub.session.publish('com.example.cross', ARGS, KWARGS, { acknowledge: true });
    for (const c of collectors) {
      const [event] = await c.waitFor(1);
      expect(event.args).toEqual(ARGS);
      expect(event.kwargs).toEqual(KWARGS);
    }
  });

  it('a msgpack publisher\'s and a cbor publisher\'s payloads reach subscribers on the other serializers unchanged (autobahn, wampy)', async () => {
    const mp = await clients.autobahn(t.url, 'msgpack');
    const cb = await clients.autobahn(t.url, 'cbor');
    const json = await clients.autobahn(t.url, 'json');
    const wCbor = await clients.wampy(t.url, 'cbor');
    const jsonGot = await collect(json.session, 'com.example.cross2');
    const cbGot = await collect(cb.session, 'com.example.cross2');
    const mpGot = await collect(mp.session, 'com.example.cross2');
    const wampyGot: Array<{ argsList?: unknown[]; argsDict?: Record<string, unknown> }> = [];
    await wCbor.subscribe('com.example.cross2', (data) => void wampyGot.push(data));
    await mp.session.publish('com.example.cross2', ARGS, KWARGS, { acknowledge: true });
    await cb.session.publish('com.example.cross2', [...ARGS].reverse(), { ...KWARGS, from: 'cbor' }, { acknowledge: true });
    const [fromMp, fromCb] = await jsonGot.waitFor(2);
    expect(fromMp.args).toEqual(ARGS);
    expect(fromMp.kwargs).toEqual(KWARGS);
    expect(fromCb.args).toEqual([...ARGS].reverse());
    expect(fromCb.kwargs).toEqual({ ...KWARGS, from: 'cbor' });
    expect((await cbGot.waitFor(1))[0].args).toEqual(ARGS);
    expect((await mpGot.waitFor(1))[0].args).toEqual([...ARGS].reverse());
    expect(await eventually(() => wampyGot.length === 2)).toBe(true);
    expect(wampyGot[0].argsList).toEqual(ARGS);
    expect(wampyGot[0].argsDict).toEqual(KWARGS);
    expect(wampyGot[1].argsList).toEqual([...ARGS].reverse());
  });

  const BYTES = Uint8Array.from([0, 1, 2, 127, 128, 200, 255, 0, 42]);
  const MORE = Uint8Array.from([255, 254, 0]);

  async function binaryPeers(topic: string) {
    const json = await clients.rawJoined(t.url, 'json');
    const msgpack = await clients.rawJoined(t.url, 'msgpack');
    const cbor = await clients.rawJoined(t.url, 'cbor');
    const ids = [await subscribeRaw(json.peer, 1, topic), await subscribeRaw(msgpack.peer, 1, topic), await subscribeRaw(cbor.peer, 1, topic)];
    expect(new Set(ids).size).toBe(1);
    return { json: json.peer, msgpack: msgpack.peer, cbor: cbor.peer };
  }

  it('binary: a json "\\u0000"+base64 string arrives as bytes at msgpack and cbor subscribers (raw)', async () => {
    const peers = await binaryPeers('com.example.bin.fromjson');
    const { peer: pub } = await clients.rawJoined(t.url, 'json');
    pub.send([16, 2, { acknowledge: true }, 'com.example.bin.fromjson', [jsonBinary(BYTES), 'plain'], { blob: jsonBinary(MORE), nested: [jsonBinary(BYTES)] }]);
    expect((await nextMessage(pub)).slice(0, 2)).toEqual([17, 2]);
    for (const peer of [peers.msgpack, peers.cbor]) {
      const event = await nextMessage(peer);
      expect(event[0]).toBe(36);
      const args = event[4] as unknown[];
      const kwargs = event[5] as Record<string, unknown>;
      expect(asBytes(args[0]).equals(Buffer.from(BYTES))).toBe(true);
      expect(args[1]).toBe('plain');
      expect(asBytes(kwargs.blob).equals(Buffer.from(MORE))).toBe(true);
      expect(asBytes((kwargs.nested as unknown[])[0]).equals(Buffer.from(BYTES))).toBe(true);
    }
    // a json subscriber gets the convention back
    const event = await nextMessage(peers.json);
    expect(event.slice(4)).toEqual([[jsonBinary(BYTES), 'plain'], { blob: jsonBinary(MORE), nested: [jsonBinary(BYTES)] }]);
  });

  it('binary: bytes from a msgpack publisher arrive at a json subscriber as "\\u0000"+base64 and at a cbor subscriber as bytes (raw)', async () => {
    const peers = await binaryPeers('com.example.bin.frommsgpack');
    const { peer: pub } = await clients.rawJoined(t.url, 'msgpack');
    pub.send([16, 2, { acknowledge: true }, 'com.example.bin.frommsgpack', [Buffer.from(BYTES)], { blob: Buffer.from(MORE) }]);
    expect((await nextMessage(pub)).slice(0, 2)).toEqual([17, 2]);
    const json = await nextMessage(peers.json);
    expect(json.slice(4)).toEqual([[jsonBinary(BYTES)], { blob: jsonBinary(MORE) }]);
    for (const peer of [peers.cbor, peers.msgpack]) {
      const event = await nextMessage(peer);
      expect(asBytes((event[4] as unknown[])[0]).equals(Buffer.from(BYTES))).toBe(true);
      expect(asBytes((event[5] as Record<string, unknown>).blob).equals(Buffer.from(MORE))).toBe(true);
    }
  });

  it('binary: bytes from a cbor publisher arrive at a json subscriber as "\\u0000"+base64 and at a msgpack subscriber as bytes (raw)', async () => {
    const peers = await binaryPeers('com.example.bin.fromcbor');
    const { peer: pub } = await clients.rawJoined(t.url, 'cbor');
    pub.send([16, 2, { acknowledge: true }, 'com.example.bin.fromcbor', [Buffer.from(BYTES)], { blob: Buffer.from(MORE) }]);
    expect((await nextMessage(pub)).slice(0, 2)).toEqual([17, 2]);
    const json = await nextMessage(peers.json);
    expect(json.slice(4)).toEqual([[jsonBinary(BYTES)], { blob: jsonBinary(MORE) }]);
    for (const peer of [peers.msgpack, peers.cbor]) {
      const event = await nextMessage(peer);
      expect(asBytes((event[4] as unknown[])[0]).equals(Buffer.from(BYTES))).toBe(true);
      expect(asBytes((event[5] as Record<string, unknown>).blob).equals(Buffer.from(MORE))).toBe(true);
    }
  });
});
