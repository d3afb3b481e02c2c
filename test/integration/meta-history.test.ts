// wamp.subscription.get_events with real clients over each serializer: the result shape, every
// filter, argument checks and eligibility. spec: advanced/pubsub_event_history.md
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Wampy } from 'wampy';
import { startRouter, expectAllZero, type TestRouter } from '../helpers/router.js';
import { SERIALIZER_NAMES } from '../helpers/clients.js';
import { Clients, autobahnError, norm, sleep, wampyError } from '../helpers/autobahn-extra.js';

let t: TestRouter;
let clients: Clients;

beforeEach(async () => {
  t = await startRouter({
    realms: [
      {
        name: 'realm1',
        history: [
          { topic: 'com.example.history', limit: 100 },
          { topic: 'com.example.feed', match: 'prefix', limit: 3 },
        ],
      },
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

interface StoredEvent {
  timestamp: string;
  subscription: number;
  publication: number;
  details: Record<string, unknown>;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
}

/** get_events through wampy: the result's Arguments are the events. */
async function getEvents(w: Wampy, subscription: number, filters: Record<string, unknown> = {}): Promise<StoredEvent[]> {
  const result = norm(await w.call('wamp.subscription.get_events', { argsList: [subscription], argsDict: filters }));
  return (result.argsList ?? []) as StoredEvent[];
}

async function publishAll(w: Wampy, topic: string, values: unknown[], options: Record<string, unknown> = {}): Promise<number[]> {
  const ids: number[] = [];
  for (const value of values) ids.push(Number((await w.publish(topic, { argsList: [value] }, { acknowledge: true, ...options })).publicationId));
  return ids;
}

describe.each(SERIALIZER_NAMES)('event history over %s', (serializer) => {
  it('wamp.subscription.get_events(subscription) → Arguments = stored events {timestamp, subscription, publication, details, args, kwargs}, oldest first', async () => {
    const publisher = await clients.wampy(t.url, serializer);
    const before = Date.now();
    const publications = await publishAll(publisher, 'com.example.history', ['one', 'two']);
    await publisher.publish('com.example.history', { argsList: [3], argsDict: { k: 'v' } }, { acknowledge: true });
    const reader = await clients.wampy(t.url, serializer);
    const subscription = Number((await reader.subscribe('com.example.history', () => undefined)).subscriptionId);
    const events = await getEvents(reader, subscription);
    expect(events).toHaveLength(3);
    expect(events.slice(0, 2).map((event) => [event.publication, event.subscription, event.args])).toEqual([
      [publications[0], subscription, ['one']],
      [publications[1], subscription, ['two']],
    ]);
    expect(events[2]).toMatchObject({ args: [3], kwargs: { k: 'v' }, details: {} });
    for (const event of events) {
      expect(event.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(Date.parse(event.timestamp)).toBeGreaterThanOrEqual(before - 5);
    }
    // autobahn sees the same list (several positional results → a Result)
    const a = await clients.autobahn(t.url, serializer);
    const same = (await a.session.subscribe('com.example.history', () => undefined)).id;
    expect(same).toBe(subscription);
    const result = (await a.session.call('wamp.subscription.get_events', [subscription])) as { args: StoredEvent[] };
    expect(result.args.map((event) => event.publication)).toEqual(events.map((event) => event.publication));
  });

  it('get_events filters: reverse, limit, from/after/before/until_publication, from/after/before/until_time, topic', async () => {
    const publisher = await clients.wampy(t.url, serializer);
    const [p1, p2] = await publishAll(publisher, 'com.example.history', [1, 2]);
    await sleep(25);
    const middle = new Date().toISOString();
    await sleep(25);
    const [p3, p4] = await publishAll(publisher, 'com.example.history', [3, 4]);
    const reader = await clients.wampy(t.url, serializer);
    const sub = Number((await reader.subscribe('com.example.history', () => undefined)).subscriptionId);
    const pubs = async (filters: Record<string, unknown>) => (await getEvents(reader, sub, filters)).map((event) => event.publication);

    expect(await pubs({})).toEqual([p1, p2, p3, p4]);
    expect(await pubs({ reverse: true })).toEqual([p4, p3, p2, p1]);
    expect(await pubs({ limit: 2 })).toEqual([p1, p2]);
    expect(await pubs({ reverse: true, limit: 1 })).toEqual([p4]);
    expect(await pubs({ from_publication: p2 })).toEqual([p2, p3, p4]);
    expect(await pubs({ after_publication: p2 })).toEqual([p3, p4]);
    expect(await pubs({ before_publication: p3 })).toEqual([p1, p2]);
    expect(await pubs({ until_publication: p3 })).toEqual([p1, p2, p3]);
    expect(await pubs({ after_publication: p1, before_publication: p4 })).toEqual([p2, p3]);
    expect(await pubs({ from_publication: 123456789 })).toEqual([]);
    expect(await pubs({ from_time: middle })).toEqual([p3, p4]);
    expect(await pubs({ before_time: middle })).toEqual([p1, p2]);
    const events = await getEvents(reader, sub);
    expect(await pubs({ until_time: events[1].timestamp })).toEqual([p1, p2]);
    expect(await pubs({ after_time: events[1].timestamp })).toEqual([p3, p4]);
    // RFC 3339 with an offset is the same instant
    const shifted = new Date(Date.parse(middle) + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    expect(await pubs({ from_time: shifted })).toEqual([p3, p4]);

    // topic: for a prefix history, only the publications to that concrete topic
    const [fa] = await publishAll(publisher, 'com.example.feed.a', ['a']);
    const [fb] = await publishAll(publisher, 'com.example.feed.b', ['b']);
    const feed = Number((await reader.subscribe('com.example.feed', () => undefined, { match: 'prefix' })).subscriptionId);
    expect((await getEvents(reader, feed)).map((event) => event.publication)).toEqual([fa, fb]);
    expect((await getEvents(reader, feed, { topic: 'com.example.feed.b' })).map((event) => event.publication)).toEqual([fb]);
  });

  it('a history keeps only its configured limit (the oldest go first); a subscription without history → no events', async () => {
    const publisher = await clients.wampy(t.url, serializer);
    const ids = await publishAll(publisher, 'com.example.feed.x', [1, 2, 3, 4, 5]);
    const reader = await clients.wampy(t.url, serializer);
    const feed = Number((await reader.subscribe('com.example.feed', () => undefined, { match: 'prefix' })).subscriptionId);
    expect((await getEvents(reader, feed)).map((event) => event.publication)).toEqual(ids.slice(2));
    await publishAll(publisher, 'com.example.nohistory', [1]);
    const plain = Number((await reader.subscribe('com.example.nohistory', () => undefined)).subscriptionId);
    expect(await getEvents(reader, plain)).toEqual([]);
  });

  it('get_events: wrong argument types → ERROR wamp.error.invalid_argument; unknown subscription → wamp.error.no_such_subscription; wamp.* → wamp.error.not_authorized', async () => {
    const reader = await clients.wampy(t.url, serializer);
    const sub = Number((await reader.subscribe('com.example.history', () => undefined)).subscriptionId);
    const bad: Array<Record<string, unknown>> = [
      { reverse: 'yes' },
      { limit: 0 },
      { limit: 1.5 },
      { limit: '3' },
      { from_time: 'yesterday' },
      { after_time: 1700000000000 },
      { before_time: '2024-13-45T99:00:00Z' },
      { until_time: '2024-01-01' },
      { from_publication: 'x' },
      { after_publication: -1 },
      { before_publication: 1.5 },
      { until_publication: true },
      { topic: 5 },
    ];
    for (const filters of bad) {
      const error = await wampyError(reader.call('wamp.subscription.get_events', { argsList: [sub], argsDict: filters }));
      expect(error.errorUri, JSON.stringify(filters)).toBe('wamp.error.invalid_argument');
    }
    expect((await wampyError(reader.call('wamp.subscription.get_events', { argsList: ['sub'] }))).errorUri).toBe('wamp.error.invalid_argument');
    expect((await wampyError(reader.call('wamp.subscription.get_events', { argsList: [987654] }))).errorUri).toBe('wamp.error.no_such_subscription');
    const a = await clients.autobahn(t.url, serializer);
    const hidden = await a.session.subscribe('wamp.session.on_join', () => undefined);
    expect((await autobahnError(a.session.call('wamp.subscription.get_events', [hidden.id]))).error).toBe('wamp.error.not_authorized');
  });

  it('eligibility: an event published with eligible_authrole ["admin"] is not returned to an "anonymous" requester but is to an "admin"; an event with exclude [session] is not stored', async () => {
    const publisher = await clients.wampy(t.url, serializer);
    const bystander = await clients.wampy(t.url, serializer);
    const [open] = await publishAll(publisher, 'com.example.history', ['for everyone']);
    const [adminsOnly] = await publishAll(publisher, 'com.example.history', ['for admins'], { eligible_authrole: ['admin'] });
    await publishAll(publisher, 'com.example.history', ['not for bystander'], { exclude: [Number(bystander.getSessionId())] });
    await publishAll(publisher, 'com.example.history', ['not for anonymous'], { exclude_authrole: ['anonymous'] });
    const reader = await clients.wampy(t.url, serializer);
    const sub = Number((await reader.subscribe('com.example.history', () => undefined)).subscriptionId);
    expect((await getEvents(reader, sub)).map((event) => event.publication)).toEqual([open]);

    const admin = clients.track(t.router.realm('realm1').session({ authrole: 'admin' }));
    expect(await admin.subscribe('com.example.history', () => undefined)).toBe(sub);
    const forAdmin = await admin.call('wamp.subscription.get_events', [sub]);
    expect((forAdmin.args as StoredEvent[]).map((event) => event.args)).toEqual([['for everyone'], ['for admins'], ['not for anonymous']]);
    expect((forAdmin.args as StoredEvent[])[1].publication).toBe(adminsOnly);
  });
});
