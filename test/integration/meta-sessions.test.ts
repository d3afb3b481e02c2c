// Session meta API with real clients over each serializer: on_join / on_leave, count, list,
// get, and the kill procedures with their authorization (metaApi.allowKill).
// spec: advanced/meta_api_sessions.md
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRouter, expectAllZero, eventually, type TestRouter } from '../helpers/router.js';
import { SERIALIZER_NAMES, type AutobahnSession } from '../helpers/clients.js';
import { Clients, autobahnError, isWampId, joinRaw, nextMessage, norm, sleep, wampyError, within } from '../helpers/autobahn-extra.js';
import type { Wampy } from 'wampy';
import type { WampError } from '../../router/index.js';

let t: TestRouter;
let clients: Clients;

// realm1: zero config (kills refused); ops: authrole "admin" may kill.
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

/** Subscribes and records each event's positional args. */
async function collect(session: AutobahnSession, topic: string): Promise<unknown[][]> {
  const events: unknown[][] = [];
  await session.subscribe(topic, (args) => events.push(args));
  return events;
}

/** wampy decodes msgpack/cbor IDs as bigint; autobahn's msgpack cannot encode a bigint. */
function wampyId(w: Wampy): number {
  return Number(w.getSessionId());
}

function admin(authid = 'operator') {
  return clients.track(t.router.realm('ops').session({ authid, authrole: 'admin' }));
}

const KILLERS: Array<[string, unknown[]]> = [
  ['wamp.session.kill', [1]],
  ['wamp.session.kill_by_authid', ['someone']],
  ['wamp.session.kill_by_authrole', ['anonymous']],
  ['wamp.session.kill_all', []],
  ['wamp.subscription.remove_subscriber', [1, 1]],
  ['wamp.registration.remove_callee', [1, 1]],
];

describe.each(SERIALIZER_NAMES)('session meta API over %s', (serializer) => {
  it('wamp.session.count / wamp.session.list cover every client session but not the router\'s own; filter_authroles filters (autobahn, wampy)', async () => {
    const a = await clients.autobahn(t.url, serializer);
    const w = await clients.wampy(t.url, serializer);
    expect(await a.session.call('wamp.session.count')).toBe(2);
    expect(await a.session.call('wamp.session.count', [['anonymous']])).toBe(2);
    expect(await a.session.call('wamp.session.count', [['admin']])).toBe(0);
    const listed = (await a.session.call('wamp.session.list')) as number[];
    expect([...listed].sort()).toEqual([a.session.id, wampyId(w)].sort());
    expect(listed.every(isWampId)).toBe(true);
    expect(await a.session.call('wamp.session.list', [['nobody']])).toEqual([]);
    const fromWampy = norm(await w.call('wamp.session.list', { argsList: [['anonymous']] }));
    const [wampyListed] = fromWampy.argsList ?? [];
    expect(fromWampy.argsList).toHaveLength(1);
    expect([...(wampyListed as number[])].sort()).toEqual(listed.sort());
    expect(norm((await w.call('wamp.session.count', { argsList: [] })).argsList)).toEqual([2]);
    expect((await autobahnError(a.session.call('wamp.session.count', ['anonymous']))).error).toBe('wamp.error.invalid_argument');
  });

  it('wamp.session.get → [details {session, authid, authrole, authmethod, authprovider, transport}]; unknown id → ERROR wamp.error.no_such_session', async () => {
    const a = await clients.autobahn(t.url, serializer);
    const w = await clients.wampy(t.url, serializer);
    const details = (await a.session.call('wamp.session.get', [wampyId(w)])) as Record<string, unknown>;
    expect(details).toMatchObject({ session: wampyId(w), authrole: 'anonymous', authmethod: 'anonymous', authprovider: 'static' });
    expect(typeof details.authid).toBe('string');
    expect(details.transport).toMatchObject({ type: 'websocket', serializer });
    expect((await autobahnError(a.session.call('wamp.session.get', [424242]))).error).toBe('wamp.error.no_such_session');
    expect((await wampyError(w.call('wamp.session.get', { argsList: [424242] }))).errorUri).toBe('wamp.error.no_such_session');
    expect((await autobahnError(a.session.call('wamp.session.get', ['x']))).error).toBe('wamp.error.invalid_argument');
  });

  it('wamp.session.on_join → [details] when a session joins; wamp.session.on_leave → [session, authid, authrole] on GOODBYE and on a dropped socket', async () => {
    const watcher = await clients.autobahn(t.url, serializer);
    const joins = await collect(watcher.session, 'wamp.session.on_join');
    const leaves = await collect(watcher.session, 'wamp.session.on_leave');
    const w = await clients.wampy(t.url, serializer);
    const wId = wampyId(w);
    expect(await eventually(() => joins.length === 1)).toBe(true);
    expect(joins[0]).toHaveLength(1);
    const joined = joins[0][0] as Record<string, unknown>;
    expect(joined).toMatchObject({ session: wId, authrole: 'anonymous', authmethod: 'anonymous', authprovider: 'static' });
    expect(joined.transport).toMatchObject({ type: 'websocket', serializer });
    await w.disconnect();
    expect(await eventually(() => leaves.length === 1)).toBe(true);
    expect(leaves[0]).toEqual([wId, joined.authid, 'anonymous']);

    const peer = await clients.raw(t.url, serializer);
    const rawId = await joinRaw(peer);
    expect(await eventually(() => joins.length === 2)).toBe(true);
    expect((joins[1][0] as Record<string, unknown>).session).toBe(rawId);
    peer.socket.terminate();
    expect(await eventually(() => leaves.length === 2)).toBe(true);
    expect(leaves[1][0]).toBe(rawId);
    expect(leaves[1][2]).toBe('anonymous');
  });

  it('zero-config realm: the kill* and remove_* procedures → ERROR wamp.error.not_authorized and nobody is killed', async () => {
    const a = await clients.autobahn(t.url, serializer);
    const w = await clients.wampy(t.url, serializer);
    for (const [procedure, args] of KILLERS) {
      expect((await autobahnError(a.session.call(procedure, args))).error, procedure).toBe('wamp.error.not_authorized');
    }
    expect((await wampyError(w.call('wamp.session.kill_all', { argsList: [] }))).errorUri).toBe('wamp.error.not_authorized');
    const local = clients.track(t.router.realm('realm1').session({ authrole: 'admin' }));
    const refused = (await rejectionOf(local.call('wamp.session.kill', [a.session.id]))) as WampError;
    expect(refused.uri).toBe('wamp.error.not_authorized');
    expect(await a.session.call('wamp.session.count')).toBe(3);
  });

  it('allowKill: an "anonymous" caller in a realm that allows only "admin" → ERROR wamp.error.not_authorized', async () => {
    const a = await clients.autobahn(t.url, serializer, 'ops');
    for (const [procedure, args] of KILLERS) {
      expect((await autobahnError(a.session.call(procedure, args))).error, procedure).toBe('wamp.error.not_authorized');
    }
  });

  it('wamp.session.kill(session) by an allowed authrole → the session gets GOODBYE wamp.close.killed and leaves; on_leave fires', async () => {
    const boss = admin();
    const leaves: unknown[][] = [];
    await boss.subscribe('wamp.session.on_leave', (args) => void leaves.push(args));
    const peer = await clients.raw(t.url, serializer);
    const victim = await joinRaw(peer, 'ops');
    const result = await boss.call('wamp.session.kill', [victim]);
    expect(result.args).toEqual([]);
    const goodbye = await nextMessage(peer);
    expect(goodbye[0]).toBe(6);
    expect(goodbye[2]).toBe('wamp.close.killed');
    peer.send([6, {}, 'wamp.close.goodbye_and_out']);
    await within(peer.closed, 3000, 'killed socket closes');
    expect(await eventually(() => leaves.length === 1)).toBe(true);
    expect(leaves[0][0]).toBe(victim);

    // reason and message from the keyword arguments
    const a = await clients.autobahn(t.url, serializer, 'ops');
    await boss.call('wamp.session.kill', [a.session.id], { reason: 'com.example.maintenance', message: 'back soon' });
    const closed = await within(a.closed, 3000, 'autobahn onclose after kill');
    expect(closed.details).toMatchObject({ reason: 'com.example.maintenance', message: 'back soon' });
  });

  it('wamp.session.kill of the caller itself or an unknown id → ERROR wamp.error.no_such_session; a bad reason → wamp.error.invalid_uri', async () => {
    const boss = admin();
    const a = await clients.autobahn(t.url, serializer, 'ops');
    expect(((await rejectionOf(boss.call('wamp.session.kill', [boss.id]))) as WampError).uri).toBe('wamp.error.no_such_session');
    expect(((await rejectionOf(boss.call('wamp.session.kill', [31337]))) as WampError).uri).toBe('wamp.error.no_such_session');
    const badReason = (await rejectionOf(boss.call('wamp.session.kill', [a.session.id], { reason: 'not a uri' }))) as WampError;
    expect(badReason.uri).toBe('wamp.error.invalid_uri');
    const badMessage = (await rejectionOf(boss.call('wamp.session.kill', [a.session.id], { message: 42 }))) as WampError;
    expect(badMessage.uri).toBe('wamp.error.invalid_argument');
    expect(a.session.isOpen).toBe(true);
  });

  it('wamp.session.kill_by_authid → [killed session ids], the caller excluded even with the same authid', async () => {
    const boss = admin('worker');
    const w1 = admin('worker');
    const w2 = clients.track(t.router.realm('ops').session({ authid: 'worker', authrole: 'user' }));
    const a = await clients.autobahn(t.url, serializer, 'ops');
    const result = await boss.call('wamp.session.kill_by_authid', ['worker']);
    expect(result.args).toHaveLength(1);
    expect([...(result.args[0] as number[])].sort()).toEqual([w1.id, w2.id].sort());
    expect([w1.isOpen(), w2.isOpen(), boss.isOpen()]).toEqual([false, false, true]);
    expect((await boss.call('wamp.session.kill_by_authid', ['nobody'])).args).toEqual([[]]);
    expect(await a.session.call('wamp.session.count')).toBe(2);
  });

  it('wamp.session.kill_by_authrole → [count], the caller excluded; the killed clients get GOODBYE wamp.close.killed', async () => {
    const boss = admin();
    const other = admin('other');
    const a = await clients.autobahn(t.url, serializer, 'ops');
    const w = await clients.wampy(t.url, serializer, 'ops');
    const result = await boss.call('wamp.session.kill_by_authrole', ['anonymous'], { message: 'role retired' });
    expect(result.args).toEqual([2]);
    const closed = await within(a.closed, 3000, 'autobahn onclose');
    expect(closed.details).toMatchObject({ reason: 'wamp.close.killed', message: 'role retired' });
    expect(await eventually(() => (w.getSessionId() ?? null) === null)).toBe(true);
    expect((await boss.call('wamp.session.kill_by_authrole', ['admin'])).args).toEqual([1]);
    expect([other.isOpen(), boss.isOpen()]).toEqual([false, true]);
  });

  it('wamp.session.kill_all → [count], the caller excluded; no on_leave and no testaments for the killed sessions', async () => {
    const boss = admin();
    const leaves: unknown[][] = [];
    const wills: unknown[][] = [];
    await boss.subscribe('wamp.session.on_leave', (args) => void leaves.push(args));
    await boss.subscribe('com.example.will', (args) => void wills.push(args));
    const a = await clients.autobahn(t.url, serializer, 'ops');
    await a.session.call('wamp.session.add_testament', ['com.example.will', ['a'], {}]);
    const w = await clients.wampy(t.url, serializer, 'ops');
    await w.call('wamp.session.add_testament', { argsList: ['com.example.will', ['w'], {}], argsDict: { scope: 'detached' } });
    const result = await boss.call('wamp.session.kill_all');
    expect(result.args).toEqual([2]);
    expect((await within(a.closed, 3000, 'autobahn onclose')).details.reason).toBe('wamp.close.killed');
    expect(await eventually(() => t.router.stats().sessions === 1)).toBe(true);
    await sleep(100);
    expect(leaves).toEqual([]);
    expect(wills).toEqual([]);
    expect(boss.isOpen()).toBe(true);
    // afterwards, a normal leave fires on_leave again
    const b = await clients.autobahn(t.url, serializer, 'ops');
    const bId = b.session.id;
    await b.close();
    expect(await eventually(() => leaves.length === 1)).toBe(true);
    expect(leaves[0][0]).toBe(bId);
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
