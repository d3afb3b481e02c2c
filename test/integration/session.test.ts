// Session lifecycle with real clients (autobahn, wampy) and raw peers, over each serializer:
// HELLO → WELCOME | ABORT, GOODBYE both ways, and cleanup when a session leaves.
// spec: basic/sessions.md
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRouter, expectAllZero, eventually, type TestRouter } from '../helpers/router.js';
import { connectAutobahn, connectWampy, SERIALIZER_NAMES } from '../helpers/clients.js';
import { Clients, MAX_ID, deferred, isWampId, joinRaw, nextMessage, norm, rejection, wampyError, within } from '../helpers/autobahn-extra.js';
import { openRaw } from '../helpers/raw.js';

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

function expectWelcomeDetails(details: Record<string, unknown>): void {
  expect(typeof details.authid).toBe('string');
  expect((details.authid as string).length).toBeGreaterThan(0);
  expect(details.authrole).toBe('anonymous');
  expect(details.authmethod).toBe('anonymous');
  const roles = details.roles as Record<string, unknown>;
  expect(typeof roles).toBe('object');
  expect(typeof roles.broker).toBe('object');
  expect(roles.broker).not.toBeNull();
  expect(typeof roles.dealer).toBe('object');
  expect(roles.dealer).not.toBeNull();
  expect(typeof details.agent).toBe('string');
  expect((details.agent as string).length).toBeGreaterThan(0);
}

describe.each(SERIALIZER_NAMES)('sessions over %s', (serializer) => {
  it('HELLO → WELCOME: session id in 1..2^53, authid, authrole "anonymous", authmethod "anonymous", roles.broker/dealer, agent (autobahn)', async () => {
    const a = await clients.autobahn(t.url, serializer);
    expect(Number.isInteger(a.session.id)).toBe(true);
    expect(a.session.id).toBeGreaterThanOrEqual(1);
    expect(a.session.id).toBeLessThanOrEqual(MAX_ID);
    expectWelcomeDetails(a.details);
  });

  it('HELLO → WELCOME [2, Session|id, Details|dict] with the same details on the wire (raw)', async () => {
    const peer = await clients.raw(t.url, serializer);
    const welcome = norm(await peer.join());
    expect(welcome).toHaveLength(3);
    expect(welcome[0]).toBe(2);
    expect(isWampId(welcome[1])).toBe(true);
    expectWelcomeDetails(welcome[2] as Record<string, unknown>);
    expect(t.router.stats().sessions).toBe(1);
  });

  it('HELLO → WELCOME details as wampy sees them; wampy session id in 1..2^53', async () => {
    const { client, details } = await clients.wampyWithDetails(t.url, serializer);
    expectWelcomeDetails(details);
    expect(isWampId(client.getSessionId())).toBe(true);
  });

  it('every session gets its own session id (autobahn, wampy, raw)', async () => {
    const a = await clients.autobahn(t.url, serializer);
    const b = await clients.autobahn(t.url, serializer);
    const w = await clients.wampy(t.url, serializer);
    const { sessionId: r } = await clients.rawJoined(t.url, serializer);
    const ids = [a.session.id, b.session.id, Number(w.getSessionId()), r];
    for (const id of ids) expect(isWampId(id)).toBe(true);
    expect(new Set(ids).size).toBe(4);
    expect(t.router.stats().sessions).toBe(4);
  });

  it('HELLO for an unknown realm → ABORT wamp.error.no_such_realm (autobahn onclose details)', async () => {
    const error = (await rejection(connectAutobahn(t.url, serializer, 'com.example.nosuchrealm'))) as {
      details?: Record<string, unknown>;
    };
    expect(error.details?.reason).toBe('wamp.error.no_such_realm');
    expect(typeof error.details?.message).toBe('string');
    expect((error.details?.message as string).length).toBeGreaterThan(0);
  });

  it('HELLO for an unknown realm → ABORT wamp.error.no_such_realm (wampy AbortError)', async () => {
    const error = await wampyError(connectWampy(t.url, serializer, 'com.example.nosuchrealm'));
    expect(error.errorUri).toBe('wamp.error.no_such_realm');
  });

  it('HELLO for an unknown realm → [3, {message}, "wamp.error.no_such_realm"], then the router closes the socket (raw)', async () => {
    const peer = await clients.raw(t.url, serializer);
    const abort = norm(await peer.join('com.example.nosuchrealm'));
    expect(abort[0]).toBe(3);
    expect(abort[2]).toBe('wamp.error.no_such_realm');
    expect(typeof (abort[1] as Record<string, unknown>).message).toBe('string');
    const closed = await within(peer.closed, 3000, 'socket close after ABORT');
    expect(closed.code).toBe(1000);
  });

  it('client GOODBYE wamp.close.close_realm → [6, {}, "wamp.close.goodbye_and_out"], then the socket closes (raw)', async () => {
    const peer = await clients.raw(t.url, serializer);
    await joinRaw(peer);
    expect(t.router.stats().sessions).toBe(1);
    peer.send([6, {}, 'wamp.close.close_realm']);
    expect(await nextMessage(peer)).toEqual([6, {}, 'wamp.close.goodbye_and_out']);
    const closed = await within(peer.closed, 3000, 'socket close after GOODBYE');
    expect(closed.code).toBe(1000);
    expect(await eventually(() => t.router.stats().sessions === 0)).toBe(true);
  });

  it('autobahn leaves → the router answers GOODBYE wamp.close.goodbye_and_out (autobahn onclose details)', async () => {
    const a = await connectAutobahn(t.url, serializer);
    a.connection.close();
    const closed = await within(a.closed, 3000, 'autobahn onclose');
    expect(closed.details.reason).toBe('wamp.close.goodbye_and_out');
    expect(closed.reason).toBe('closed');
    expect(await eventually(() => t.router.stats().sessions === 0)).toBe(true);
  });

  it('wampy disconnect → the router answers GOODBYE and the session is gone', async () => {
    const w = await connectWampy(t.url, serializer);
    expect(t.router.stats().sessions).toBe(1);
    await within(w.disconnect(), 3000, 'wampy disconnect');
    expect(w.getSessionId() ?? null).toBeNull();
    expect(await eventually(() => t.router.stats().sessions === 0)).toBe(true);
  });

  it('router.close() sends GOODBYE wamp.close.system_shutdown to every session (autobahn, wampy, raw) and ends at zero', async () => {
    const other = await startRouter();
    try {
      const a = await connectAutobahn(other.url, serializer);
      const wampyClosed = deferred<void>();
      const w = await connectWampy(other.url, serializer);
      w.setOptions({ onClose: () => wampyClosed.resolve() });
      const peer = await openRaw(other.url, serializer);
      await joinRaw(peer);
      await a.session.subscribe('com.example.shutdown.topic', () => undefined);
      await a.session.register('com.example.shutdown.proc', () => 1);
      expect(other.router.stats().sessions).toBe(3);

      const closing = other.router.close();
      const goodbye = await nextMessage(peer);
      expect(goodbye[0]).toBe(6);
      expect(goodbye[2]).toBe('wamp.close.system_shutdown');
      expect(typeof (goodbye[1] as Record<string, unknown>).message).toBe('string');
      peer.send([6, {}, 'wamp.close.goodbye_and_out']);

      const closed = await within(a.closed, 3000, 'autobahn onclose');
      expect(closed.details.reason).toBe('wamp.close.system_shutdown');
      expect(typeof closed.details.message).toBe('string');
      await within(wampyClosed.promise, 3000, 'wampy onClose');
      expect(w.getSessionId() ?? null).toBeNull();
      await within(peer.closed, 3000, 'raw socket close');
      await within(closing, 5000, 'router.close()');
      expect(other.router.stats()).toEqual({ sessions: 0, subscriptions: 0, registrations: 0, invocations: 0, timers: 0 });
    } finally {
      await other.router.close();
    }
  });

  it('a session that says GOODBYE leaves: its subscriptions and registrations are removed, others stay', async () => {
    const a = await connectAutobahn(t.url, serializer);
    const b = await clients.autobahn(t.url, serializer);
    await a.session.subscribe('com.example.leave.one', () => undefined);
    await a.session.subscribe('com.example.leave.two', () => undefined);
    await a.session.register('com.example.leave.proc1', () => 1);
    await a.session.register('com.example.leave.proc2', () => 2);
    await b.session.subscribe('com.example.leave.one', () => undefined);
    expect(t.router.stats()).toMatchObject({ sessions: 2, subscriptions: 2, registrations: 2 });

    await a.close();
    expect(await eventually(() => t.router.stats().registrations === 0)).toBe(true);
    expect(t.router.stats()).toMatchObject({ sessions: 1, subscriptions: 1, registrations: 0, invocations: 0 });
    // The procedure is free again: another session can register it.
    await b.session.register('com.example.leave.proc1', () => 'b');
    expect(await b.session.call('com.example.leave.proc1')).toBe('b');
  });

  it('a dropped connection (socket terminated, no GOODBYE) removes its subscriptions and registrations', async () => {
    const peer = await openRaw(t.url, serializer);
    await joinRaw(peer);
    peer.send([32, 1, {}, 'com.example.drop.topic']);
    expect((await nextMessage(peer))[0]).toBe(33);
    peer.send([64, 2, {}, 'com.example.drop.proc']);
    expect((await nextMessage(peer))[0]).toBe(65);
    expect(t.router.stats()).toMatchObject({ sessions: 1, subscriptions: 1, registrations: 1 });

    peer.socket.terminate();
    await peer.closed;
    expect(await eventually(() => t.router.stats().sessions === 0)).toBe(true);
    expect(t.router.stats()).toMatchObject({ subscriptions: 0, registrations: 0 });
    const a = await clients.autobahn(t.url, serializer);
    await a.session.register('com.example.drop.proc', () => 'again');
    expect(await a.session.call('com.example.drop.proc')).toBe('again');
  });
});
