// Limits of authentication: the time a client has to answer CHALLENGE, the failed-attempt limit
// per authid and per client address (kicks in, then expires), and trustProxy (the address behind
// a reverse proxy comes from X-Forwarded-For, and only when the listener trusts its proxy).
import { afterEach, describe, expect, it } from 'vitest';
import { startRouter, expectAllZero, type TestRouter } from '../helpers/router.js';
import { Clients, norm, sleep } from '../helpers/autobahn-extra.js';
import type { RawPeer } from '../helpers/raw.js';
import { DENIED_TEXT } from '../../router/auth/authenticator.js';
import { RATE_LIMITED_TEXT } from '../../router/auth/rate-limit.js';
import { openRawWithHeaders, rawHello } from './auth-helpers.js';

let t: TestRouter | undefined;
let clients = new Clients();

afterEach(async () => {
  await clients.closeAll();
  clients = new Clients();
  if (t === undefined) return;
  try {
    await expectAllZero(t.router);
  } finally {
    await t.router.close();
    t = undefined;
  }
});

const PRINCIPALS = ['alice', 'bob', 'carol', 'dave'].map((authid) => ({ authid, ticket: `${authid}-ticket`, role: 'user' }));

function config(rateLimit: Record<string, number>, trustProxy = false, challengeTimeoutMs?: number) {
  return {
    listeners: [{ type: 'websocket' as const, host: '127.0.0.1', port: 0, trustProxy }],
    realms: [{ name: 'realm1', auth: { methods: { ticket: { principals: PRINCIPALS } }, rateLimit, ...(challengeTimeoutMs !== undefined && { challengeTimeoutMs }) } }],
  };
}

const DENIED = [3, { message: DENIED_TEXT }, 'wamp.error.authentication_denied'];
const LIMITED = [3, { message: RATE_LIMITED_TEXT }, 'wamp.error.authentication_denied'];

/** One ticket login attempt; resolves with the router's final answer (WELCOME or ABORT). */
async function attempt(authid: string, ticket: string, from?: string): Promise<unknown[]> {
  if (t === undefined) throw new Error('no router');
  const peer: RawPeer = from === undefined ? await clients.raw(t.url, 'json') : await openRawWithHeaders(t.url, { 'X-Forwarded-For': from });
  if (from !== undefined) clients.track({ close: () => peer.close() });
  const first = await rawHello(peer, 'realm1', { authmethods: ['ticket'], authid });
  if (first[0] !== 4) return first;
  peer.send([5, ticket, {}]);
  return norm(await peer.next());
}

describe('CHALLENGE time limit', () => {
  it('no AUTHENTICATE within challengeTimeoutMs → ABORT wamp.error.timeout; the timer is gone afterwards', async () => {
    t = await startRouter(config({ maxFailures: 100 }, false, 150));
    const peer = await clients.raw(t.url, 'json');
    expect(await rawHello(peer, 'realm1', { authmethods: ['ticket'], authid: 'alice' })).toEqual([4, 'ticket', {}]);
    expect(t.router.stats().timers).toBe(1);
    const started = Date.now();
    expect(norm(await peer.next(2000))).toEqual([3, { message: 'no AUTHENTICATE within 150 ms of CHALLENGE' }, 'wamp.error.timeout']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    await peer.closed;
    expect(t.router.stats().timers).toBe(0);
  });

  it('a timed-out CHALLENGE counts as a failed attempt', async () => {
    t = await startRouter(config({ maxFailures: 1, blockMs: 60_000 }, false, 100));
    const peer = await clients.raw(t.url, 'json');
    await rawHello(peer, 'realm1', { authmethods: ['ticket'], authid: 'alice' });
    expect(norm(await peer.next(2000))[2]).toBe('wamp.error.timeout');
    expect(await attempt('alice', 'alice-ticket')).toEqual(LIMITED);
  });

  it('an AUTHENTICATE in time stops the timer', async () => {
    t = await startRouter(config({ maxFailures: 100 }, false, 5000));
    expect(await attempt('alice', 'alice-ticket')).toEqual([2, expect.any(Number), expect.objectContaining({ authid: 'alice' })]);
    expect(t.router.stats().timers).toBe(0);
  });
});

describe('failed-attempt limit', () => {
  it('kicks in after maxFailures wrong tickets (even the right ticket is refused, before any CHALLENGE), and expires after blockMs', async () => {
    t = await startRouter(config({ maxFailures: 3, windowMs: 60_000, blockMs: 600 }));
    for (let i = 0; i < 3; i++) expect(await attempt('alice', 'wrong')).toEqual(DENIED);
    const peer = await clients.raw(t.url, 'json');
    expect(await rawHello(peer, 'realm1', { authmethods: ['ticket'], authid: 'alice' })).toEqual(LIMITED);
    await sleep(700);
    expect(await attempt('alice', 'alice-ticket')).toEqual([2, expect.any(Number), expect.objectContaining({ authid: 'alice', authrole: 'user' })]);
  });

  it('failures older than windowMs no longer count', async () => {
    t = await startRouter(config({ maxFailures: 2, windowMs: 300, blockMs: 60_000 }));
    expect(await attempt('alice', 'wrong')).toEqual(DENIED);
    await sleep(400);
    expect(await attempt('alice', 'wrong')).toEqual(DENIED);
    expect(await attempt('alice', 'alice-ticket')).toEqual([2, expect.any(Number), expect.objectContaining({ authid: 'alice' })]);
  });

  it('unknown authids count the same as known ones (no hint which exist)', async () => {
    t = await startRouter(config({ maxFailures: 2, blockMs: 60_000 }, true));
    expect(await attempt('zed', 'x', '198.51.100.1')).toEqual(DENIED);
    expect(await attempt('zed', 'x', '198.51.100.2')).toEqual(DENIED);
    expect(await attempt('zed', 'x', '198.51.100.3')).toEqual(LIMITED);
  });

  it('per authid: failures from several addresses block that authid everywhere, not the others', async () => {
    t = await startRouter(config({ maxFailures: 3, blockMs: 60_000 }, true));
    for (const from of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) expect(await attempt('alice', 'wrong', from)).toEqual(DENIED);
    expect(await attempt('alice', 'alice-ticket', '198.51.100.4')).toEqual(LIMITED);
    expect(await attempt('bob', 'bob-ticket', '198.51.100.4')).toEqual([2, expect.any(Number), expect.objectContaining({ authid: 'bob' })]);
  });

  it('per address: failures for several authids block that address for every authid, not other addresses', async () => {
    t = await startRouter(config({ maxFailures: 3, blockMs: 60_000 }, true));
    for (const authid of ['alice', 'bob', 'carol']) expect(await attempt(authid, 'wrong', '203.0.113.9')).toEqual(DENIED);
    expect(await attempt('dave', 'dave-ticket', '203.0.113.9')).toEqual(LIMITED);
    expect(await attempt('dave', 'dave-ticket', '203.0.113.10')).toEqual([2, expect.any(Number), expect.objectContaining({ authid: 'dave' })]);
  });
});

describe('trustProxy', () => {
  it('without trustProxy, X-Forwarded-For is ignored: every attempt counts for the real peer 127.0.0.1', async () => {
    t = await startRouter(config({ maxFailures: 3, blockMs: 60_000 }, false));
    for (const [authid, from] of [['alice', '198.51.100.1'], ['bob', '198.51.100.2'], ['carol', '198.51.100.3']]) {
      expect(await attempt(authid, 'wrong', from)).toEqual(DENIED);
    }
    expect(await attempt('dave', 'dave-ticket', '198.51.100.4')).toEqual(LIMITED);
  });

  it('with trustProxy, the session\'s transport.peer is the forwarded client (the last X-Forwarded-For hop)', async () => {
    t = await startRouter(config({ maxFailures: 3 }, true));
    const peer = await openRawWithHeaders(t.url, { 'X-Forwarded-For': '192.0.2.1, 198.51.100.77' });
    clients.track({ close: () => peer.close() });
    expect(await rawHello(peer, 'realm1', { authmethods: ['ticket'], authid: 'alice' })).toEqual([4, 'ticket', {}]);
    peer.send([5, 'alice-ticket', {}]);
    const welcome = norm(await peer.next());
    const admin = clients.track(t.router.realm('realm1').session({ trusted: true }));
    const result = await admin.call('wamp.session.get', [welcome[1]]);
    expect(result.args[0]).toMatchObject({ authid: 'alice', transport: { type: 'websocket', peer: '198.51.100.77' } });
  });

  it('without trustProxy, transport.peer is the TCP peer 127.0.0.1:port whatever the header says', async () => {
    t = await startRouter(config({ maxFailures: 3 }, false));
    const peer = await openRawWithHeaders(t.url, { 'X-Forwarded-For': '198.51.100.77' });
    clients.track({ close: () => peer.close() });
    await rawHello(peer, 'realm1', { authmethods: ['ticket'], authid: 'alice' });
    peer.send([5, 'alice-ticket', {}]);
    const welcome = norm(await peer.next());
    const admin = clients.track(t.router.realm('realm1').session({ trusted: true }));
    const result = await admin.call('wamp.session.get', [welcome[1]]);
    expect((result.args[0] as { transport: { peer: string } }).transport.peer).toMatch(/^(::ffff:)?127\.0\.0\.1:\d+$/);
  });
});
