// Pattern-based subscriptions (prefix, wildcard) and subscription revocation with real clients
// (autobahn, wampy) and raw peers, over each serializer.
// spec: advanced/pubsub_pattern_based_subscription.md, advanced/pubsub_subscription_revocation.md
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRouter, expectAllZero, type TestRouter } from '../helpers/router.js';
import { SERIALIZER_NAMES, type AutobahnSession } from '../helpers/clients.js';
import type { RawPeer } from '../helpers/raw.js';
import { Clients, deferred, isWampId, nextMessage, norm, within, wampyError } from '../helpers/autobahn-extra.js';

let t: TestRouter;
let clients: Clients;

beforeEach(async () => {
  // realm1 lets "admin" revoke subscriptions (wamp.subscription.remove_subscriber).
  t = await startRouter({ realms: [{ name: 'realm1', metaApi: { allowKill: ['admin'] } }] });
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

interface Received {
  args: unknown[];
  details: Record<string, unknown>;
}

/** A list of received events that can be awaited: resolves once `count` have arrived. */
function recorder() {
  const events: Received[] = [];
  const waiters: Array<() => void> = [];
  const push = (event: Received): void => {
    events.push(event);
    for (const wake of waiters.splice(0)) wake();
  };
  const waitFor = async (count: number, what: string, ms = 2000): Promise<Received[]> => {
    const deadline = Date.now() + ms;
    while (events.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} event(s) on ${what}, got ${events.length}: ${JSON.stringify(events.map((e) => e.args))}`);
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
  return { events, push, waitFor };
}

/** Subscribes an autobahn session; records args and the autobahn Event (details) of every event. */
async function collect(session: AutobahnSession, topic: string, options?: Record<string, unknown>) {
  const rec = recorder();
  const subscription = await session.subscribe(topic, (args, _kwargs, details) => rec.push({ args, details }), options);
  return { subscription, ...rec };
}

async function subscribeRaw(peer: RawPeer, request: number, topic: string, options: Record<string, unknown> = {}): Promise<number> {
  peer.send([32, request, options, topic]);
  const reply = await nextMessage(peer);
  expect(reply.slice(0, 2)).toEqual([33, request]);
  expect(isWampId(reply[2])).toBe(true);
  return reply[2] as number;
}

/** Acknowledged PUBLISH from a raw peer that holds no subscriptions; returns the publication id. */
async function publishRaw(peer: RawPeer, request: number, topic: string, args: unknown[], options: Record<string, unknown> = {}): Promise<number> {
  peer.send([16, request, { acknowledge: true, ...options }, topic, args]);
  const reply = await nextMessage(peer);
  expect(reply.slice(0, 2)).toEqual([17, request]);
  return reply[2] as number;
}

/**
 * The peer's next message must answer a request it sends now: proves that nothing else (no
 * further EVENT) was queued for it before. Uses UNSUBSCRIBE of an unknown id → ERROR.
 */
async function expectNothingQueued(peer: RawPeer, request: number): Promise<void> {
  peer.send([34, request, 424242]);
  const reply = await nextMessage(peer);
  expect(reply.slice(0, 3)).toEqual([8, 34, request]);
  expect(reply[4]).toBe('wamp.error.no_such_subscription');
}

describe.each(SERIALIZER_NAMES)('pattern-based subscriptions over %s', (serializer) => {
  it('prefix "com.myapp.topic.emergency" receives ….emergency.11, ….emergency-low, ….emergency.category.severe and ….emergency itself, never ….emerge / ….emergenc / com.myapp.topic (autobahn; Details.topic = the published topic)', async () => {
    const sub = await clients.autobahn(t.url, serializer);
    const pub = await clients.autobahn(t.url, serializer);
    const got = await collect(sub.session, 'com.myapp.topic.emergency', { match: 'prefix' });
    const published = [
      'com.myapp.topic.emergency.11',
      'com.myapp.topic.emerge',
      'com.myapp.topic.emergency-low',
      'com.myapp.topic',
      'com.myapp.topic.emergency.category.severe',
      'com.myapp.topic.emergenc',
      'com.myapp.topic.emergency',
      'com.myapp.topicx.emergency',
      'com.myapp.topic.emergency.last',
    ];
    for (const topic of published) await pub.session.publish(topic, [topic], {}, { acknowledge: true });
    const matching = published.filter((topic) => topic.startsWith('com.myapp.topic.emergency'));
    expect(matching).toHaveLength(5);
    // EVENTs keep publication order, so a delivered non-match would sit among the first five.
    const events = await got.waitFor(5, 'the prefix subscription');
    expect(events.map((event) => event.args[0])).toEqual(matching);
    expect(events.map((event) => event.details.topic)).toEqual(matching);
    // The exact topic of the prefix is delivered as a match too, and nothing else arrived.
    await pub.session.publish('com.myapp.topic.emergency', ['again'], {}, { acknowledge: true });
    await got.waitFor(6, 'the prefix subscription');
    expect(got.events.map((event) => event.args[0])).toEqual([...matching, 'again']);
  });

  it('wildcard "com.myapp..userevent" receives com.myapp.foo/bar/a12.userevent, never com.myapp.foo.userevent.bar, com.myapp.foo.user, com.myapp2.foo.userevent, com.myapp.userevent (wampy → wampy; Details.topic)', async () => {
    const sub = await clients.wampy(t.url, serializer);
    const pub = await clients.wampy(t.url, serializer);
    const rec = recorder();
    const subscribed = await sub.subscribe('com.myapp..userevent', (event) => rec.push({ args: event.argsList ?? [], details: event.details }), { match: 'wildcard' });
    expect(isWampId(Number(subscribed.subscriptionId))).toBe(true);
    const published = [
      'com.myapp.foo.userevent',
      'com.myapp.foo.userevent.bar',
      'com.myapp.bar.userevent',
      'com.myapp.foo.user',
      'com.myapp2.foo.userevent',
      'com.myapp.userevent',
      'com.myapp.a.b.userevent',
      'com.myapp.a12.userevent',
    ];
    for (const topic of published) await pub.publish(topic, { argsList: [topic] });
    const matching = ['com.myapp.foo.userevent', 'com.myapp.bar.userevent', 'com.myapp.a12.userevent'];
    const events = await rec.waitFor(3, 'the wildcard subscription');
    expect(events.map((event) => event.args[0])).toEqual(matching);
    expect(events.map((event) => event.details.topic)).toEqual(matching);
  });

  it('one PUBLISH to "com.example.wire.a" → one EVENT per matching subscription of the session (exact, prefix "com.example.wire", wildcard "com.example..a"), same Publication id; Details.topic only on the pattern ones (raw wire)', async () => {
    const { peer: sub } = await clients.rawJoined(t.url, serializer);
    const { peer: pub } = await clients.rawJoined(t.url, serializer);
    const exact = await subscribeRaw(sub, 1, 'com.example.wire.a');
    const prefix = await subscribeRaw(sub, 2, 'com.example.wire', { match: 'prefix' });
    const wildcard = await subscribeRaw(sub, 3, 'com.example..a', { match: 'wildcard' });
    expect(new Set([exact, prefix, wildcard]).size).toBe(3);

    const publication = await publishRaw(pub, 10, 'com.example.wire.a', ['x'], {});
    const events = [await nextMessage(sub), await nextMessage(sub), await nextMessage(sub)];
    // EVENTs are all in before the publisher's PUBLISHED; nothing else was queued for the subscriber.
    await expectNothingQueued(sub, 4);
    const bySubscription = new Map(events.map((event) => [event[1] as number, event]));
    expect([...bySubscription.keys()].sort()).toEqual([exact, prefix, wildcard].sort());
    for (const event of events) {
      expect(event[0]).toBe(36);
      expect(event[2]).toBe(publication);
      expect(event[4]).toEqual(['x']);
    }
    expect(bySubscription.get(exact)?.[3]).toEqual({});
    expect(bySubscription.get(prefix)?.[3]).toEqual({ topic: 'com.example.wire.a' });
    expect(bySubscription.get(wildcard)?.[3]).toEqual({ topic: 'com.example.wire.a' });

    // "com.example.wire.b" matches only the prefix; "com.example.x.a" only the wildcard.
    const p2 = await publishRaw(pub, 11, 'com.example.wire.b', ['y']);
    expect(await nextMessage(sub)).toEqual([36, prefix, p2, { topic: 'com.example.wire.b' }, ['y']]);
    const p3 = await publishRaw(pub, 12, 'com.example.x.a', ['z']);
    expect(await nextMessage(sub)).toEqual([36, wildcard, p3, { topic: 'com.example.x.a' }, ['z']]);
    await expectNothingQueued(sub, 5);
  });

  it('overlapping exact + prefix + wildcard subscriptions of one autobahn session → three handler calls for one publication (same publication id, three subscriptions); a wampy session with the same three gets three too; a session with only the prefix gets one', async () => {
    const a = await clients.autobahn(t.url, serializer);
    const w = await clients.wampy(t.url, serializer);
    const only = await clients.autobahn(t.url, serializer);
    const pub = await clients.autobahn(t.url, serializer);
    const rec = recorder();
    const ids: Record<string, number> = {};
    const patterns: Array<[string, string, Record<string, unknown>]> = [
      ['exact', 'com.example.overlap.topic', {}],
      ['prefix', 'com.example.overlap', { match: 'prefix' }],
      ['wildcard', 'com.example..topic', { match: 'wildcard' }],
    ];
    for (const [kind, topic, options] of patterns) {
      const subscription = await a.session.subscribe(topic, (args, _kwargs, details) => rec.push({ args, details: { ...details, kind } }), options);
      ids[kind] = subscription.id;
    }
    const wRec = recorder();
    for (const [kind, topic, options] of patterns) {
      const subscribed = await w.subscribe(topic, (event) => wRec.push({ args: event.argsList ?? [], details: { ...event.details, kind } }), options);
      // The same (topic, match) is the same subscription for every session.
      expect(Number(subscribed.subscriptionId)).toBe(ids[kind]);
    }
    const single = await collect(only.session, 'com.example.overlap', { match: 'prefix' });
    expect(single.subscription.id).toBe(ids.prefix);

    const published = await pub.session.publish('com.example.overlap.topic', ['once'], {}, { acknowledge: true });
    const publication = (published as { id: number }).id;
    await rec.waitFor(3, 'autobahn overlapping subscriptions');
    await wRec.waitFor(3, 'wampy overlapping subscriptions');
    await single.waitFor(1, 'the prefix-only session');
    expect(rec.events.map((event) => event.details.kind).sort()).toEqual(['exact', 'prefix', 'wildcard']);
    expect(rec.events.map((event) => event.details.publication)).toEqual([publication, publication, publication]);
    expect(rec.events.map((event) => event.args)).toEqual([['once'], ['once'], ['once']]);
    expect(wRec.events.map((event) => event.details.kind).sort()).toEqual(['exact', 'prefix', 'wildcard']);
    expect(wRec.events.filter((event) => event.details.topic === 'com.example.overlap.topic').map((event) => event.details.kind).sort()).toEqual(['prefix', 'wildcard']);

    // A second publication proves no extra copy of the first one arrived late.
    await pub.session.publish('com.example.overlap.topic', ['twice'], {}, { acknowledge: true });
    await rec.waitFor(6, 'autobahn overlapping subscriptions');
    await single.waitFor(2, 'the prefix-only session');
    expect(rec.events.map((event) => event.args[0])).toEqual(['once', 'once', 'once', 'twice', 'twice', 'twice']);
    expect(single.events.map((event) => [event.args[0], event.details.publication === publication])).toEqual([
      ['once', true],
      ['twice', false],
    ]);
  });

  it('subscription ids belong to (topic, match): "com.example.ids" exact, prefix and wildcard are three subscriptions with three ids; another session subscribing to the same (topic, match) gets the same id (raw)', async () => {
    const { peer: a } = await clients.rawJoined(t.url, serializer);
    const { peer: b } = await clients.rawJoined(t.url, serializer);
    const exact = await subscribeRaw(a, 1, 'com.example.ids');
    const prefix = await subscribeRaw(a, 2, 'com.example.ids', { match: 'prefix' });
    const wildcard = await subscribeRaw(a, 3, 'com.example.ids', { match: 'wildcard' });
    expect(new Set([exact, prefix, wildcard]).size).toBe(3);
    expect(await subscribeRaw(b, 1, 'com.example.ids', { match: 'prefix' })).toBe(prefix);
    expect(await subscribeRaw(b, 2, 'com.example.ids', { match: 'wildcard' })).toBe(wildcard);
    expect(await subscribeRaw(b, 3, 'com.example.ids', { match: 'exact' })).toBe(exact);
    expect(t.router.stats().subscriptions).toBe(3);
    // "com.example.ids" as a wildcard pattern without empty components matches only itself.
    const { peer: pub } = await clients.rawJoined(t.url, serializer);
    const publication = await publishRaw(pub, 1, 'com.example.ids', [1]);
    const got = [await nextMessage(a), await nextMessage(a), await nextMessage(a)];
    expect(got.map((event) => event[1]).sort()).toEqual([exact, prefix, wildcard].sort());
    expect(got.every((event) => event[2] === publication)).toBe(true);
    const p2 = await publishRaw(pub, 2, 'com.example.ids.more', [2]);
    expect(await nextMessage(a)).toEqual([36, prefix, p2, { topic: 'com.example.ids.more' }, [2]]);
    await expectNothingQueued(a, 4);
  });

  it('wildcards are whole components: "com.example.w..." matches four-component topics under com.example.w only; prefix "com.example.p." (trailing dot) matches "com.example.p.x" but not "com.example.p" or "com.example.px" (raw)', async () => {
    const { peer: sub } = await clients.rawJoined(t.url, serializer);
    const { peer: pub } = await clients.rawJoined(t.url, serializer);
    const wild = await subscribeRaw(sub, 1, 'com.example.w..', { match: 'wildcard' });
    const dotted = await subscribeRaw(sub, 2, 'com.example.p.', { match: 'prefix' });
    const cases: Array<[string, number | undefined]> = [
      ['com.example.w.a.b', wild],
      ['com.example.w.a', undefined],
      ['com.example.w.a.b.c', undefined],
      ['com.example.wx.a.b', undefined],
      ['com.example.p', undefined],
      ['com.example.px', undefined],
      ['com.example.p.x', dotted],
      ['com.example.p.x.y.z', dotted],
      ['com.example.w.1.2', wild],
    ];
    let request = 10;
    for (const [topic, expected] of cases) {
      const publication = await publishRaw(pub, request++, topic, [topic]);
      if (expected !== undefined) expect(await nextMessage(sub), topic).toEqual([36, expected, publication, { topic }, [topic]]);
      // Either way, nothing (else) is queued for the subscriber now.
      await expectNothingQueued(sub, request++);
    }
  });

  it('after UNSUBSCRIBE of its prefix subscription a session keeps getting events through its exact subscription only; subscribing to the prefix again brings pattern events back (autobahn)', async () => {
    const sub = await clients.autobahn(t.url, serializer);
    const pub = await clients.autobahn(t.url, serializer);
    const exact = await collect(sub.session, 'com.example.churn.a');
    const prefix = await collect(sub.session, 'com.example.churn', { match: 'prefix' });
    await pub.session.publish('com.example.churn.a', ['1'], {}, { acknowledge: true });
    await exact.waitFor(1, 'exact');
    await prefix.waitFor(1, 'prefix');
    await sub.session.unsubscribe(prefix.subscription);
    expect(t.router.stats().subscriptions).toBe(1);
    await pub.session.publish('com.example.churn.b', ['only-prefix'], {}, { acknowledge: true });
    await pub.session.publish('com.example.churn.a', ['2'], {}, { acknowledge: true });
    await exact.waitFor(2, 'exact');
    expect(exact.events.map((event) => event.args[0])).toEqual(['1', '2']);
    expect(prefix.events.map((event) => event.args[0])).toEqual(['1']);

    const again = await collect(sub.session, 'com.example.churn', { match: 'prefix' });
    await pub.session.publish('com.example.churn.b', ['3'], {}, { acknowledge: true });
    await again.waitFor(1, 'prefix again');
    expect(again.events[0].details.topic).toBe('com.example.churn.b');
    expect(exact.events).toHaveLength(2);
  });
});

describe.each(SERIALIZER_NAMES)('subscription revocation over %s', (serializer) => {
  function admin() {
    return clients.track(t.router.realm('realm1').session({ authid: 'operator', authrole: 'admin' }));
  }

  it('wamp.subscription.remove_subscriber on a prefix subscription of an autobahn subscriber (announces subscription_revocation) → on_unsubscribe resolves with the reason; its exact subscription and the other subscriber of the prefix keep getting events', async () => {
    const boss = admin();
    const a = await clients.autobahn(t.url, serializer);
    const b = await clients.autobahn(t.url, serializer);
    const pub = await clients.autobahn(t.url, serializer);
    const aPrefix = await collect(a.session, 'com.example.revoke', { match: 'prefix' });
    const aExact = await collect(a.session, 'com.example.revoke.topic');
    const bPrefix = await collect(b.session, 'com.example.revoke', { match: 'prefix' });
    const onUnsubscribe = (aPrefix.subscription as unknown as { on_unsubscribe: Promise<unknown> }).on_unsubscribe;

    await boss.call('wamp.subscription.remove_subscriber', [aPrefix.subscription.id, a.session.id], { reason: 'maintenance' });
    expect(await within(onUnsubscribe, 2000, 'autobahn on_unsubscribe')).toBe('maintenance');
    // The subscription lives on for b; a is no longer among its subscribers.
    const subscribers = await boss.call('wamp.subscription.list_subscribers', [aPrefix.subscription.id]);
    expect(subscribers.args).toEqual([[b.session.id]]);

    await pub.session.publish('com.example.revoke.topic', ['after'], {}, { acknowledge: true });
    await aExact.waitFor(1, "a's exact subscription");
    await bPrefix.waitFor(1, "b's prefix subscription");
    expect(aPrefix.events).toEqual([]);
    expect(bPrefix.events[0].details.topic).toBe('com.example.revoke.topic');
  });

  it('wamp.subscription.remove_subscriber on a wildcard subscription: a raw subscriber without subscription_revocation gets no UNSUBSCRIBED; one that announced it gets [35, 0, {subscription, reason}]; no further EVENT on it for either (raw wire)', async () => {
    const boss = admin();
    const silent = await clients.raw(t.url, serializer);
    const silentWelcome = norm(await silent.join('realm1', { subscriber: { features: { pattern_based_subscription: true } } }));
    const peer = await clients.raw(t.url, serializer);
    const welcome = norm(await peer.join('realm1', { subscriber: { features: { subscription_revocation: true, pattern_based_subscription: true } } }));
    expect(welcome[0]).toBe(2);
    const sessionId = welcome[1] as number;
    const wildcard = await subscribeRaw(peer, 1, 'com.example..revoked', { match: 'wildcard' });
    const exact = await subscribeRaw(peer, 2, 'com.example.x.revoked');
    expect(await subscribeRaw(silent, 1, 'com.example..revoked', { match: 'wildcard' })).toBe(wildcard);
    // revocation is done when the call returns: an UNSUBSCRIBED would be queued before the reply to the next request
    await boss.call('wamp.subscription.remove_subscriber', [wildcard, silentWelcome[1]], { reason: 'quiet' });
    await expectNothingQueued(silent, 2);
    await boss.publish('com.example.y.revoked', ['to peer only'], {}, { acknowledge: true });
    expect((await nextMessage(peer))[4]).toEqual(['to peer only']);
    await expectNothingQueued(silent, 3);
    await boss.call('wamp.subscription.remove_subscriber', [wildcard, sessionId]);
    const unsubscribed = await nextMessage(peer);
    expect(unsubscribed.slice(0, 2)).toEqual([35, 0]);
    expect(unsubscribed).toHaveLength(3);
    const details = unsubscribed[2] as Record<string, unknown>;
    expect(details.subscription).toBe(wildcard);
    if ('reason' in details) expect(typeof details.reason).toBe('string');

    const publication = await boss.publish('com.example.x.revoked', ['after'], {}, { acknowledge: true });
    expect(await nextMessage(peer)).toEqual([36, exact, publication, {}, ['after']]);
    await expectNothingQueued(peer, 3);
    // The wildcard subscription had only this subscriber: it is gone.
    peer.send([34, 4, wildcard]);
    expect((await nextMessage(peer)).slice(0, 5)).toEqual([8, 34, 4, {}, 'wamp.error.no_such_subscription']);
  });

  it('wamp.subscription.remove_subscriber on a wampy subscriber (no subscription_revocation announced) → no UNSUBSCRIBED, no more events; wampy\'s own UNSUBSCRIBE of it then gets wamp.error.no_such_subscription', async () => {
    const boss = admin();
    const { client: w, details } = await clients.wampyWithDetails(t.url, serializer);
    const features = ((details.roles as Record<string, Record<string, unknown>>)?.broker?.features ?? {}) as Record<string, unknown>;
    expect(features.subscription_revocation).toBe(true);
    const wildRec = recorder();
    const exactRec = recorder();
    const wildcard = Number((await w.subscribe('com.example..gone', (event) => wildRec.push({ args: event.argsList ?? [], details: event.details }), { match: 'wildcard' })).subscriptionId);
    await w.subscribe('com.example.w.gone', (event) => exactRec.push({ args: event.argsList ?? [], details: event.details }));
    await boss.call('wamp.subscription.remove_subscriber', [wildcard, Number(w.getSessionId())], { reason: 'bye' });
    await boss.publish('com.example.w.gone', ['after'], {}, { acknowledge: true });
    await exactRec.waitFor(1, "wampy's exact subscription");
    expect(wildRec.events).toEqual([]);
    // The session goes on, and the router no longer knows the subscription.
    const error = await wampyError(w.unsubscribe(wildcard));
    expect(error.errorUri).toBe('wamp.error.no_such_subscription');
    const done = deferred<void>();
    await w.subscribe('com.example.w.still', () => done.resolve());
    await boss.publish('com.example.w.still', [], {}, { acknowledge: true });
    await within(done.promise, 2000, 'wampy still subscribed');
  });
});
