// Registration meta API with real clients over each serializer: the four meta events and their
// order, the six procedures, and the remove_callee extension.
// spec: advanced/meta_api_registrations.md, advanced/rpc_registration_revocation.md
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRouter, expectAllZero, eventually, type TestRouter } from '../helpers/router.js';
import { SERIALIZER_NAMES, type AutobahnSession } from '../helpers/clients.js';
import type { RawPeer } from '../helpers/raw.js';
import { Clients, autobahnError, nextMessage, norm, wampyError } from '../helpers/autobahn-extra.js';
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

const META_EVENTS = ['on_create', 'on_register', 'on_unregister', 'on_delete'];

async function watch(session: AutobahnSession): Promise<Array<[string, unknown[]]>> {
  const seen: Array<[string, unknown[]]> = [];
  for (const name of META_EVENTS) await session.subscribe(`wamp.registration.${name}`, (args) => void seen.push([name, args]));
  return seen;
}

async function registerRaw(peer: RawPeer, request: number, procedure: string, options: Record<string, unknown> = {}): Promise<number> {
  peer.send([64, request, options, procedure]);
  const reply = await nextMessage(peer);
  expect(reply.slice(0, 2)).toEqual([65, request]);
  return reply[2] as number;
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe.each(SERIALIZER_NAMES)('registration meta API over %s', (serializer) => {
  it('on_create [session, {id, created, uri, match, invoke}] comes before on_register [session, id]; on_unregister comes before on_delete', async () => {
    const watcher = await clients.autobahn(t.url, serializer);
    const seen = await watch(watcher.session);
    const w = await clients.wampy(t.url, serializer);
    const wId = Number(w.getSessionId());
    const registered = await w.register('com.example.meta.proc', () => ({ argsList: [1] }), { invoke: 'roundrobin' });
    const registration = Number(registered.registrationId);
    expect(await eventually(() => seen.length === 2)).toBe(true);
    expect(seen.map(([name]) => name)).toEqual(['on_create', 'on_register']);
    const [session, details] = seen[0][1] as [number, Record<string, unknown>];
    expect(session).toBe(wId);
    expect(details).toMatchObject({ id: registration, uri: 'com.example.meta.proc', match: 'exact', invoke: 'roundrobin' });
    expect(new Date(details.created as string).toISOString()).toBe(details.created);
    expect(seen[1][1]).toEqual([wId, registration]);

    // a second callee on the shared registration: on_register only, then on_unregister only
    const { peer, sessionId: rawId } = await clients.rawJoined(t.url, serializer);
    expect(await registerRaw(peer, 1, 'com.example.meta.proc', { invoke: 'roundrobin' })).toBe(registration);
    expect(await eventually(() => seen.length === 3)).toBe(true);
    expect(seen[2]).toEqual(['on_register', [rawId, registration]]);
    peer.send([66, 2, registration]);
    expect(await nextMessage(peer)).toEqual([67, 2]);
    expect(await eventually(() => seen.length === 4)).toBe(true);
    expect(seen[3]).toEqual(['on_unregister', [rawId, registration]]);

    await w.unregister('com.example.meta.proc');
    expect(await eventually(() => seen.length === 6)).toBe(true);
    expect(seen.slice(4)).toEqual([
      ['on_unregister', [wId, registration]],
      ['on_delete', [wId, registration]],
    ]);
  });

  it('a dropped callee fires on_unregister then on_delete; the router\'s own wamp.* registrations never appear', async () => {
    const watcher = await clients.autobahn(t.url, serializer);
    const seen = await watch(watcher.session);
    const { peer, sessionId } = await clients.rawJoined(t.url, serializer);
    const registration = await registerRaw(peer, 1, 'com.example.meta', { match: 'prefix' });
    expect(await eventually(() => seen.length === 2)).toBe(true);
    expect(seen[0][1][1]).toMatchObject({ match: 'prefix', invoke: 'single' });
    peer.socket.terminate();
    expect(await eventually(() => seen.length === 4)).toBe(true);
    expect(seen.slice(2)).toEqual([
      ['on_unregister', [sessionId, registration]],
      ['on_delete', [sessionId, registration]],
    ]);
    const list = (await watcher.session.call('wamp.registration.list')) as Record<string, number[]>;
    expect(list).toEqual({ exact: [], prefix: [], wildcard: [] });
  });

  it('wamp.registration.list / lookup / match / get / list_callees / count_callees answer per spec; wamp.* registrations are hidden', async () => {
    const a = await clients.autobahn(t.url, serializer);
    const w = await clients.wampy(t.url, serializer);
    const exact = (await a.session.register('com.example.meta.a.b', () => 1, { invoke: 'first' })).id;
    const prefix = (await a.session.register('com.example.meta', () => 2, { match: 'prefix' })).id;
    const wildcard = (await a.session.register('com.example..b', () => 3, { match: 'wildcard' })).id;
    expect(Number((await w.register('com.example.meta.a.b', () => ({ argsList: [4] }), { invoke: 'first' })).registrationId)).toBe(exact);

    expect(await a.session.call('wamp.registration.list')).toEqual({ exact: [exact], prefix: [prefix], wildcard: [wildcard] });
    expect(norm((await w.call('wamp.registration.list', { argsList: [] })).argsList)).toEqual([{ exact: [exact], prefix: [prefix], wildcard: [wildcard] }]);

    expect(await a.session.call('wamp.registration.lookup', ['com.example.meta.a.b'])).toBe(exact);
    expect(await a.session.call('wamp.registration.lookup', ['com.example.meta', { match: 'prefix' }])).toBe(prefix);
    expect(await a.session.call('wamp.registration.lookup', ['com.example..b', { match: 'wildcard' }])).toBe(wildcard);
    expect(await a.session.call('wamp.registration.lookup', ['com.example.meta'])).toBeNull();
    expect(await a.session.call('wamp.registration.lookup', ['wamp.session.count'])).toBeNull();

    // match: the registration a CALL would route to (exact beats prefix beats wildcard)
    expect(await a.session.call('wamp.registration.match', ['com.example.meta.a.b'])).toBe(exact);
    expect(await a.session.call('wamp.registration.match', ['com.example.meta.x.b'])).toBe(prefix);
    expect(await a.session.call('wamp.registration.match', ['com.example.zzz.b'])).toBe(wildcard);
    expect(await a.session.call('wamp.registration.match', ['org.nothing'])).toBeNull();
    expect(await a.session.call('wamp.registration.match', ['wamp.session.count'])).toBeNull();

    expect(await a.session.call('wamp.registration.get', [exact])).toMatchObject({ id: exact, uri: 'com.example.meta.a.b', match: 'exact', invoke: 'first' });
    const callees = (await a.session.call('wamp.registration.list_callees', [exact])) as number[];
    expect([...callees].sort()).toEqual([a.session.id, Number(w.getSessionId())].sort());
    expect(await a.session.call('wamp.registration.count_callees', [exact])).toBe(2);
    expect(norm((await w.call('wamp.registration.count_callees', { argsList: [prefix] })).argsList)).toEqual([1]);

    for (const procedure of ['wamp.registration.get', 'wamp.registration.list_callees', 'wamp.registration.count_callees']) {
      expect((await autobahnError(a.session.call(procedure, [987654]))).error, procedure).toBe('wamp.error.no_such_registration');
      expect((await wampyError(w.call(procedure, { argsList: [987654] }))).errorUri, procedure).toBe('wamp.error.no_such_registration');
      expect((await autobahnError(a.session.call(procedure, [null]))).error, procedure).toBe('wamp.error.invalid_argument');
    }
  });

  it('wamp.registration.remove_callee(registration, session, {reason}) → UNREGISTERED [67, 0, {registration, reason}], the call in flight → ERROR wamp.error.canceled', async () => {
    const boss = clients.track(t.router.realm('ops').session({ authrole: 'admin' }));
    const seen: string[] = [];
    for (const name of META_EVENTS) await boss.subscribe(`wamp.registration.${name}`, () => void seen.push(name));
    const peer = await clients.raw(t.url, serializer);
    const welcome = norm(await peer.join('ops', { callee: { features: { registration_revocation: true } } }));
    const sessionId = welcome[1] as number;
    const registration = await registerRaw(peer, 1, 'com.example.meta.slow');
    const caller = await clients.autobahn(t.url, serializer, 'ops');
    const pending = caller.session.call('com.example.meta.slow');
    expect((await nextMessage(peer))[0]).toBe(68); // INVOCATION, never answered
    const result = await boss.call('wamp.registration.remove_callee', [registration, sessionId], { reason: 'moving' });
    expect(result.args).toEqual([]);
    expect(await nextMessage(peer)).toEqual([67, 0, { registration, reason: 'moving' }]);
    expect((await autobahnError(pending)).error).toBe('wamp.error.canceled');
    expect(await eventually(() => seen.length === 4)).toBe(true);
    expect(seen).toEqual(['on_create', 'on_register', 'on_unregister', 'on_delete']);
    expect((await autobahnError(caller.session.call('com.example.meta.slow'))).error).toBe('wamp.error.no_such_procedure');
  });

  it('wamp.registration.remove_callee: unknown session → wamp.error.no_such_session; unknown registration or not a callee → wamp.error.no_such_registration; the router\'s own → wamp.error.not_authorized', async () => {
    const boss = clients.track(t.router.realm('ops').session({ authrole: 'admin' }));
    const { peer, sessionId } = await clients.rawJoined(t.url, serializer, 'ops');
    const registration = await registerRaw(peer, 1, 'com.example.meta.mine');
    const other = await boss.register('com.example.meta.other', () => 1);
    const uriOf = async (args: unknown[]) => ((await rejectionOf(boss.call('wamp.registration.remove_callee', args))) as WampError).uri;
    expect(await uriOf([registration, 5555])).toBe('wamp.error.no_such_session');
    expect(await uriOf([777777, sessionId])).toBe('wamp.error.no_such_registration');
    expect(await uriOf([other, sessionId])).toBe('wamp.error.no_such_registration');
    // the router's own registrations: visible only to trusted callers, never removable by others
    const trusted = clients.track(t.router.realm('ops').session({ authrole: 'admin', trusted: true }));
    expect((await boss.call('wamp.registration.match', ['wamp.session.count'])).args).toEqual([null]);
    const meta = (await trusted.call('wamp.registration.match', ['wamp.session.count'])).args[0] as number;
    expect(typeof meta).toBe('number');
    expect((await trusted.call('wamp.registration.get', [meta])).args[0]).toMatchObject({ uri: 'wamp.session.count' });
    expect((await trusted.call('wamp.registration.list_callees', [meta])).args).toEqual([[]]);
    expect(await uriOf([meta, sessionId])).toBe('wamp.error.not_authorized');
    expect(((await rejectionOf(boss.call('wamp.registration.get', [meta]))) as WampError).uri).toBe('wamp.error.not_authorized');
    expect(await boss.call('wamp.session.count')).toMatchObject({ args: [3] });
  });
});
