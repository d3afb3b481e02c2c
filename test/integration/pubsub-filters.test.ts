// Who receives a publication: subscriber black- and whitelisting, publisher exclusion, and
// publisher identification (disclose_me), with real clients (autobahn, wampy), raw peers and
// in-process sessions, over each serializer.
// spec: advanced/pubsub_subscriber_blackwhite_listing.md, pubsub_publisher_exclusion.md,
//       pubsub_publisher_identification.md
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRouter, expectAllZero, eventually, type TestRouter } from '../helpers/router.js';
import { SERIALIZER_NAMES, type AutobahnClient, type SerializerName } from '../helpers/clients.js';
import type { RawPeer } from '../helpers/raw.js';
import { Clients, autobahnError, nextMessage, norm, wampyError } from '../helpers/autobahn-extra.js';
import type { LocalSession } from '../../router/index.js';

let t: TestRouter;
let clients: Clients;

beforeEach(async () => {
  // "closed" refuses publisher disclosure (realms[].allowDisclosure: false).
  t = await startRouter({ realms: [{ name: 'realm1' }, { name: 'closed', allowDisclosure: false }] });
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

const TOPIC = 'com.example.filtered';
const MARKER = '__marker__';

interface Got {
  args: unknown[];
  details: Record<string, unknown>;
}

/** A subscriber of TOPIC of any kind, with its identity and the events it received so far. */
interface Receiver {
  name: string;
  session: number;
  authid: string;
  authrole: string;
  events(): Got[];
}

/** A raw peer subscribed to TOPIC: its EVENTs are read from the wire as they are. */
async function rawReceiver(serializer: SerializerName, name: string, realm = 'realm1'): Promise<Receiver & { peer: RawPeer }> {
  const peer = await clients.raw(t.url, serializer);
  const welcome = norm(await peer.join(realm));
  expect(welcome[0]).toBe(2);
  const details = welcome[2] as Record<string, unknown>;
  peer.send([32, 1, {}, TOPIC]);
  expect((await nextMessage(peer)).slice(0, 2)).toEqual([33, 1]);
  return {
    name,
    peer,
    session: welcome[1] as number,
    authid: details.authid as string,
    authrole: details.authrole as string,
    events: () =>
      norm(peer.received)
        .filter((message) => message[0] === 36)
        .map((message) => ({ args: (message[4] ?? []) as unknown[], details: message[3] as Record<string, unknown> })),
  };
}

async function autobahnReceiver(serializer: SerializerName, name: string): Promise<Receiver & { client: AutobahnClient }> {
  const client = await clients.autobahn(t.url, serializer);
  const got: Got[] = [];
  await client.session.subscribe(TOPIC, (args, _kwargs, details) => void got.push({ args, details: { ...details } }));
  return { name, client, session: client.session.id, authid: client.details.authid as string, authrole: client.details.authrole as string, events: () => got };
}

async function wampyReceiver(serializer: SerializerName, name: string): Promise<Receiver> {
  const { client, details } = await clients.wampyWithDetails(t.url, serializer);
  const got: Got[] = [];
  await client.subscribe(TOPIC, (event) => void got.push({ args: event.argsList ?? [], details: event.details }));
  return { name, session: Number(client.getSessionId()), authid: details.authid as string, authrole: details.authrole as string, events: () => got };
}

async function localReceiver(name: string, authid: string, authrole: string): Promise<Receiver & { local: LocalSession }> {
  const local = clients.track(t.router.realm('realm1').session({ authid, authrole }));
  const got: Got[] = [];
  await local.subscribe(TOPIC, (args, _kwargs, details) => void got.push({ args, details }));
  return { name, local, session: local.id, authid, authrole, events: () => got };
}

/**
 * Runs one publication, then a plain MARKER publication from an unsubscribed session, and
 * returns, per receiver, the args[0] of what arrived before the marker. The marker is published
 * after the first publication was acknowledged, and every receiver gets it, so an EVENT of the
 * first publication would have arrived before it: absence is proven, not waited for.
 */
function tracker(receivers: Receiver[], marker: LocalSession) {
  const seen = new Map(receivers.map((receiver) => [receiver.name, 0]));
  return async (publish: () => Promise<unknown>): Promise<Record<string, unknown[]>> => {
    await publish();
    await marker.publish(TOPIC, [MARKER], {}, { acknowledge: true });
    const ok = await eventually(() => receivers.every((receiver) => receiver.events().slice(seen.get(receiver.name)).some((event) => event.args[0] === MARKER)));
    if (!ok) throw new Error(`the marker did not reach every receiver: ${JSON.stringify(receivers.map((r) => [r.name, r.events().map((e) => e.args[0])]))}`);
    const result: Record<string, unknown[]> = {};
    for (const receiver of receivers) {
      const fresh = receiver.events().slice(seen.get(receiver.name));
      const markerAt = fresh.findIndex((event) => event.args[0] === MARKER);
      result[receiver.name] = fresh.slice(0, markerAt).map((event) => event.args[0]);
      seen.set(receiver.name, (seen.get(receiver.name) ?? 0) + markerAt + 1);
    }
    return result;
  };
}

/** Who got it: the names of receivers that got exactly one EVENT with `value` (fails on duplicates). */
function who(result: Record<string, unknown[]>, value: unknown): string[] {
  for (const [name, values] of Object.entries(result)) {
    expect(values.filter((v) => v === value).length, `${name} got ${JSON.stringify(values)}`).toBeLessThanOrEqual(1);
  }
  return Object.entries(result)
    .filter(([, values]) => values.includes(value))
    .map(([name]) => name)
    .sort();
}

describe.each(SERIALIZER_NAMES)('subscriber black- and whitelisting over %s', (serializer) => {
  /** Four subscribers: raw R, autobahn A, wampy W (all "anonymous") and an in-process "staff" L. */
  async function setup() {
    const R = await rawReceiver(serializer, 'R');
    const A = await autobahnReceiver(serializer, 'A');
    const W = await wampyReceiver(serializer, 'W');
    const L = await localReceiver('L', 'lena', 'staff');
    const marker = clients.track(t.router.realm('realm1').session({ authid: 'marker', authrole: 'marker' }));
    const pub = await clients.autobahn(t.url, serializer);
    for (const receiver of [R, A, W]) {
      expect(receiver.authrole).toBe('anonymous');
      expect(typeof receiver.authid).toBe('string');
    }
    expect(new Set([R.authid, A.authid, W.authid]).size).toBe(3);
    const run = tracker([R, A, W, L], marker);
    const publish = (value: string, options: Record<string, unknown>) => run(() => pub.session.publish(TOPIC, [value], {}, { acknowledge: true, ...options }) as Promise<unknown>);
    return { R, A, W, L, pub, marker, run, publish };
  }

  it('PUBLISH.Options.exclude [sessions] → those subscribers are left out, the others get the event once (autobahn publisher; raw, autobahn, wampy, local subscribers)', async () => {
    const { R, A, W, L, publish } = await setup();
    expect(who(await publish('ex1', { exclude: [R.session, W.session] }), 'ex1')).toEqual(['A', 'L']);
    expect(who(await publish('ex2', { exclude: [A.session, L.session, 123456789] }), 'ex2')).toEqual(['R', 'W']);
    expect(who(await publish('ex3', { exclude: [] }), 'ex3')).toEqual(['A', 'L', 'R', 'W']);
  });

  it('PUBLISH.Options.exclude_authid / exclude_authrole → subscribers with that authid / authrole are left out', async () => {
    const { R, A, W, publish } = await setup();
    expect(who(await publish('xa1', { exclude_authid: [A.authid, 'lena'] }), 'xa1')).toEqual(['R', 'W']);
    expect(who(await publish('xa2', { exclude_authid: [W.authid, 'nobody'] }), 'xa2')).toEqual(['A', 'L', 'R']);
    expect(who(await publish('xr1', { exclude_authrole: ['anonymous'] }), 'xr1')).toEqual(['L']);
    expect(who(await publish('xr2', { exclude_authrole: ['staff', 'admin'] }), 'xr2')).toEqual(['A', 'R', 'W']);
    expect(R.authid).not.toBe(A.authid);
  });

  it('PUBLISH.Options.eligible / eligible_authid / eligible_authrole → only the listed subscribers; an empty eligible list reaches nobody', async () => {
    const { R, A, W, L, publish } = await setup();
    expect(who(await publish('el1', { eligible: [A.session, W.session] }), 'el1')).toEqual(['A', 'W']);
    expect(who(await publish('el2', { eligible: [L.session] }), 'el2')).toEqual(['L']);
    expect(who(await publish('el3', { eligible: [] }), 'el3')).toEqual([]);
    expect(who(await publish('ea1', { eligible_authid: [R.authid, 'lena'] }), 'ea1')).toEqual(['L', 'R']);
    expect(who(await publish('ea2', { eligible_authid: ['nobody'] }), 'ea2')).toEqual([]);
    expect(who(await publish('er1', { eligible_authrole: ['staff'] }), 'er1')).toEqual(['L']);
    expect(who(await publish('er2', { eligible_authrole: ['anonymous', 'staff'] }), 'er2')).toEqual(['A', 'L', 'R', 'W']);
  });

  it('all six lists are ANDed: eligible [R, A, W] + exclude [R] → A, W; eligible_authrole [anonymous] + exclude_authid [W] → R, A; eligible_authid [A, lena] + eligible_authrole [staff] → L; eligible [A] + exclude_authrole [anonymous] → nobody', async () => {
    const { R, A, W, L, publish } = await setup();
    expect(who(await publish('and1', { eligible: [R.session, A.session, W.session], exclude: [R.session] }), 'and1')).toEqual(['A', 'W']);
    expect(who(await publish('and2', { eligible_authrole: ['anonymous'], exclude_authid: [W.authid] }), 'and2')).toEqual(['A', 'R']);
    expect(who(await publish('and3', { eligible_authid: [A.authid, 'lena'], eligible_authrole: ['staff'] }), 'and3')).toEqual(['L']);
    expect(who(await publish('and4', { eligible: [A.session], exclude_authrole: ['anonymous'] }), 'and4')).toEqual([]);
    expect(
      who(
        await publish('and5', {
          eligible: [R.session, A.session, W.session, L.session],
          eligible_authid: [R.authid, A.authid, W.authid, 'lena'],
          eligible_authrole: ['anonymous', 'staff'],
          exclude: [R.session],
          exclude_authid: [A.authid],
          exclude_authrole: ['staff'],
        }),
        'and5',
      ),
    ).toEqual(['W']);
  });

  it('eligible never adds a non-subscriber: a session listed in eligible but not subscribed to the topic gets no EVENT (raw: its next message answers its own request)', async () => {
    const { A, publish } = await setup();
    const { peer: outsider, sessionId } = await clients.rawJoined(t.url, serializer);
    // subscribed to a neighbouring topic and a non-matching pattern, not to TOPIC
    outsider.send([32, 1, {}, `${TOPIC}.other`]);
    expect((await nextMessage(outsider)).slice(0, 2)).toEqual([33, 1]);
    expect(who(await publish('elig-outsider', { eligible: [sessionId, A.session] }), 'elig-outsider')).toEqual(['A']);
    expect(who(await publish('elig-outsider-id', { eligible_authrole: ['anonymous'], exclude: [A.session] }), 'elig-outsider-id')).toEqual(['R', 'W']);
    outsider.send([34, 2, 987654]);
    const reply = await nextMessage(outsider);
    expect(reply.slice(0, 3)).toEqual([8, 34, 2]);
    expect(outsider.received).toHaveLength(3); // WELCOME, SUBSCRIBED, ERROR
  });

  it('the publisher stays excluded even when listed in eligible / eligible_authrole; exclude_me: false lets it in, unless exclude or an eligible list leaves it out', async () => {
    const { A, W, marker } = await setup();
    // The publisher P is a subscriber too (autobahn, anonymous).
    const P = await autobahnReceiver(serializer, 'P');
    const others = await autobahnReceiver(serializer, 'A2');
    const run = tracker([P, A, W, others], marker);
    const publish = (value: string, options: Record<string, unknown>) => run(() => P.client.session.publish(TOPIC, [value], {}, { acknowledge: true, ...options }) as Promise<unknown>);
    expect(who(await publish('p1', {}), 'p1')).toEqual(['A', 'A2', 'W']);
    expect(who(await publish('p2', { eligible: [P.session, A.session] }), 'p2')).toEqual(['A']);
    expect(who(await publish('p3', { eligible_authid: [P.authid] }), 'p3')).toEqual([]);
    expect(who(await publish('p4', { eligible: [P.session, A.session], exclude_me: false }), 'p4')).toEqual(['A', 'P']);
    expect(who(await publish('p5', { exclude_me: false }), 'p5')).toEqual(['A', 'A2', 'P', 'W']);
    expect(who(await publish('p6', { exclude_me: false, exclude: [P.session] }), 'p6')).toEqual(['A', 'A2', 'W']);
    expect(who(await publish('p7', { exclude_me: false, eligible: [A.session] }), 'p7')).toEqual(['A']);
    expect(who(await publish('p8', { exclude_me: false, exclude_authid: [P.authid] }), 'p8')).toEqual(['A', 'A2', 'W']);
    expect(who(await publish('p9', { exclude_me: true, eligible: [P.session] }), 'p9')).toEqual([]);
  });

  it('wampy as publisher: exclude, eligible_authrole and exclude_authid lists reach the router (wampy converts its options; raw subscribers see the result)', async () => {
    const { R, A, W, L, run } = await setup();
    const pub = await clients.wampy(t.url, serializer);
    const publish = (value: string, options: Record<string, unknown>) => run(() => pub.publish(TOPIC, { argsList: [value] }, options));
    expect(who(await publish('w1', { exclude: [R.session] }), 'w1')).toEqual(['A', 'L', 'W']);
    expect(who(await publish('w2', { eligible: [W.session, L.session] }), 'w2')).toEqual(['L', 'W']);
    expect(who(await publish('w3', { eligible_authrole: ['staff'] }), 'w3')).toEqual(['L']);
    expect(who(await publish('w4', { exclude_authid: [A.authid, R.authid] }), 'w4')).toEqual(['L', 'W']);
    expect(who(await publish('w5', { eligible_authid: [W.authid], exclude_authrole: ['staff'] }), 'w5')).toEqual(['W']);
  });

  it('filters apply to every matching subscription: a session holding exact + prefix + wildcard subscriptions that match gets three EVENTs, or none when excluded (raw wire)', async () => {
    const { peer: sub, sessionId } = await clients.rawJoined(t.url, serializer);
    const { peer: other, sessionId: otherId } = await clients.rawJoined(t.url, serializer);
    const { peer: pub } = await clients.rawJoined(t.url, serializer);
    const ids: number[] = [];
    let request = 1;
    for (const [topic, options] of [
      ['com.example.pf.x', {}],
      ['com.example.pf', { match: 'prefix' }],
      ['com.example..x', { match: 'wildcard' }],
    ] as Array<[string, Record<string, unknown>]>) {
      sub.send([32, request, options, topic]);
      const reply = await nextMessage(sub);
      expect(reply.slice(0, 2)).toEqual([33, request++]);
      ids.push(reply[2] as number);
    }
    other.send([32, 1, { match: 'prefix' }, 'com.example.pf']);
    expect((await nextMessage(other)).slice(0, 2)).toEqual([33, 1]);

    const send = async (req: number, options: Record<string, unknown>, value: string): Promise<number> => {
      pub.send([16, req, { acknowledge: true, ...options }, 'com.example.pf.x', [value]]);
      const reply = await nextMessage(pub);
      expect(reply.slice(0, 2)).toEqual([17, req]);
      return reply[2] as number;
    };
    await send(1, { exclude: [sessionId] }, 'excluded');
    const p2 = await send(2, { eligible: [otherId] }, 'only-other');
    const p3 = await send(3, { eligible: [sessionId], exclude_authrole: ['staff'] }, 'eligible');
    const got = [await nextMessage(sub), await nextMessage(sub), await nextMessage(sub)];
    expect(got.map((event) => event[1]).sort()).toEqual([...ids].sort());
    expect(got.map((event) => [event[0], event[2], event[4]])).toEqual([
      [36, p3, ['eligible']],
      [36, p3, ['eligible']],
      [36, p3, ['eligible']],
    ]);
    // other (prefix only) gets the first (only sub was excluded) and the second (it alone is eligible), not the third
    expect((await nextMessage(other)).slice(3)).toEqual([{ topic: 'com.example.pf.x' }, ['excluded']]);
    expect(await nextMessage(other)).toEqual([36, ids[1], p2, { topic: 'com.example.pf.x' }, ['only-other']]);
    sub.send([34, 9, 987654]);
    expect((await nextMessage(sub)).slice(0, 3)).toEqual([8, 34, 9]);
    other.send([34, 9, 987654]);
    expect((await nextMessage(other)).slice(0, 3)).toEqual([8, 34, 9]);
  });
});

describe.each(SERIALIZER_NAMES)('publisher identification over %s', (serializer) => {
  it('disclose_me: true → EVENT.Details {publisher, publisher_authid, publisher_authrole} (exact), plus topic (prefix); absent by default and with disclose_me: false (raw wire)', async () => {
    const sub = await clients.raw(t.url, serializer);
    expect(norm(await sub.join())[0]).toBe(2);
    const pub = await clients.raw(t.url, serializer);
    const welcome = norm(await pub.join());
    const publisher = welcome[1] as number;
    const { authid, authrole } = welcome[2] as Record<string, unknown>;
    expect(authrole).toBe('anonymous');
    sub.send([32, 1, {}, 'com.example.who']);
    const exact = norm(await sub.next())[2] as number;
    sub.send([32, 2, { match: 'prefix' }, 'com.example.wh']);
    const prefix = norm(await sub.next())[2] as number;

    const publishing = async (request: number, options: Record<string, unknown>): Promise<unknown[][]> => {
      pub.send([16, request, { acknowledge: true, ...options }, 'com.example.who', [request]]);
      const ack = await nextMessage(pub);
      expect(ack.slice(0, 2)).toEqual([17, request]);
      const events = [await nextMessage(sub), await nextMessage(sub)];
      for (const event of events) expect(event.slice(0, 3)).toEqual([36, event[1], ack[2]]);
      return events.sort((x, y) => (x[1] === exact ? -1 : y[1] === exact ? 1 : 0));
    };
    const disclosed = await publishing(10, { disclose_me: true });
    expect(disclosed[0]).toEqual([36, exact, disclosed[0][2], { publisher, publisher_authid: authid, publisher_authrole: 'anonymous' }, [10]]);
    expect(disclosed[1]).toEqual([36, prefix, disclosed[0][2], { topic: 'com.example.who', publisher, publisher_authid: authid, publisher_authrole: 'anonymous' }, [10]]);
    const plain = await publishing(11, {});
    expect(plain.map((event) => event[3])).toEqual([{}, { topic: 'com.example.who' }]);
    const declined = await publishing(12, { disclose_me: false });
    expect(declined.map((event) => event[3])).toEqual([{}, { topic: 'com.example.who' }]);
  });

  it('disclose_me from autobahn and wampy publishers reaches autobahn and wampy subscribers as details.publisher / publisher_authid / publisher_authrole; an in-process publisher discloses its configured authid and authrole', async () => {
    const a = await clients.autobahn(t.url, serializer);
    const { client: w, details: wDetails } = await clients.wampyWithDetails(t.url, serializer);
    const aSub = await clients.autobahn(t.url, serializer);
    const wSub = await clients.wampy(t.url, serializer);
    const aGot: Got[] = [];
    const wGot: Got[] = [];
    await aSub.session.subscribe('com.example.disclosed', (args, _kwargs, details) => void aGot.push({ args, details: { ...details } }));
    await wSub.subscribe('com.example.disclosed', (event) => void wGot.push({ args: event.argsList ?? [], details: event.details }));
    const local = clients.track(t.router.realm('realm1').session({ authid: 'svc', authrole: 'backend' }));

    await a.session.publish('com.example.disclosed', ['from autobahn'], {}, { acknowledge: true, disclose_me: true });
    await w.publish('com.example.disclosed', { argsList: ['from wampy'] }, { disclose_me: true });
    await local.publish('com.example.disclosed', ['from local'], {}, { acknowledge: true, disclose_me: true });
    await a.session.publish('com.example.disclosed', ['anonymous'], {}, { acknowledge: true });
    expect(await eventually(() => aGot.length === 4 && wGot.length === 4)).toBe(true);

    const expected = [
      ['from autobahn', a.session.id, a.details.authid, 'anonymous'],
      ['from wampy', Number(w.getSessionId()), wDetails.authid, 'anonymous'],
      ['from local', local.id, 'svc', 'backend'],
      ['anonymous', undefined, undefined, undefined],
    ];
    for (const got of [aGot, wGot]) {
      expect(got.map((event) => [event.args[0], event.details.publisher === undefined ? undefined : Number(event.details.publisher), event.details.publisher_authid, event.details.publisher_authrole])).toEqual(expected);
    }
  });

  it('realm allowDisclosure: false → acknowledged PUBLISH with disclose_me gets ERROR [8, 16, Request, {}, "wamp.error.option_disallowed.disclose_me"] and no subscriber gets the event; unacknowledged gets no reply; without disclose_me publishing works (raw, autobahn, wampy)', async () => {
    const { peer: sub } = await clients.rawJoined(t.url, serializer, 'closed');
    const { peer: pub } = await clients.rawJoined(t.url, serializer, 'closed');
    sub.send([32, 1, {}, 'com.example.secret']);
    const subscription = norm(await sub.next())[2] as number;

    pub.send([16, 1, { acknowledge: true, disclose_me: true }, 'com.example.secret', ['refused']]);
    const error = await nextMessage(pub);
    expect(error.slice(0, 5)).toEqual([8, 16, 1, {}, 'wamp.error.option_disallowed.disclose_me']);
    pub.send([16, 2, { disclose_me: true }, 'com.example.secret', ['refused silently']]);
    pub.send([16, 3, { acknowledge: true }, 'com.example.secret', ['allowed']]);
    // The next reply answers request 3: request 2 got no answer at all.
    const ack = await nextMessage(pub);
    expect(ack.slice(0, 2)).toEqual([17, 3]);
    // The subscriber's first EVENT is the allowed one: the refused ones were never delivered.
    expect(await nextMessage(sub)).toEqual([36, subscription, ack[2], {}, ['allowed']]);

    const a = await clients.autobahn(t.url, serializer, 'closed');
    const refused = await autobahnError(a.session.publish('com.example.secret', ['a'], {}, { acknowledge: true, disclose_me: true }));
    expect(refused.error).toBe('wamp.error.option_disallowed.disclose_me');
    const w = await clients.wampy(t.url, serializer, 'closed');
    expect((await wampyError(w.publish('com.example.secret', { argsList: ['w'] }, { disclose_me: true }))).errorUri).toBe('wamp.error.option_disallowed.disclose_me');
    await w.publish('com.example.secret', { argsList: ['w ok'] });
    expect(norm(await nextMessage(sub)).slice(3)).toEqual([{}, ['w ok']]);
    sub.send([34, 5, 987654]);
    expect((await nextMessage(sub)).slice(0, 3)).toEqual([8, 34, 5]);
  });
});
