// The dynamic authorizer: a backend session registers com.example.authorize; roles configured
// with `authorizer` ask it (session, uri, action, options) whenever none of their static rules
// matches. Its answer (bool or {allow, disclose, cache}), its errors and silence (fallback), and
// per-session message order while a decision is pending (basic/security_model.md).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRouter, expectAllZero, type TestRouter } from '../helpers/router.js';
import { ab, type AutobahnClient } from '../helpers/clients.js';
import { Clients, autobahnError, deferred, norm, sleep, within } from '../helpers/autobahn-extra.js';
import { autobahnLogin, rawHello } from './auth-helpers.js';

const CONFIG = {
  realms: [
    {
      name: 'realm1',
      auth: {
        methods: {
          ticket: {
            principals: [
              { authid: 'backend', ticket: 'backend-ticket', role: 'backend' },
              { authid: 'ursula', ticket: 'ursula-ticket', role: 'user' },
              { authid: 'victor', ticket: 'victor-ticket', role: 'user' },
              { authid: 'lena', ticket: 'lena-ticket', role: 'lenient' },
              { authid: 'selina', ticket: 'selina-ticket', role: 'selfserve' },
            ],
          },
        },
      },
      roles: [
        { name: 'backend', permissions: [{ uri: '', match: 'prefix' as const, allow: { call: true, register: true, publish: true, subscribe: true } }] },
        {
          name: 'user',
          permissions: [{ uri: 'com.example.static.', match: 'prefix' as const, allow: { call: true, subscribe: true, publish: true } }],
          authorizer: { procedure: 'com.example.authorize', timeoutMs: 300 },
        },
        { name: 'lenient', authorizer: { procedure: 'com.example.authorize', timeoutMs: 300, onError: 'allow' as const } },
        {
          name: 'selfserve',
          permissions: [{ uri: 'com.example.authorize_self', allow: { register: true } }],
          authorizer: { procedure: 'com.example.authorize_self', timeoutMs: 3000 },
        },
      ],
    },
  ],
};

interface Asked {
  session: Record<string, unknown>;
  uri: string;
  action: string;
  options: Record<string, unknown>;
}

let t: TestRouter;
let clients: Clients;
let asked: Asked[];
let backend: AutobahnClient;
let invoked: string[];
let authorizerRegistration: unknown;

function decide(args: unknown[]): unknown {
  const [session, uri, action, options] = args as [Record<string, unknown>, string, string, Record<string, unknown>];
  asked.push({ session, uri, action, options });
  if (uri.startsWith('com.example.allowed.')) return true;
  if (uri.startsWith('com.example.cached.')) return { allow: true, cache: true };
  if (uri.startsWith('com.example.disclose.')) return { allow: true, disclose: true };
  if (uri.startsWith('com.example.slow.')) return new Promise((resolve) => setTimeout(() => resolve(true), 150));
  if (uri.startsWith('com.example.never.')) return new Promise(() => undefined);
  if (uri.startsWith('com.example.garbled.')) return 'yes';
  if (uri.startsWith('com.example.raise.')) throw new ab.Error('com.example.authorizer_broken');
  return false;
}

beforeEach(async () => {
  t = await startRouter(CONFIG);
  clients = new Clients();
  asked = [];
  invoked = [];
  backend = await login('backend');
  authorizerRegistration = await backend.session.register('com.example.authorize', decide);
  for (const uri of ['com.example.allowed.echo', 'com.example.cached.echo', 'com.example.disclose.echo', 'com.example.slow.echo', 'com.example.static.echo', 'com.example.never.echo', 'com.example.raise.echo', 'com.example.garbled.echo']) {
    await backend.session.register(uri, (callArgs, _kwargs, details) => {
      invoked.push(uri);
      return { args: callArgs, details };
    });
  }
});

afterEach(async () => {
  await clients.closeAll();
  try {
    await expectAllZero(t.router);
  } finally {
    await t.router.close();
  }
});

async function login(authid: string): Promise<AutobahnClient> {
  const client = await autobahnLogin(t.url, 'json', 'realm1', { method: 'ticket', authid, ticket: `${authid}-ticket` });
  clients.track({ close: () => client.close() });
  return client;
}

describe('decisions', () => {
  it('true → allowed; the authorizer got (session details, uri, action, options)', async () => {
    const user = await login('ursula');
    expect(await user.session.call('com.example.allowed.echo', ['x'])).toMatchObject({ args: ['x'] });
    expect(norm(asked)).toEqual([
      {
        session: expect.objectContaining({ session: user.session.id, realm: 'realm1', authid: 'ursula', authrole: 'user', authmethod: 'ticket', authprovider: 'static' }),
        uri: 'com.example.allowed.echo',
        action: 'call',
        options: {},
      },
    ]);
  });

  it('false → ERROR wamp.error.not_authorized naming the action and URI', async () => {
    const user = await login('ursula');
    const error = await autobahnError(user.session.subscribe('com.example.denied.topic', () => undefined, { match: 'prefix' }));
    expect(error).toMatchObject({ error: 'wamp.error.not_authorized', args: ['session is not authorized to subscribe to "com.example.denied.topic" (authrole "user")'] });
    expect(asked[0]).toMatchObject({ uri: 'com.example.denied.topic', action: 'subscribe', options: { match: 'prefix' } });
  });

  it('a static rule of the role that matches decides; the authorizer is not asked', async () => {
    const user = await login('ursula');
    expect(await user.session.call('com.example.static.echo', [1])).toMatchObject({ args: [1] });
    expect(asked).toEqual([]);
  });

  it('{allow: true, cache: true} is remembered for that session (the authorizer is asked once), not for another session', async () => {
    const ursula = await login('ursula');
    await ursula.session.call('com.example.cached.echo');
    await ursula.session.call('com.example.cached.echo');
    expect(asked.length).toBe(1);
    const victor = await login('victor');
    await victor.session.call('com.example.cached.echo');
    expect(asked.map((entry) => entry.session.authid)).toEqual(['ursula', 'victor']);
  });

  it('an answer without cache is asked again each time', async () => {
    const user = await login('ursula');
    await user.session.call('com.example.allowed.echo');
    await user.session.call('com.example.allowed.echo');
    expect(asked.length).toBe(2);
  });

  it('{allow: true, disclose: true} → the callee learns the caller', async () => {
    const user = await login('ursula');
    const result = (await user.session.call('com.example.disclose.echo')) as { kwargs?: unknown; args: unknown[] };
    expect(JSON.stringify(result)).toContain('"caller_authid":"ursula"');
  });
});

describe('failures and the fallback', () => {
  it.each([
    ['raises an error', 'com.example.raise.echo', 'the authorizer com.example.authorize failed (com.example.authorizer_broken: com.example.authorizer_broken); call "com.example.raise.echo" was refused'],
    ['answers "yes"', 'com.example.garbled.echo', 'the authorizer com.example.authorize returned neither a boolean nor {allow, disclose, cache}; call "com.example.garbled.echo" was refused'],
  ])('the authorizer %s → ERROR wamp.error.authorization_failed (fail secure)', async (_name, uri, text) => {
    const user = await login('ursula');
    expect(await autobahnError(user.session.call(uri))).toMatchObject({ error: 'wamp.error.authorization_failed', args: [text] });
    expect(invoked).toEqual([]);
  });

  it('the authorizer does not answer within timeoutMs → ERROR wamp.error.authorization_failed; nothing stays in flight', async () => {
    const user = await login('ursula');
    const started = Date.now();
    const error = await autobahnError(user.session.call('com.example.never.echo'));
    expect(error.error).toBe('wamp.error.authorization_failed');
    expect(error.args[0]).toContain('wamp.error.timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(t.router.stats()).toMatchObject({ invocations: 0, timers: 0 });
  });

  it('no authorizer registered → ERROR wamp.error.authorization_failed', async () => {
    const user = await login('ursula');
    await backend.session.unregister(authorizerRegistration);
    const error = await autobahnError(user.session.call('com.example.allowed.echo'));
    expect(error.error).toBe('wamp.error.authorization_failed');
    expect(error.args[0]).toContain('wamp.error.no_such_procedure');
  });

  it('onError: "allow" → an authorizer failure allows the request', async () => {
    const lena = await login('lena');
    expect(await lena.session.call('com.example.raise.echo', ['through'])).toMatchObject({ args: ['through'] });
  });
});

describe('per-session order while a decision is pending', () => {
  it('CALL (slow authorizer) then CALL (static rule) from one session: the callee gets them in that order', async () => {
    const peer = await clients.raw(t.url, 'json');
    expect(await rawHello(peer, 'realm1', { authmethods: ['ticket'], authid: 'ursula' })).toEqual([4, 'ticket', {}]);
    peer.send([5, 'ursula-ticket', {}]);
    expect(norm(await peer.next())[0]).toBe(2);
    peer.send([48, 1, {}, 'com.example.slow.echo', ['first']]);
    peer.send([48, 2, {}, 'com.example.static.echo', ['second']]);
    peer.send([48, 3, {}, 'com.example.allowed.echo', ['third']]);
    const results = [norm(await peer.next(3000)), norm(await peer.next(3000)), norm(await peer.next(3000))];
    expect(results.map((message) => message[0])).toEqual([50, 50, 50]);
    expect(invoked).toEqual(['com.example.slow.echo', 'com.example.static.echo', 'com.example.allowed.echo']);
  });

  it('SUBSCRIBE (slow authorizer) then acknowledged PUBLISH (static rule) from one session: SUBSCRIBED arrives before PUBLISHED', async () => {
    const watcher = await login('victor');
    const events: unknown[] = [];
    const got = deferred();
    await watcher.session.subscribe('com.example.static.news', (args) => {
      events.push(args[0]);
      got.resolve();
    });
    const peer = await clients.raw(t.url, 'json');
    await rawHello(peer, 'realm1', { authmethods: ['ticket'], authid: 'ursula' });
    peer.send([5, 'ursula-ticket', {}]);
    await peer.next();
    peer.send([32, 1, {}, 'com.example.slow.topic']);
    peer.send([16, 2, { acknowledge: true }, 'com.example.static.news', ['after subscribe']]);
    expect(norm(await peer.next(3000))).toEqual([33, 1, expect.any(Number)]);
    expect(norm(await peer.next(3000))).toEqual([17, 2, expect.any(Number)]);
    await within(got.promise, 2000, 'event');
    expect(events).toEqual(['after subscribe']);
  });

  it('a session that serves its own role\'s authorizer: its YIELD to the authorizer INVOCATION is not held behind its pending CALL', async () => {
    const selina = await login('selina');
    await selina.session.register('com.example.authorize_self', ([, uri]) => (uri as string).startsWith('com.example.allowed.'));
    const started = Date.now();
    expect(await selina.session.call('com.example.allowed.echo', ['self'])).toMatchObject({ args: ['self'] });
    expect(Date.now() - started).toBeLessThan(2500); // answered, not failed by the 3000 ms authorizer timeout
    expect((await autobahnError(selina.session.call('com.example.static.echo'))).error).toBe('wamp.error.not_authorized');
  });

  it('a session that leaves while its decision is pending: the request is dropped, nothing is left behind', async () => {
    const peer = await clients.raw(t.url, 'json');
    await rawHello(peer, 'realm1', { authmethods: ['ticket'], authid: 'ursula' });
    peer.send([5, 'ursula-ticket', {}]);
    await peer.next();
    peer.send([48, 1, {}, 'com.example.slow.echo', ['gone']]);
    peer.send([48, 2, {}, 'com.example.static.echo', ['gone too']]);
    peer.socket.terminate();
    await peer.closed;
    await sleep(300);
    expect(invoked).toEqual([]);
  });
});
