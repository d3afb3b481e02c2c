// Authentication with real clients: AutobahnJS (auth_cra, auth_cryptosign) and wampy 8 (its own
// wampcra.js and cryptosign.js) log in with ticket, wampcra (plain and salted), cryptosign and
// anonymous over json, msgpack and cbor; every failure gets the same ABORT whether the authid
// exists or not. Raw peers check the exact CHALLENGE / AUTHENTICATE exchange.
import { createHmac, sign as edSign, createPrivateKey } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRouter, expectAllZero, type TestRouter } from '../helpers/router.js';
import { SERIALIZER_NAMES } from '../helpers/clients.js';
import { Clients, norm } from '../helpers/autobahn-extra.js';
import { DENIED_TEXT } from '../../router/auth/authenticator.js';
import {
  autobahnLogin,
  autobahnRefusal,
  craKey,
  ed25519Pair,
  rawHello,
  wampyLogin,
  wampyRefusal,
  type Login,
} from './auth-helpers.js';

const REALM = 'com.example.secure';
const DEVICE = ed25519Pair();
const KEYLESS_DEVICE = ed25519Pair();
const SALT = 'salt123';
/** Every role may call wamp.session.count (the suites' proof that a session works). */
const COUNT = [{ uri: 'wamp.session.count', allow: { call: true } }];

const CONFIG = {
  realms: [
    {
      name: REALM,
      auth: {
        methods: {
          anonymous: { role: 'public' },
          ticket: { principals: [{ authid: 'alice', ticket: 'alice-ticket-1', role: 'user' }] },
          wampcra: {
            principals: [
              { authid: 'peter', secret: 'peter-secret', role: 'user' },
              { authid: 'sally', secret: craKey('sally-password', SALT, 100, 32), salt: SALT, iterations: 100, keylen: 32, role: 'admin' },
            ],
          },
          cryptosign: { principals: [{ pubkey: DEVICE.pubkey, authid: 'device-1', role: 'device' }, { pubkey: KEYLESS_DEVICE.pubkey, role: 'device' }] },
        },
        // These suites make many wrong attempts on purpose; the limit has its own suite.
        rateLimit: { maxFailures: 1000 },
      },
      roles: [
        { name: 'public', permissions: COUNT },
        { name: 'user', permissions: COUNT, authextra: { tier: 'gold' } },
        { name: 'admin', permissions: COUNT },
        { name: 'device', permissions: COUNT },
      ],
    },
  ],
};

let t: TestRouter;
let clients: Clients;

beforeEach(async () => {
  t = await startRouter(CONFIG);
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

interface Case {
  name: string;
  login: Login;
  welcome: Record<string, unknown>;
}

const SUCCESSES: Case[] = [
  { name: 'ticket', login: { method: 'ticket', authid: 'alice', ticket: 'alice-ticket-1' }, welcome: { authid: 'alice', authrole: 'user', authmethod: 'ticket', authprovider: 'static', authextra: { tier: 'gold' } } },
  { name: 'wampcra (plain secret)', login: { method: 'wampcra', authid: 'peter', secret: 'peter-secret' }, welcome: { authid: 'peter', authrole: 'user', authmethod: 'wampcra', authprovider: 'static', authextra: { tier: 'gold' } } },
  { name: 'wampcra (salted: PBKDF2 salt, iterations, keylen)', login: { method: 'wampcra', authid: 'sally', secret: 'sally-password' }, welcome: { authid: 'sally', authrole: 'admin', authmethod: 'wampcra', authprovider: 'static' } },
  { name: 'cryptosign', login: { method: 'cryptosign', authid: 'device-1', pair: DEVICE }, welcome: { authid: 'device-1', authrole: 'device', authmethod: 'cryptosign', authprovider: 'static' } },
];

/** Wrong credentials for an existing authid, and any credentials for an unknown one. */
const FAILURES: Array<[string, Login, Login]> = [
  ['ticket', { method: 'ticket', authid: 'alice', ticket: 'wrong' }, { method: 'ticket', authid: 'mallory', ticket: 'alice-ticket-1' }],
  ['wampcra', { method: 'wampcra', authid: 'peter', secret: 'wrong' }, { method: 'wampcra', authid: 'mallory', secret: 'peter-secret' }],
  ['wampcra salted', { method: 'wampcra', authid: 'sally', secret: 'wrong' }, { method: 'wampcra', authid: 'nobody', secret: 'sally-password' }],
  ['cryptosign', { method: 'cryptosign', authid: 'mallory', pair: DEVICE }, { method: 'cryptosign', authid: 'device-1', pair: ed25519Pair() }],
];

describe.each(SERIALIZER_NAMES)('AutobahnJS over %s', (serializer) => {
  it.each(SUCCESSES)('$name → WELCOME with the real authid, authrole, authmethod, authprovider (and the role\'s authextra)', async ({ login, welcome }) => {
    const client = await autobahnLogin(t.url, serializer, REALM, login);
    clients.track({ close: () => client.close() });
    expect(client.details).toMatchObject(welcome);
    if (welcome.authextra === undefined) expect(client.details.authextra).toBeUndefined();
    // the session works: a call to the meta API
    expect(await client.session.call('wamp.session.count')).toBe(1);
  });

  it.each(FAILURES)('%s: wrong credentials and an unknown authid → the same ABORT wamp.error.authentication_denied', async (_name, wrong, unknown) => {
    const refusals = [await autobahnRefusal(t.url, serializer, REALM, wrong), await autobahnRefusal(t.url, serializer, REALM, unknown)];
    expect(refusals).toEqual([
      { reason: 'wamp.error.authentication_denied', message: DENIED_TEXT },
      { reason: 'wamp.error.authentication_denied', message: DENIED_TEXT },
    ]);
  });

  it('anonymous → WELCOME with the configured authrole "public" and a random authid', async () => {
    const client = await autobahnLogin(t.url, serializer, REALM, { method: 'anonymous' });
    clients.track({ close: () => client.close() });
    expect(client.details).toMatchObject({ authrole: 'public', authmethod: 'anonymous', authprovider: 'static' });
    expect(client.details.authid).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });

  it('cryptosign without authid → authid is the public key (hex) when the principal names none', async () => {
    const client = await autobahnLogin(t.url, serializer, REALM, { method: 'cryptosign', pair: KEYLESS_DEVICE });
    clients.track({ close: () => client.close() });
    expect(client.details).toMatchObject({ authid: KEYLESS_DEVICE.pubkey, authrole: 'device', authmethod: 'cryptosign' });
  });
});

describe.each(SERIALIZER_NAMES)('wampy over %s', (serializer) => {
  it.each(SUCCESSES)('$name → WELCOME with the real authid, authrole, authmethod, authprovider', async ({ login, welcome }) => {
    const { client, details } = await wampyLogin(t.url, serializer, REALM, login);
    clients.track({ close: () => client.disconnect() });
    expect(details).toMatchObject(welcome);
    const count = await client.call('wamp.session.count');
    expect(count.argsList).toEqual([1]);
  });

  it.each(FAILURES)('%s: wrong credentials and an unknown authid → the same ABORT wamp.error.authentication_denied', async (_name, wrong, unknown) => {
    const refusals = [await wampyRefusal(t.url, serializer, REALM, wrong), await wampyRefusal(t.url, serializer, REALM, unknown)];
    expect(refusals).toEqual([
      { reason: 'wamp.error.authentication_denied', message: DENIED_TEXT },
      { reason: 'wamp.error.authentication_denied', message: DENIED_TEXT },
    ]);
  });
});

describe('the exchange on the wire (raw peer)', () => {
  it('ticket: HELLO → [CHALLENGE, "ticket", {}] → AUTHENTICATE → WELCOME', async () => {
    const peer = await clients.raw(t.url, 'json');
    expect(await rawHello(peer, REALM, { authmethods: ['ticket'], authid: 'alice' })).toEqual([4, 'ticket', {}]);
    peer.send([5, 'alice-ticket-1', {}]);
    expect(norm(await peer.next())).toEqual([2, expect.any(Number), expect.objectContaining({ authid: 'alice', authmethod: 'ticket' })]);
  });

  it('ticket without authid → ABORT wamp.error.authentication_denied saying an authid is needed', async () => {
    const peer = await clients.raw(t.url, 'json');
    expect(await rawHello(peer, REALM, { authmethods: ['ticket'] })).toEqual([3, { message: 'ticket authentication needs HELLO.Details.authid' }, 'wamp.error.authentication_denied']);
  });

  it.each(SERIALIZER_NAMES)('wampcra over %s: CHALLENGE.challenge is a JSON string with authid, authrole, authmethod, authprovider, nonce, timestamp and the WELCOME session id', async (serializer) => {
    const peer = await clients.raw(t.url, serializer);
    const challenge = await rawHello(peer, REALM, { authmethods: ['wampcra'], authid: 'peter' });
    expect(challenge).toEqual([4, 'wampcra', { challenge: expect.any(String) }]);
    const text = (challenge[2] as { challenge: string }).challenge;
    const fields = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(fields).sort()).toEqual(['authid', 'authmethod', 'authprovider', 'authrole', 'nonce', 'session', 'timestamp']);
    expect(fields).toMatchObject({ authid: 'peter', authrole: 'user', authmethod: 'wampcra', authprovider: 'static' });
    expect(new Date(fields.timestamp as string).toISOString()).toBe(fields.timestamp);
    expect(Math.abs(Date.parse(fields.timestamp as string) - Date.now())).toBeLessThan(5000);
    peer.send([5, createHmac('sha256', 'peter-secret').update(text).digest('base64'), {}]);
    const welcome = norm(await peer.next());
    expect(welcome[0]).toBe(2);
    expect(welcome[1]).toBe(fields.session);
  });

  it('wampcra salted: CHALLENGE announces salt, iterations and keylen; the signature uses the derived key', async () => {
    const peer = await clients.raw(t.url, 'json');
    const challenge = await rawHello(peer, REALM, { authmethods: ['wampcra'], authid: 'sally' });
    expect(challenge).toEqual([4, 'wampcra', { challenge: expect.any(String), salt: SALT, iterations: 100, keylen: 32 }]);
    const key = craKey('sally-password', SALT, 100, 32);
    peer.send([5, createHmac('sha256', key).update((challenge[2] as { challenge: string }).challenge).digest('base64'), {}]);
    expect(norm(await peer.next())).toEqual([2, expect.any(Number), expect.objectContaining({ authid: 'sally', authrole: 'admin' })]);
  });

  it('wampcra for an unknown authid: a mock CHALLENGE shaped like a real one (salted as the realm\'s are), then the same ABORT', async () => {
    const peer = await clients.raw(t.url, 'json');
    const challenge = await rawHello(peer, REALM, { authmethods: ['wampcra'], authid: 'nobody' });
    expect(challenge).toEqual([4, 'wampcra', { challenge: expect.any(String), salt: expect.any(String), iterations: 100, keylen: 32 }]);
    const fields = JSON.parse((challenge[2] as { challenge: string }).challenge) as Record<string, unknown>;
    expect(fields).toMatchObject({ authid: 'nobody', authmethod: 'wampcra', authprovider: 'static' });
    // the same salt every time for the same unknown authid, as a real user's salt is
    const again = await clients.raw(t.url, 'json');
    const second = await rawHello(again, REALM, { authmethods: ['wampcra'], authid: 'nobody' });
    expect((second[2] as { salt: string }).salt).toBe((challenge[2] as { salt: string }).salt);
    peer.send([5, 'AAAA', {}]);
    expect(norm(await peer.next())).toEqual([3, { message: DENIED_TEXT }, 'wamp.error.authentication_denied']);
  });

  it('cryptosign: CHALLENGE.challenge is 32 random bytes as 64 hex characters; AUTHENTICATE carries signature ‖ challenge (96 bytes)', async () => {
    const peer = await clients.raw(t.url, 'cbor');
    const challenge = await rawHello(peer, REALM, { authmethods: ['cryptosign'], authid: 'device-1', authextra: { pubkey: DEVICE.pubkey } });
    expect(challenge).toEqual([4, 'cryptosign', { challenge: expect.stringMatching(/^[0-9a-f]{64}$/), channel_binding: null }]);
    const message = Buffer.from((challenge[2] as { challenge: string }).challenge, 'hex');
    const key = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(DEVICE.seed, 'hex')]), format: 'der', type: 'pkcs8' });
    const signature = edSign(null, message, key);
    peer.send([5, Buffer.concat([signature, message]).toString('hex'), {}]);
    expect(norm(await peer.next())).toEqual([2, expect.any(Number), expect.objectContaining({ authid: 'device-1', authmethod: 'cryptosign' })]);
  });

  it.each([
    ['the signature alone (64 bytes)', (signature: Buffer, _message: Buffer) => signature.toString('hex')],
    ['signature ‖ another message', (signature: Buffer, message: Buffer) => Buffer.concat([signature, Buffer.from(message).reverse()]).toString('hex')],
    ['a flipped signature bit', (signature: Buffer, message: Buffer) => Buffer.concat([Buffer.from(signature.map((byte, i) => (i === 0 ? byte ^ 1 : byte))), message]).toString('hex')],
    ['not hex', () => 'zz'.repeat(96)],
  ])('cryptosign AUTHENTICATE with %s → ABORT wamp.error.authentication_denied', async (_name, forge) => {
    const peer = await clients.raw(t.url, 'json');
    const challenge = await rawHello(peer, REALM, { authmethods: ['cryptosign'], authid: 'device-1', authextra: { pubkey: DEVICE.pubkey } });
    const message = Buffer.from((challenge[2] as { challenge: string }).challenge, 'hex');
    const key = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(DEVICE.seed, 'hex')]), format: 'der', type: 'pkcs8' });
    peer.send([5, forge(edSign(null, message, key), message), {}]);
    expect(norm(await peer.next())).toEqual([3, { message: DENIED_TEXT }, 'wamp.error.authentication_denied']);
  });

  it('cryptosign without authextra.pubkey → ABORT wamp.error.authentication_denied naming what is missing', async () => {
    const peer = await clients.raw(t.url, 'json');
    expect(await rawHello(peer, REALM, { authmethods: ['cryptosign'], authid: 'device-1' })).toEqual([
      3,
      { message: 'cryptosign authentication needs HELLO.Details.authextra.pubkey: the Ed25519 public key as 64 hex characters' },
      'wamp.error.authentication_denied',
    ]);
  });

  it('AUTHENTICATE before any HELLO → ABORT wamp.error.protocol_violation', async () => {
    const peer = await clients.raw(t.url, 'json');
    peer.send([5, 'x', {}]);
    expect(norm(await peer.next())).toEqual([3, { message: 'received AUTHENTICATE before HELLO; HELLO must be the first message' }, 'wamp.error.protocol_violation']);
  });

  it.each([
    ['SUBSCRIBE', [32, 1, {}, 'com.x'], 'received SUBSCRIBE while authenticating; only AUTHENTICATE (or ABORT) may follow HELLO until WELCOME'],
    ['a second HELLO', [1, REALM, { roles: { caller: {} } }], 'received HELLO while authenticating; HELLO was already accepted'],
    ['GOODBYE', [6, {}, 'wamp.close.close_realm'], 'received GOODBYE while authenticating; only AUTHENTICATE (or ABORT) may follow HELLO until WELCOME'],
  ])('%s after CHALLENGE (state authenticating) → ABORT wamp.error.protocol_violation', async (_name, message, text) => {
    const peer = await clients.raw(t.url, 'json');
    await rawHello(peer, REALM, { authmethods: ['ticket'], authid: 'alice' });
    peer.send(message);
    expect(norm(await peer.next())).toEqual([3, { message: text }, 'wamp.error.protocol_violation']);
  });

  it('ABORT from the client after CHALLENGE ends the attempt quietly; nothing is left behind', async () => {
    const peer = await clients.raw(t.url, 'json');
    await rawHello(peer, REALM, { authmethods: ['wampcra'], authid: 'peter' });
    peer.send([3, {}, 'wamp.error.cannot_authenticate']);
    await peer.closed;
    expect(peer.received.length).toBe(1);
  });

  it('a client that drops the connection after CHALLENGE leaves no timer behind', async () => {
    const peer = await clients.raw(t.url, 'json');
    await rawHello(peer, REALM, { authmethods: ['ticket'], authid: 'alice' });
    expect(t.router.stats().timers).toBe(1); // the AUTHENTICATE time limit
    peer.socket.terminate();
    await peer.closed;
  });
});
