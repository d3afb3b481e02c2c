// Event retention (retain / get_retained) and what test/integration/meta-history.test.ts does
// not cover of event history (the spec's example with overlapping histories, wildcard history,
// details of stored events, limits vs. unstored events, history outliving a subscription),
// with real clients (autobahn, wampy), raw peers and in-process sessions, over each serializer.
// spec: advanced/pubsub_event_retention.md, advanced/pubsub_event_history.md
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Wampy } from 'wampy';
import { startRouter, expectAllZero, eventually, type TestRouter } from '../helpers/router.js';
import { SERIALIZER_NAMES, type AutobahnSession, type SerializerName } from '../helpers/clients.js';
import type { RawPeer } from '../helpers/raw.js';
import { Clients, isWampId, nextMessage, norm } from '../helpers/autobahn-extra.js';

let t: TestRouter;
let clients: Clients;

beforeEach(async () => {
  t = await startRouter({
    realms: [
      {
        name: 'realm1',
        // anonymous sessions ("anonymous") plus one ticket principal root/"admin", so authid and
        // authrole lists can be tested with sessions on the wire
        auth: { methods: { anonymous: {}, ticket: { principals: [{ authid: 'root', ticket: 'root-secret', role: 'admin' }] } } },
        history: [
          // the example of pubsub_event_history.md: two exact histories and a prefix one over them
          { topic: 'com.mycompany.log.auth', match: 'exact', limit: 10 },
          { topic: 'com.mycompany.log.basket', match: 'exact', limit: 10 },
          { topic: 'com.mycompany.log', match: 'prefix', limit: 10 },
          { topic: 'com.example.hist', match: 'prefix', limit: 3 },
          { topic: 'com.example.wild..temp', match: 'wildcard', limit: 10 },
        ],
      },
      // refuses disclose_me: a refused PUBLISH must not become the retained event
      { name: 'closed', allowDisclosure: false },
    ],
  });
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

async function subscribeRaw(peer: RawPeer, request: number, topic: string, options: Record<string, unknown> = {}): Promise<number> {
  peer.send([32, request, options, topic]);
  const reply = await nextMessage(peer);
  expect(reply.slice(0, 2)).toEqual([33, request]);
  expect(isWampId(reply[2])).toBe(true);
  return reply[2] as number;
}

/** Acknowledged PUBLISH from a raw peer with no subscriptions; returns the publication id. */
async function publishRaw(peer: RawPeer, request: number, topic: string, args: unknown[], options: Record<string, unknown> = {}, kwargs?: Record<string, unknown>): Promise<number> {
  peer.send(kwargs === undefined ? [16, request, { acknowledge: true, ...options }, topic, args] : [16, request, { acknowledge: true, ...options }, topic, args, kwargs]);
  const reply = await nextMessage(peer);
  expect(reply.slice(0, 2)).toEqual([17, request]);
  return reply[2] as number;
}

/** The peer's next message answers a request sent now: nothing else was queued for it before. */
async function expectNothingQueued(peer: RawPeer, request: number): Promise<void> {
  peer.send([34, request, 424242]);
  const reply = await nextMessage(peer);
  expect(reply.slice(0, 3)).toEqual([8, 34, request]);
}

/** A raw peer logged in with ticket as authid "root", authrole "admin". */
async function rawAdmin(serializer: SerializerName): Promise<RawPeer> {
  const peer = await clients.raw(t.url, serializer);
  peer.send([1, 'realm1', { roles: { publisher: {}, subscriber: {} }, authmethods: ['ticket'], authid: 'root' }]);
  expect(norm(await peer.next())).toEqual([4, 'ticket', {}]);
  peer.send([5, 'root-secret', {}]);
  const welcome = norm(await peer.next());
  expect(welcome[0]).toBe(2);
  expect(welcome[2]).toMatchObject({ authid: 'root', authrole: 'admin' });
  return peer;
}

/** SUBSCRIBE with get_retained; returns the subscription id and the retained EVENTs that follow SUBSCRIBED. */
async function subscribeRetained(peer: RawPeer, request: number, topic: string, options: Record<string, unknown> = {}): Promise<{ subscription: number; events: unknown[][] }> {
  const subscription = await subscribeRaw(peer, request, topic, { get_retained: true, ...options });
  // Everything the router sends in reply to the SUBSCRIBE is written before it reads the next
  // request, so the retained EVENTs are exactly what precedes the answer to that request.
  peer.send([34, request + 1000, 424242]);
  const events: unknown[][] = [];
  for (;;) {
    const message = await nextMessage(peer);
    if (message[0] === 8 && message[2] === request + 1000) break;
    events.push(message);
  }
  return { subscription, events };
}

interface Received {
  args: unknown[];
  details: Record<string, unknown>;
}

async function collect(session: AutobahnSession, topic: string, options?: Record<string, unknown>) {
  const events: Received[] = [];
  const subscription = await session.subscribe(topic, (args, _kwargs, details) => void events.push({ args, details: { ...details } }), options);
  return { subscription, events };
}

describe.each(SERIALIZER_NAMES)('event retention over %s', (serializer) => {
  it('retain: true → a later SUBSCRIBE with get_retained: true gets SUBSCRIBED, then [36, Subscription, Publication (as PUBLISHED), {retained: true}, args, kwargs]; without get_retained (absent or false) nothing follows SUBSCRIBED (raw wire)', async () => {
    const { peer: pub } = await clients.rawJoined(t.url, serializer);
    const publication = await publishRaw(pub, 1, 'com.example.ret.wire', ['v1', 1.5], { retain: true }, { k: 'v' });
    // a publication without retain does not replace the retained event ("lack of the key → false")
    await publishRaw(pub, 2, 'com.example.ret.wire', ['not retained']);
    await publishRaw(pub, 3, 'com.example.ret.wire', ['retain false'], { retain: false });

    const { peer: sub } = await clients.rawJoined(t.url, serializer);
    const { subscription, events } = await subscribeRetained(sub, 1, 'com.example.ret.wire');
    expect(events).toEqual([[36, subscription, publication, { retained: true }, ['v1', 1.5], { k: 'v' }]]);

    const { peer: plain } = await clients.rawJoined(t.url, serializer);
    expect(await subscribeRaw(plain, 1, 'com.example.ret.wire')).toBe(subscription);
    await expectNothingQueued(plain, 2);
    expect(await subscribeRaw(plain, 3, 'com.example.ret.wire', { get_retained: false })).toBe(subscription);
    await expectNothingQueued(plain, 4);
    // joining the existing subscription with get_retained delivers it to the joiner only
    const { peer: late } = await clients.rawJoined(t.url, serializer);
    expect((await subscribeRetained(late, 1, 'com.example.ret.wire')).events).toEqual([[36, subscription, publication, { retained: true }, ['v1', 1.5], { k: 'v' }]]);
    await expectNothingQueued(sub, 5);
    await expectNothingQueued(plain, 6);
  });

  it('a later retained publication replaces the earlier: autobahn subscribers on json, msgpack and cbor with get_retained get only the latest (details.retained true, its publication id), then live events with retained false', async () => {
    const pub = await clients.autobahn(t.url, serializer);
    await pub.session.publish('com.example.ret.latest', ['first'], {}, { acknowledge: true, retain: true });
    const latest = (await pub.session.publish('com.example.ret.latest', ['second'], { n: 2 }, { acknowledge: true, retain: true })) as { id: number };
    for (const other of SERIALIZER_NAMES) {
      const sub = await clients.autobahn(t.url, other);
      const got = await collect(sub.session, 'com.example.ret.latest', { get_retained: true });
      await pub.session.publish('com.example.ret.latest', ['live'], {}, { acknowledge: true });
      expect(await eventually(() => got.events.some((event) => event.args[0] === 'live'))).toBe(true);
      expect(got.events.map((event) => [event.args[0], event.details.retained, event.details.publication === latest.id])).toEqual([
        ['second', true, true],
        ['live', false, false],
      ]);
    }
  });

  it('wampy subscribe with get_retained: true gets the retained event with details.retained true (autobahn publisher; wampy itself drops retain from PUBLISH options)', async () => {
    const pub = await clients.autobahn(t.url, serializer);
    const published = (await pub.session.publish('com.example.ret.wampy', ['kept'], { a: [1, 2] }, { acknowledge: true, retain: true })) as { id: number };
    const w = await clients.wampy(t.url, serializer);
    const got: Array<{ args: unknown[]; kwargs: unknown; details: Record<string, unknown> }> = [];
    await w.subscribe('com.example.ret.wampy', (event) => void got.push({ args: event.argsList ?? [], kwargs: event.argsDict, details: event.details }), { get_retained: true });
    await pub.session.publish('com.example.ret.wampy', ['live'], {}, { acknowledge: true });
    expect(await eventually(() => got.length === 2)).toBe(true);
    expect(got.map((event) => event.args)).toEqual([['kept'], ['live']]);
    expect(got[0].kwargs).toEqual({ a: [1, 2] });
    expect(got[0].details).toEqual({ retained: true });
    expect(got[1].details).toEqual({});
    expect(isWampId(published.id)).toBe(true);
  });

  it('a prefix subscription "com.example.rp." with get_retained gets the retained event of every matching topic (Details {topic, retained: true}); a wildcard "com.example..a" likewise; non-matching topics are left out (raw wire)', async () => {
    const { peer: pub } = await clients.rawJoined(t.url, serializer);
    const retained: Record<string, number> = {};
    let request = 1;
    for (const topic of ['com.example.rp.a', 'com.example.rp.b.c', 'com.example.rpx', 'com.example.other.a', 'com.example.rp.a.b']) {
      retained[topic] = await publishRaw(pub, request++, topic, [topic], { retain: true });
    }
    await publishRaw(pub, request++, 'com.example.rp.d', ['never retained']);
    const { peer: sub } = await clients.rawJoined(t.url, serializer);
    const prefix = await subscribeRetained(sub, 1, 'com.example.rp.', { match: 'prefix' });
    const expectedPrefix = ['com.example.rp.a', 'com.example.rp.b.c', 'com.example.rp.a.b'];
    expect(prefix.events.map((event) => event[3] as Record<string, unknown>).map((details) => details.topic).sort()).toEqual([...expectedPrefix].sort());
    for (const event of prefix.events) {
      const topic = (event[3] as Record<string, unknown>).topic as string;
      expect(event).toEqual([36, prefix.subscription, retained[topic], { topic, retained: true }, [topic]]);
    }
    const wildcard = await subscribeRetained(sub, 3, 'com.example..a', { match: 'wildcard' });
    expect(wildcard.events.map((event) => (event[3] as Record<string, unknown>).topic).sort()).toEqual(['com.example.other.a', 'com.example.rp.a']);
    for (const event of wildcard.events) expect(event[1]).toBe(wildcard.subscription);
  });

  it('never a retained event the subscriber was not eligible for: retained with exclude [X] / exclude_authid [X] / eligible [Y] / eligible_authrole ["admin"] / exclude_authrole ["anonymous"] / eligible_authid ["root"] → only the sessions that were eligible get it on get_retained (raw; X, Y anonymous, "root" a ticket session with authrole "admin")', async () => {
    const { peer: pub } = await clients.rawJoined(t.url, serializer);
    const X = await clients.raw(t.url, serializer);
    const xWelcome = norm(await X.join());
    const xId = xWelcome[1] as number;
    const xAuthid = (xWelcome[2] as Record<string, unknown>).authid as string;
    const { peer: Y, sessionId: yId } = await clients.rawJoined(t.url, serializer);
    const admin = await rawAdmin(serializer);

    const cases: Array<[string, Record<string, unknown>, { X: boolean; Y: boolean; admin: boolean }]> = [
      ['com.example.ret.excl', { exclude: [xId] }, { X: false, Y: true, admin: true }],
      ['com.example.ret.exclid', { exclude_authid: [xAuthid] }, { X: false, Y: true, admin: true }],
      ['com.example.ret.elig', { eligible: [yId] }, { X: false, Y: true, admin: false }],
      ['com.example.ret.role', { eligible_authrole: ['admin'] }, { X: false, Y: false, admin: true }],
      ['com.example.ret.noanon', { exclude_authrole: ['anonymous'] }, { X: false, Y: false, admin: true }],
      ['com.example.ret.rootonly', { eligible_authid: ['root'], eligible_authrole: ['admin'] }, { X: false, Y: false, admin: true }],
      ['com.example.ret.open', {}, { X: true, Y: true, admin: true }],
    ];
    let request = 1;
    for (const [topic, options, expected] of cases) {
      const publication = await publishRaw(pub, request++, topic, [topic], { retain: true, ...options });
      for (const [name, peer] of [['X', X], ['Y', Y], ['admin', admin]] as const) {
        const got = await subscribeRetained(peer, request++, topic);
        // subscribeRetained proves by a follow-up reply that nothing else was queued
        expect(got.events, `${topic}: ${name}`).toEqual(expected[name] ? [[36, got.subscription, publication, { retained: true }, [topic]]] : []);
      }
    }
  });

  it('the publisher is not sent its own retained event on a later get_retained (publisher exclusion), unless it published with exclude_me: false (raw)', async () => {
    const { peer: pub } = await clients.rawJoined(t.url, serializer);
    const excluded = await publishRaw(pub, 1, 'com.example.ret.own', ['own'], { retain: true });
    expect((await subscribeRetained(pub, 2, 'com.example.ret.own')).events).toEqual([]);
    const included = await publishRaw(pub, 3, 'com.example.ret.own2', ['own2'], { retain: true, exclude_me: false });
    const own2 = await subscribeRetained(pub, 4, 'com.example.ret.own2');
    expect(own2.events).toEqual([[36, own2.subscription, included, { retained: true }, ['own2']]]);
    // others get the first one all the same
    const { peer: other } = await clients.rawJoined(t.url, serializer);
    const seen = await subscribeRetained(other, 1, 'com.example.ret.own');
    expect(seen.events).toEqual([[36, seen.subscription, excluded, { retained: true }, ['own']]]);
  });

  it('a retained publication limited to eligible_authrole ["admin"] does not take the earlier unrestricted retained event away from others: an anonymous get_retained subscriber gets the earlier one, "admin" gets the latest (spec: "the most recent Retained Event that they would have received")', async () => {
    const { peer: pub } = await clients.rawJoined(t.url, serializer);
    const open = await publishRaw(pub, 1, 'com.example.ret.suppl', ['for everyone'], { retain: true });
    const limited = await publishRaw(pub, 2, 'com.example.ret.suppl', ['for admins'], { retain: true, eligible_authrole: ['admin'] });
    const admin = await rawAdmin(serializer);
    const forAdmin = await subscribeRetained(admin, 1, 'com.example.ret.suppl');
    expect(forAdmin.events).toEqual([[36, forAdmin.subscription, limited, { retained: true }, ['for admins']]]);
    const { peer: anon } = await clients.rawJoined(t.url, serializer);
    const got = await subscribeRetained(anon, 1, 'com.example.ret.suppl');
    expect(got.events).toEqual([[36, got.subscription, open, { retained: true }, ['for everyone']]]);
  });

  it('a retained publication that excludes session X does not take the earlier unrestricted retained event away from X: X gets the earlier one on get_retained, others the latest (raw)', async () => {
    const { peer: pub } = await clients.rawJoined(t.url, serializer);
    const { peer: X, sessionId: xId } = await clients.rawJoined(t.url, serializer);
    const open = await publishRaw(pub, 1, 'com.example.ret.suppl2', ['for everyone'], { retain: true });
    const limited = await publishRaw(pub, 2, 'com.example.ret.suppl2', ['not for X'], { retain: true, exclude: [xId] });
    const { peer: other } = await clients.rawJoined(t.url, serializer);
    const seen = await subscribeRetained(other, 1, 'com.example.ret.suppl2');
    expect(seen.events).toEqual([[36, seen.subscription, limited, { retained: true }, ['not for X']]]);
    const x = await subscribeRetained(X, 1, 'com.example.ret.suppl2');
    expect(x.events).toEqual([[36, x.subscription, open, { retained: true }, ['for everyone']]]);
  });

  it('retain with disclose_me → the retained event carries {publisher, publisher_authid, publisher_authrole, retained: true}; a pattern subscriber gets topic too (raw wire)', async () => {
    const pub = await clients.raw(t.url, serializer);
    const welcome = norm(await pub.join());
    const publisher = welcome[1] as number;
    const authid = (welcome[2] as Record<string, unknown>).authid;
    const publication = await publishRaw(pub, 1, 'com.example.ret.who', ['me'], { retain: true, disclose_me: true });
    const { peer: sub } = await clients.rawJoined(t.url, serializer);
    const exact = await subscribeRetained(sub, 1, 'com.example.ret.who');
    expect(exact.events).toEqual([[36, exact.subscription, publication, { publisher, publisher_authid: authid, publisher_authrole: 'anonymous', retained: true }, ['me']]]);
    const prefix = await subscribeRetained(sub, 3, 'com.example.ret.wh', { match: 'prefix' });
    expect(prefix.events).toEqual([
      [36, prefix.subscription, publication, { topic: 'com.example.ret.who', publisher, publisher_authid: authid, publisher_authrole: 'anonymous', retained: true }, ['me']],
    ]);
  });

  it('a PUBLISH the broker refuses (disclose_me in a realm with allowDisclosure: false) with retain: true does not replace the retained event, acknowledged or not (raw)', async () => {
    const { peer: pub } = await clients.rawJoined(t.url, serializer, 'closed');
    const kept = await publishRaw(pub, 1, 'com.example.ret.refused', ['kept'], { retain: true });
    pub.send([16, 2, { acknowledge: true, retain: true, disclose_me: true }, 'com.example.ret.refused', ['refused']]);
    expect((await nextMessage(pub)).slice(0, 5)).toEqual([8, 16, 2, {}, 'wamp.error.option_disallowed.disclose_me']);
    pub.send([16, 3, { retain: true, disclose_me: true }, 'com.example.ret.refused', ['refused silently']]);
    await expectNothingQueued(pub, 4);
    const { peer: sub } = await clients.rawJoined(t.url, serializer, 'closed');
    const got = await subscribeRetained(sub, 1, 'com.example.ret.refused');
    expect(got.events).toEqual([[36, got.subscription, kept, { retained: true }, ['kept']]]);
  });

  it('an in-process session (router.realm("realm1").session()) subscribing with get_retained: true gets the retained event in its handler, like a client on the wire', async () => {
    const { peer: pub } = await clients.rawJoined(t.url, serializer);
    const publication = await publishRaw(pub, 1, 'com.example.ret.local', ['kept'], { retain: true });
    const local = clients.track(t.router.realm('realm1').session({ authid: 'svc', authrole: 'backend' }));
    const got: Array<[unknown[], Record<string, unknown>]> = [];
    await local.subscribe('com.example.ret.local', (args, _kwargs, details) => void got.push([args, details]), { get_retained: true });
    // a live publication after it marks the end of what the subscribe brought
    await publishRaw(pub, 2, 'com.example.ret.local', ['live']);
    expect(await eventually(() => got.some(([args]) => args[0] === 'live'))).toBe(true);
    expect(got).toEqual([
      [['kept'], { retained: true }],
      [['live'], {}],
    ]);
    expect(isWampId(publication)).toBe(true);
  });
});

interface StoredEvent {
  timestamp: string;
  subscription: number;
  publication: number;
  details: Record<string, unknown>;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
}

async function getEvents(w: Wampy, subscription: number, filters: Record<string, unknown> = {}): Promise<StoredEvent[]> {
  const result = norm(await w.call('wamp.subscription.get_events', { argsList: [subscription], argsDict: filters }));
  return (result.argsList ?? []) as StoredEvent[];
}

async function publishAll(w: Wampy, topic: string, values: unknown[], options: Record<string, unknown> = {}): Promise<number[]> {
  const ids: number[] = [];
  for (const value of values) ids.push(Number((await w.publish(topic, { argsList: [value] }, options)).publicationId));
  return ids;
}

async function subscriptionOf(w: Wampy, topic: string, match?: 'prefix' | 'wildcard'): Promise<number> {
  return Number((await w.subscribe(topic, () => undefined, match === undefined ? undefined : { match })).subscriptionId);
}

describe.each(SERIALIZER_NAMES)('event history over %s (beyond meta-history.test.ts)', (serializer: SerializerName) => {
  it('the spec example: histories for exact "com.mycompany.log.auth", exact "com.mycompany.log.basket" and prefix "com.mycompany.log" — five publications are stored per matching history: [1], [2, 3, 4], [1..5] (wampy, autobahn)', async () => {
    const w = await clients.wampy(t.url, serializer);
    const auth = await subscriptionOf(w, 'com.mycompany.log.auth');
    const basket = await subscriptionOf(w, 'com.mycompany.log.basket');
    const log = await subscriptionOf(w, 'com.mycompany.log', 'prefix');
    const pub = await clients.wampy(t.url, serializer);
    const [p1] = await publishAll(pub, 'com.mycompany.log.auth', [1]);
    const [p2, p3, p4] = await publishAll(pub, 'com.mycompany.log.basket', [2, 3, 4]);
    const [p5] = await publishAll(pub, 'com.mycompany.log.checkout', [5]);
    const publications = async (subscription: number) => (await getEvents(w, subscription)).map((event) => [event.subscription, event.publication]);
    expect(await publications(auth)).toEqual([[auth, p1]]);
    expect(await publications(basket)).toEqual([
      [basket, p2],
      [basket, p3],
      [basket, p4],
    ]);
    expect(await publications(log)).toEqual([p1, p2, p3, p4, p5].map((p) => [log, p]));
    // autobahn: several events → a Result with one positional arg per event
    const a = await clients.autobahn(t.url, serializer);
    const result = (await a.session.call('wamp.subscription.get_events', [log], { topic: 'com.mycompany.log.basket' })) as { args: StoredEvent[] };
    expect(result.args.map((event) => event.publication)).toEqual([p2, p3, p4]);
  });

  it('prefix history "com.mycompany.log": each stored event\'s details carry the concrete topic, as the EVENT on that prefix subscription did (Details.topic; "details: the original details of the event")', async () => {
    const w = await clients.wampy(t.url, serializer);
    const log = await subscriptionOf(w, 'com.mycompany.log', 'prefix');
    const delivered: Array<Record<string, unknown>> = [];
    const sub = await clients.wampy(t.url, serializer);
    await sub.subscribe('com.mycompany.log', (event) => void delivered.push(event.details), { match: 'prefix' });
    const pub = await clients.wampy(t.url, serializer);
    await publishAll(pub, 'com.mycompany.log.auth', ['a']);
    await publishAll(pub, 'com.mycompany.log.checkout', ['c']);
    expect(await eventually(() => delivered.length === 2)).toBe(true);
    expect(delivered).toEqual([{ topic: 'com.mycompany.log.auth' }, { topic: 'com.mycompany.log.checkout' }]);
    const events = await getEvents(w, log);
    expect(events.map((event) => event.details)).toEqual(delivered);
  });

  it('events published with exclude / eligible session lists are not stored and do not push older events out of a limit-3 history ("com.example.hist" prefix); the next stored one does', async () => {
    const w = await clients.wampy(t.url, serializer);
    const hist = await subscriptionOf(w, 'com.example.hist', 'prefix');
    const pub = await clients.wampy(t.url, serializer);
    const someone = Number(w.getSessionId());
    const [h1, h2, h3] = await publishAll(pub, 'com.example.hist.a', ['h1', 'h2', 'h3']);
    await publishAll(pub, 'com.example.hist.a', ['excluded'], { exclude: [someone] });
    await publishAll(pub, 'com.example.hist.b', ['eligible'], { eligible: [someone] });
    expect((await getEvents(w, hist)).map((event) => event.publication)).toEqual([h1, h2, h3]);
    const [h4] = await publishAll(pub, 'com.example.hist.b', ['h4'], { exclude_authrole: ['nobody'] });
    expect((await getEvents(w, hist)).map((event) => event.publication)).toEqual([h2, h3, h4]);
  });

  it('wildcard history "com.example.wild..temp": stores com.example.wild.a.temp and ….b.temp, not ….a.b.temp nor com.example.wild.temp; an exact subscription to com.example.wild.a.temp (no history of its own) → no events', async () => {
    const w = await clients.wampy(t.url, serializer);
    const wild = await subscriptionOf(w, 'com.example.wild..temp', 'wildcard');
    const pub = await clients.wampy(t.url, serializer);
    const [a] = await publishAll(pub, 'com.example.wild.a.temp', [1]);
    await publishAll(pub, 'com.example.wild.a.b.temp', [2]);
    await publishAll(pub, 'com.example.wild.temp', [3]);
    const [b] = await publishAll(pub, 'com.example.wild.b.temp', [4]);
    expect((await getEvents(w, wild)).map((event) => [event.publication, event.args])).toEqual([
      [a, [1]],
      [b, [4]],
    ]);
    expect((await getEvents(w, wild, { topic: 'com.example.wild.b.temp' })).map((event) => event.publication)).toEqual([b]);
    const exact = await subscriptionOf(w, 'com.example.wild.a.temp');
    expect(await getEvents(w, exact)).toEqual([]);
  });

  it('disclose_me is kept in history: details of a stored event have publisher, publisher_authid, publisher_authrole; an undisclosed one has none of them', async () => {
    const w = await clients.wampy(t.url, serializer);
    const auth = await subscriptionOf(w, 'com.mycompany.log.auth');
    const { client: pub, details } = await clients.wampyWithDetails(t.url, serializer);
    await publishAll(pub, 'com.mycompany.log.auth', ['disclosed'], { disclose_me: true });
    await publishAll(pub, 'com.mycompany.log.auth', ['hidden']);
    const events = await getEvents(w, auth);
    expect(events.map((event) => event.args)).toEqual([['disclosed'], ['hidden']]);
    expect(events[0].details).toEqual({ publisher: Number(pub.getSessionId()), publisher_authid: details.authid, publisher_authrole: 'anonymous' });
    expect(events[1].details).toEqual({});
  });

  it('history outlives its subscription: after the last subscriber leaves, later publications are still stored, and a new subscription (new id) returns all of them with its own id', async () => {
    const w = await clients.wampy(t.url, serializer);
    const first = await subscriptionOf(w, 'com.mycompany.log.basket');
    const pub = await clients.wampy(t.url, serializer);
    const [b1] = await publishAll(pub, 'com.mycompany.log.basket', ['b1']);
    await w.unsubscribe(first);
    expect(t.router.stats().subscriptions).toBe(0);
    const [b2] = await publishAll(pub, 'com.mycompany.log.basket', ['b2']);
    const again = await subscriptionOf(w, 'com.mycompany.log.basket');
    const events = await getEvents(w, again);
    expect(events.map((event) => [event.subscription, event.publication])).toEqual([
      [again, b1],
      [again, b2],
    ]);
    // the old id is gone
    const error = (await w.call('wamp.subscription.get_events', { argsList: [first] }).catch((e: unknown) => e)) as { errorUri?: string };
    if (first !== again) expect(error.errorUri).toBe('wamp.error.no_such_subscription');
  });
});
