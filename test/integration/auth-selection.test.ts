// Which method a HELLO gets: the client's HELLO.Details.authmethods in its own order, the first
// one the realm (and the listener) allows; and the ABORT for each way that fails
// (advanced/uris.md#authentication).
import { afterEach, describe, expect, it } from 'vitest';
import { startRouter, expectAllZero, type TestRouter } from '../helpers/router.js';
import { Clients } from '../helpers/autobahn-extra.js';
import type { RouterOptions } from '../../router/index.js';
import { autobahnLogin, rawHello, wampyLogin } from './auth-helpers.js';

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

async function start(options: RouterOptions): Promise<TestRouter> {
  t = await startRouter(options);
  return t;
}

const BOTH = {
  realms: [
    {
      name: 'realm1',
      auth: {
        methods: {
          anonymous: {},
          ticket: { principals: [{ authid: 'alice', ticket: 'alice-ticket', role: 'user' }] },
          wampcra: { principals: [{ authid: 'alice', secret: 'alice-secret', role: 'user' }] },
        },
      },
    },
  ],
};

const TICKET_ONLY = {
  realms: [{ name: 'realm1', auth: { methods: { ticket: { principals: [{ authid: 'alice', ticket: 'alice-ticket', role: 'user' }] }, cryptosign: {} } } }],
};

describe('the client\'s order decides', () => {
  it('authmethods ["wampcra", "ticket"] → CHALLENGE "wampcra"; ["ticket", "wampcra"] → CHALLENGE "ticket"', async () => {
    const { url } = await start(BOTH);
    const first = await clients.raw(url, 'json');
    expect(await rawHello(first, 'realm1', { authmethods: ['wampcra', 'ticket'], authid: 'alice' })).toEqual([4, 'wampcra', expect.any(Object)]);
    const second = await clients.raw(url, 'json');
    expect(await rawHello(second, 'realm1', { authmethods: ['ticket', 'wampcra'], authid: 'alice' })).toEqual([4, 'ticket', {}]);
  });

  it('methods the realm does not allow are skipped: ["cryptosign", "scram", "ticket"] → CHALLENGE "ticket"', async () => {
    const { url } = await start(BOTH);
    const peer = await clients.raw(url, 'json');
    expect(await rawHello(peer, 'realm1', { authmethods: ['cryptosign', 'scram', 'ticket'], authid: 'alice' })).toEqual([4, 'ticket', {}]);
  });

  it('["anonymous", "ticket"] in a realm allowing both → WELCOME anonymous (no CHALLENGE)', async () => {
    const { url } = await start(BOTH);
    const peer = await clients.raw(url, 'json');
    expect(await rawHello(peer, 'realm1', { authmethods: ['anonymous', 'ticket'], authid: 'alice' })).toEqual([
      2,
      expect.any(Number),
      expect.objectContaining({ authmethod: 'anonymous', authrole: 'anonymous' }),
    ]);
  });

  it('no authmethods in a realm that allows anonymous → WELCOME anonymous (autobahn and wampy without credentials)', async () => {
    const { url } = await start(BOTH);
    const a = await autobahnLogin(url, 'json', 'realm1', { method: 'anonymous' });
    clients.track({ close: () => a.close() });
    expect(a.details).toMatchObject({ authmethod: 'anonymous' });
    const w = await wampyLogin(url, 'msgpack', 'realm1', { method: 'anonymous' });
    clients.track({ close: () => w.client.disconnect() });
    expect(w.details).toMatchObject({ authmethod: 'anonymous' });
  });
});

describe('refusals', () => {
  it('no authmethods in a realm that needs credentials → ABORT wamp.error.authentication_required listing what it accepts', async () => {
    const { url } = await start(TICKET_ONLY);
    const peer = await clients.raw(url, 'json');
    expect(await rawHello(peer, 'realm1', {})).toEqual([
      3,
      { message: 'realm "realm1" requires authentication; it accepts: ticket, cryptosign' },
      'wamp.error.authentication_required',
    ]);
  });

  it('authmethods ["anonymous"] only, in a realm that needs credentials → ABORT wamp.error.authentication_required', async () => {
    const { url } = await start(TICKET_ONLY);
    const peer = await clients.raw(url, 'json');
    expect(await rawHello(peer, 'realm1', { authmethods: ['anonymous'] })).toEqual([
      3,
      { message: 'realm "realm1" does not admit anonymous sessions; it accepts: ticket, cryptosign' },
      'wamp.error.authentication_required',
    ]);
  });

  it('AutobahnJS without credentials in a realm that needs them → ABORT wamp.error.authentication_required', async () => {
    const { url } = await start(TICKET_ONLY);
    const error = await autobahnLogin(url, 'cbor', 'realm1', { method: 'anonymous' }).then(
      () => undefined,
      (e: { details?: { reason?: string } }) => e,
    );
    expect(error?.details?.reason).toBe('wamp.error.authentication_required');
  });

  it('offered methods, none allowed → ABORT wamp.error.no_matching_auth_method with a message listing what the realm accepts', async () => {
    const { url } = await start(TICKET_ONLY);
    const peer = await clients.raw(url, 'json');
    expect(await rawHello(peer, 'realm1', { authmethods: ['wampcra', 'wamp-scram', 'x-custom'], authid: 'alice' })).toEqual([
      3,
      { message: 'none of the offered authmethods ["wampcra","wamp-scram","x-custom"] is accepted in realm "realm1"; it accepts: ticket, cryptosign' },
      'wamp.error.no_matching_auth_method',
    ]);
  });

  it('the zero-config realm with ["ticket"] → ABORT wamp.error.no_matching_auth_method; it accepts anonymous', async () => {
    const { url } = await start({});
    const peer = await clients.raw(url, 'json');
    expect(await rawHello(peer, 'realm1', { authmethods: ['ticket'], authid: 'alice' })).toEqual([
      3,
      { message: 'none of the offered authmethods ["ticket"] is accepted in realm "realm1"; it accepts: anonymous' },
      'wamp.error.no_matching_auth_method',
    ]);
  });

  it('authmethods that is not a list of strings → ABORT wamp.error.protocol_violation', async () => {
    const { url } = await start({});
    const peer = await clients.raw(url, 'json');
    expect(await rawHello(peer, 'realm1', { authmethods: 'ticket' })).toEqual([
      3,
      { message: 'HELLO.Details.authmethods must be a list of strings' },
      'wamp.error.protocol_violation',
    ]);
  });
});

describe('per listener: auth.methods restricts what a transport accepts', () => {
  const options: RouterOptions = {
    ...BOTH,
    listeners: [
      { type: 'websocket', host: '127.0.0.1', port: 0, path: '/public', auth: { methods: ['anonymous'] } },
      { type: 'websocket', host: '127.0.0.1', port: 0, path: '/internal', auth: { methods: ['ticket'] } },
    ],
  };

  it('the /public listener refuses ticket (ABORT wamp.error.no_matching_auth_method listing anonymous); /internal refuses anonymous', async () => {
    t = await startRouter(options);
    const [publicUrl, internalUrl] = t.router.addresses().map((address) => address.url);
    const outside = await clients.raw(publicUrl, 'json');
    expect(await rawHello(outside, 'realm1', { authmethods: ['ticket', 'wampcra'], authid: 'alice' })).toEqual([
      3,
      { message: 'none of the offered authmethods ["ticket","wampcra"] is accepted in realm "realm1"; it accepts: anonymous' },
      'wamp.error.no_matching_auth_method',
    ]);
    const inside = await clients.raw(internalUrl, 'json');
    expect(await rawHello(inside, 'realm1', {})).toEqual([
      3,
      { message: 'realm "realm1" requires authentication; it accepts: ticket' },
      'wamp.error.authentication_required',
    ]);
    const backend = await autobahnLogin(internalUrl, 'json', 'realm1', { method: 'ticket', authid: 'alice', ticket: 'alice-ticket' });
    clients.track({ close: () => backend.close() });
    expect(backend.details).toMatchObject({ authid: 'alice', authmethod: 'ticket' });
    const browser = await autobahnLogin(publicUrl, 'json', 'realm1', { method: 'anonymous' });
    clients.track({ close: () => browser.close() });
    expect(browser.details).toMatchObject({ authmethod: 'anonymous' });
  });
});

describe('roles that do not exist', () => {
  it('a static principal whose role is not configured is refused at start (config error, not at login)', async () => {
    await expect(startRouter({ realms: [{ name: 'realm1', auth: { methods: { anonymous: { role: 'guest' } } }, roles: [{ name: 'user' }] }] })).rejects.toThrow(
      'realms[0].auth.methods.anonymous.role: role "guest" is not defined in realms[0].roles',
    );
  });

  it('WELCOME.Details.authextra appears only when the role configures one', async () => {
    const { url } = await start({
      realms: [
        { name: 'realm1', auth: { methods: { anonymous: { role: 'guest' } } }, roles: [{ name: 'guest', authextra: { banner: 'hi' } }] },
        { name: 'realm2', auth: { methods: { anonymous: { role: 'guest' } } }, roles: [{ name: 'guest' }] },
      ],
    });
    const withExtra = await clients.raw(url, 'json');
    expect((await rawHello(withExtra, 'realm1', {}))[2]).toMatchObject({ authrole: 'guest', authextra: { banner: 'hi' } });
    const without = await clients.raw(url, 'json');
    const details = (await rawHello(without, 'realm2', {}))[2] as Record<string, unknown>;
    expect(details.authrole).toBe('guest');
    expect('authextra' in details).toBe(false);
  });
});
