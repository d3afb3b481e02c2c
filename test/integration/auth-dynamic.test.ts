// Dynamic authentication: a backend session (logged in with a static ticket) registers
// com.example.authenticate; the router calls it with (realm, authid, details) for ticket,
// wampcra and cryptosign logins by AutobahnJS and wampy, and obeys its answer, its error, its
// silence (timeout) and its absence.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRouter, expectAllZero, type TestRouter } from '../helpers/router.js';
import { ab, type AutobahnClient } from '../helpers/clients.js';
import { Clients, norm } from '../helpers/autobahn-extra.js';
import { DENIED_TEXT } from '../../router/auth/authenticator.js';
import { autobahnLogin, autobahnRefusal, craKey, ed25519Pair, rawHello, wampyLogin, wampyRefusal } from './auth-helpers.js';

const DEVICE = ed25519Pair();
const AUTHENTICATOR = { procedure: 'com.example.authenticate', timeoutMs: 400 };

const CONFIG = {
  realms: [
    {
      name: 'realm1',
      auth: {
        methods: {
          ticket: { principals: [{ authid: 'authsvc', ticket: 'svc-ticket', role: 'authenticator' }], authenticator: AUTHENTICATOR },
          wampcra: { authenticator: AUTHENTICATOR },
          cryptosign: { authenticator: AUTHENTICATOR },
        },
        rateLimit: { maxFailures: 1000 },
      },
      roles: [
        { name: 'authenticator', permissions: [{ uri: 'com.example.authenticate', allow: { register: true } }] },
        { name: 'user', permissions: [{ uri: 'wamp.session.count', allow: { call: true } }], authextra: { plan: 'basic' } },
      ],
    },
  ],
};

interface Call {
  realm: unknown;
  authid: unknown;
  details: Record<string, unknown>;
}

let t: TestRouter;
let clients: Clients;
let calls: Call[];
let service: AutobahnClient;

/** The backend's answers: by method and authid. */
function authenticate(args: unknown[]): unknown {
  const [realm, authid, details] = args as [string, string | null, Record<string, unknown>];
  calls.push({ realm, authid, details });
  switch (details.authmethod) {
    case 'ticket':
      if (authid === 'ghost') return { role: 'no-such-role' };
      if (authid === 'boom') throw new ab.Error('com.example.database_down', ['db unreachable']);
      if (authid === 'silent') return new Promise(() => undefined);
      if (authid === 'garbled') return { authid: 42 };
      if (details.ticket === `${authid}-pw`) return { role: 'user', extra: { greeting: `hello ${authid}` } };
      throw new ab.Error('wamp.error.authentication_denied', ['nope']);
    case 'wampcra':
      if (authid === 'carl') return { role: 'user', secret: 'carl-secret' };
      if (authid === 'salty') return { role: 'user', secret: craKey('salty-password', 'pepper', 50, 32), salt: 'pepper', iterations: 50, keylen: 32 };
      if (authid === 'nosecret') return { role: 'user' };
      throw new ab.Error('wamp.error.no_such_principal');
    case 'cryptosign':
      if ((details.authextra as { pubkey?: string }).pubkey === DEVICE.pubkey) return { role: 'user', authid: 'device-9', pubkey: DEVICE.pubkey };
      throw new ab.Error('wamp.error.authentication_denied');
    default:
      throw new ab.Error('wamp.error.authentication_denied');
  }
}

beforeEach(async () => {
  t = await startRouter(CONFIG);
  clients = new Clients();
  calls = [];
  service = await autobahnLogin(t.url, 'json', 'realm1', { method: 'ticket', authid: 'authsvc', ticket: 'svc-ticket' });
  clients.track({ close: () => service.close() });
  await service.session.register('com.example.authenticate', authenticate);
});

afterEach(async () => {
  await clients.closeAll();
  try {
    await expectAllZero(t.router);
  } finally {
    await t.router.close();
  }
});

describe('ticket', () => {
  it('the authenticator gets (realm, authid, details with ticket, authmethod, session, transport); WELCOME says authprovider "dynamic" with its extra', async () => {
    const client = await autobahnLogin(t.url, 'msgpack', 'realm1', { method: 'ticket', authid: 'bob', ticket: 'bob-pw' });
    clients.track({ close: () => client.close() });
    expect(client.details).toMatchObject({ authid: 'bob', authrole: 'user', authmethod: 'ticket', authprovider: 'dynamic', authextra: { plan: 'basic', greeting: 'hello bob' } });
    expect(norm(calls)).toEqual([
      {
        realm: 'realm1',
        authid: 'bob',
        details: { authmethod: 'ticket', ticket: 'bob-pw', authextra: {}, session: client.session.id, transport: expect.objectContaining({ type: 'websocket', serializer: 'msgpack' }) },
      },
    ]);
    expect(await client.session.call('wamp.session.count')).toBe(2);
  });

  it('wampy logs in through the dynamic authenticator too', async () => {
    const { client, details } = await wampyLogin(t.url, 'cbor', 'realm1', { method: 'ticket', authid: 'wendy', ticket: 'wendy-pw' });
    clients.track({ close: () => client.disconnect() });
    expect(details).toMatchObject({ authid: 'wendy', authrole: 'user', authprovider: 'dynamic' });
  });

  it('a static principal is never sent to the authenticator', async () => {
    const other = await autobahnLogin(t.url, 'json', 'realm1', { method: 'ticket', authid: 'authsvc', ticket: 'svc-ticket' });
    clients.track({ close: () => other.close() });
    expect(calls).toEqual([]);
  });

  it('the authenticator raises wamp.error.authentication_denied → ABORT wamp.error.authentication_denied, the same text as a wrong static ticket', async () => {
    expect(await autobahnRefusal(t.url, 'json', 'realm1', { method: 'ticket', authid: 'bob', ticket: 'wrong' })).toEqual({ reason: 'wamp.error.authentication_denied', message: DENIED_TEXT });
    expect(await autobahnRefusal(t.url, 'json', 'realm1', { method: 'ticket', authid: 'authsvc', ticket: 'wrong' })).toEqual({ reason: 'wamp.error.authentication_denied', message: DENIED_TEXT });
  });

  it('the authenticator raises another error → ABORT wamp.error.authentication_failed (its text is not passed on)', async () => {
    const refusal = await autobahnRefusal(t.url, 'json', 'realm1', { method: 'ticket', authid: 'boom', ticket: 'x' });
    expect(refusal).toEqual({ reason: 'wamp.error.authentication_failed', message: 'authentication could not be completed: the authenticator failed (com.example.database_down)' });
  });

  it('the authenticator does not answer within timeoutMs → ABORT wamp.error.authentication_failed; its invocation is canceled', async () => {
    const started = Date.now();
    const refusal = await wampyRefusal(t.url, 'json', 'realm1', { method: 'ticket', authid: 'silent', ticket: 'x' });
    expect(refusal).toEqual({ reason: 'wamp.error.authentication_failed', message: 'authentication could not be completed: the authenticator failed (wamp.error.timeout)' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(t.router.stats()).toMatchObject({ invocations: 0, timers: 0 });
  });

  it('a malformed answer → ABORT wamp.error.authentication_failed', async () => {
    expect((await autobahnRefusal(t.url, 'json', 'realm1', { method: 'ticket', authid: 'garbled', ticket: 'x' })).reason).toBe('wamp.error.authentication_failed');
  });

  it('a role that does not exist → ABORT wamp.error.no_such_role', async () => {
    expect(await autobahnRefusal(t.url, 'json', 'realm1', { method: 'ticket', authid: 'ghost', ticket: 'x' })).toEqual({
      reason: 'wamp.error.no_such_role',
      message: 'no role "no-such-role" in realm "realm1"',
    });
  });

  it('no authenticator registered (the backend left) → ABORT wamp.error.authentication_failed', async () => {
    await service.close();
    expect(await autobahnRefusal(t.url, 'json', 'realm1', { method: 'ticket', authid: 'bob', ticket: 'bob-pw' })).toEqual({
      reason: 'wamp.error.authentication_failed',
      message: 'authentication could not be completed: the authenticator failed (wamp.error.no_such_procedure)',
    });
  });
});

describe('wampcra', () => {
  it('the authenticator returns the secret: AutobahnJS and wampy log in; details carry no ticket', async () => {
    const a = await autobahnLogin(t.url, 'json', 'realm1', { method: 'wampcra', authid: 'carl', secret: 'carl-secret' });
    clients.track({ close: () => a.close() });
    expect(a.details).toMatchObject({ authid: 'carl', authrole: 'user', authmethod: 'wampcra', authprovider: 'dynamic' });
    const w = await wampyLogin(t.url, 'msgpack', 'realm1', { method: 'wampcra', authid: 'carl', secret: 'carl-secret' });
    clients.track({ close: () => w.client.disconnect() });
    expect(w.details).toMatchObject({ authid: 'carl', authprovider: 'dynamic' });
    expect(calls[0].details).not.toHaveProperty('ticket');
  });

  it('a salted secret (salt, iterations, keylen from the authenticator) is announced in CHALLENGE and works', async () => {
    const peer = await clients.raw(t.url, 'json');
    expect(await rawHello(peer, 'realm1', { authmethods: ['wampcra'], authid: 'salty' })).toEqual([4, 'wampcra', { challenge: expect.any(String), salt: 'pepper', iterations: 50, keylen: 32 }]);
    const a = await autobahnLogin(t.url, 'json', 'realm1', { method: 'wampcra', authid: 'salty', secret: 'salty-password' });
    clients.track({ close: () => a.close() });
    expect(a.details).toMatchObject({ authid: 'salty' });
  });

  it('wrong secret, and an authid the authenticator denies (after a mock CHALLENGE) → the same ABORT', async () => {
    expect(await wampyRefusal(t.url, 'json', 'realm1', { method: 'wampcra', authid: 'carl', secret: 'wrong' })).toEqual({ reason: 'wamp.error.authentication_denied', message: DENIED_TEXT });
    const peer = await clients.raw(t.url, 'json');
    expect(await rawHello(peer, 'realm1', { authmethods: ['wampcra'], authid: 'nobody' })).toEqual([4, 'wampcra', { challenge: expect.any(String) }]);
    peer.send([5, 'AAAA', {}]);
    expect(norm(await peer.next())).toEqual([3, { message: DENIED_TEXT }, 'wamp.error.authentication_denied']);
  });

  it('an answer without secret → ABORT wamp.error.authentication_failed', async () => {
    expect((await autobahnRefusal(t.url, 'json', 'realm1', { method: 'wampcra', authid: 'nosecret', secret: 'x' })).reason).toBe('wamp.error.authentication_failed');
  });
});

describe('cryptosign', () => {
  it('the authenticator gets authextra.pubkey and returns the key, authid and role: AutobahnJS and wampy log in', async () => {
    const a = await autobahnLogin(t.url, 'cbor', 'realm1', { method: 'cryptosign', pair: DEVICE });
    clients.track({ close: () => a.close() });
    expect(a.details).toMatchObject({ authid: 'device-9', authrole: 'user', authmethod: 'cryptosign', authprovider: 'dynamic' });
    expect(calls[0]).toMatchObject({ authid: null, details: { authmethod: 'cryptosign', authextra: { pubkey: DEVICE.pubkey } } });
    const w = await wampyLogin(t.url, 'json', 'realm1', { method: 'cryptosign', authid: 'device-9', pair: DEVICE });
    clients.track({ close: () => w.client.disconnect() });
    expect(w.details).toMatchObject({ authid: 'device-9' });
  });

  it('a key the authenticator does not know → ABORT wamp.error.authentication_denied after the CHALLENGE', async () => {
    expect(await autobahnRefusal(t.url, 'json', 'realm1', { method: 'cryptosign', pair: ed25519Pair() })).toEqual({ reason: 'wamp.error.authentication_denied', message: DENIED_TEXT });
  });
});
