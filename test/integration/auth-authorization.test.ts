// Static authorization with real clients, on the README, "Authentication and authorization" example: anonymous read-only web
// clients (role "public") and ticket-authenticated backend services (role "backend") that may
// register and publish. Denied requests get ERROR wamp.error.not_authorized naming the action
// and the URI (a PUBLISH only when acknowledged); disclosure rules; the meta API consults the
// authorizer; trusted in-process sessions bypass it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRouter, expectAllZero, type TestRouter } from '../helpers/router.js';
import { SERIALIZER_NAMES } from '../helpers/clients.js';
import { Clients, autobahnError, deferred, norm, sleep, wampyError, within } from '../helpers/autobahn-extra.js';
import { autobahnLogin, wampyLogin, rawHello } from './auth-helpers.js';
import type { AutobahnClient } from '../helpers/clients.js';

const BACKEND = { method: 'ticket' as const, authid: 'orders-service', ticket: 'backend-ticket' };

const CONFIG = {
  realms: [
    {
      name: 'realm1',
      history: [
        { topic: 'com.example.public.log', limit: 10 },
        { topic: 'com.example.private.log', limit: 10 },
      ],
      auth: {
        methods: {
          anonymous: { role: 'public' },
          ticket: { principals: [{ authid: 'orders-service', ticket: 'backend-ticket', role: 'backend' }] },
        },
      },
      roles: [
        {
          name: 'public',
          permissions: [
            { uri: 'com.example.public.', match: 'prefix' as const, allow: { call: true, subscribe: true }, disclose: { caller: true } },
            { uri: 'com.example.public.admin.', match: 'prefix' as const, allow: {} },
            { uri: 'wamp.subscription.get_events', allow: { call: true } },
          ],
        },
        {
          name: 'backend',
          permissions: [
            { uri: 'com.example.', match: 'prefix' as const, allow: { call: true, register: true, publish: true, subscribe: true }, disclose: { publisher: true } },
            { uri: 'wamp.session.', match: 'prefix' as const, allow: { call: true } },
          ],
        },
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

async function backend(serializer: 'json' | 'msgpack' | 'cbor' = 'json'): Promise<AutobahnClient> {
  const client = await autobahnLogin(t.url, serializer, 'realm1', BACKEND);
  clients.track({ close: () => client.close() });
  return client;
}

async function browser(serializer: 'json' | 'msgpack' | 'cbor' = 'json'): Promise<AutobahnClient> {
  const client = await autobahnLogin(t.url, serializer, 'realm1', { method: 'anonymous' });
  clients.track({ close: () => client.close() });
  return client;
}

describe.each(SERIALIZER_NAMES)('allowed paths over %s', (serializer) => {
  it('backend registers and publishes under com.example.; a public client calls and subscribes under com.example.public.', async () => {
    const service = await backend(serializer);
    const seen: Array<Record<string, unknown>> = [];
    await service.session.register('com.example.public.add', (args, _kwargs, details) => {
      seen.push(details);
      return (args[0] as number) + (args[1] as number);
    });
    const web = await browser(serializer);
    expect(await web.session.call('com.example.public.add', [2, 3])).toBe(5);
    // disclose.caller on the public rule: the callee learns who called
    expect(seen[0]).toMatchObject({ caller: web.session.id, caller_authrole: 'public' });
    const event = deferred<Record<string, unknown>>();
    await web.session.subscribe('com.example.public.ticks', (_args, _kwargs, details) => event.resolve(details));
    await service.session.publish('com.example.public.ticks', [1], {}, { acknowledge: true });
    // disclose.publisher on the backend rule: subscribers learn who published
    expect(await within(event.promise, 2000, 'event')).toMatchObject({ publisher: service.session.id, publisher_authid: 'orders-service', publisher_authrole: 'backend' });
  });

  it('wampy as a public client: CALL and SUBSCRIBE allowed; REGISTER and PUBLISH → wamp.error.not_authorized', async () => {
    const service = await backend(serializer);
    await service.session.register('com.example.public.echo', (args) => args[0]);
    const { client } = await wampyLogin(t.url, serializer, 'realm1', { method: 'anonymous' });
    clients.track({ close: () => client.disconnect() });
    expect((await client.call('com.example.public.echo', ['hi'])).argsList).toEqual(['hi']);
    await client.subscribe('com.example.public.feed', () => undefined);
    const register = await wampyError(client.register('com.example.public.mine', () => ({})));
    expect(register).toMatchObject({ errorUri: 'wamp.error.not_authorized', argsList: ['session is not authorized to register "com.example.public.mine" (authrole "public")'] });
    const publish = await wampyError(client.publish('com.example.public.feed', ['x']));
    expect(publish).toMatchObject({ errorUri: 'wamp.error.not_authorized', argsList: ['session is not authorized to publish to "com.example.public.feed" (authrole "public")'] });
  });
});

describe('denied → ERROR wamp.error.not_authorized naming the action and the URI', () => {
  it.each([
    ['REGISTER com.example.public.add', (s: AutobahnClient['session']) => s.register('com.example.public.add', () => 1), 'register "com.example.public.add"'],
    ['acknowledged PUBLISH com.example.public.ticks', (s: AutobahnClient['session']) => s.publish('com.example.public.ticks', [], {}, { acknowledge: true }), 'publish to "com.example.public.ticks"'],
    ['SUBSCRIBE com.example.private.orders', (s: AutobahnClient['session']) => s.subscribe('com.example.private.orders', () => undefined), 'subscribe to "com.example.private.orders"'],
    ['CALL com.example.private.refund', (s: AutobahnClient['session']) => s.call('com.example.private.refund'), 'call "com.example.private.refund"'],
    ['CALL com.example.public.admin.reset (a more specific rule denies)', (s: AutobahnClient['session']) => s.call('com.example.public.admin.reset'), 'call "com.example.public.admin.reset"'],
    ['SUBSCRIBE with prefix com.example. (wider than the role may see)', (s: AutobahnClient['session']) => s.subscribe('com.example.', () => undefined, { match: 'prefix' }), 'subscribe to "com.example."'],
    ['CALL wamp.session.kill (no rule)', (s: AutobahnClient['session']) => s.call('wamp.session.kill', [1]), 'call "wamp.session.kill"'],
  ])('public: %s', async (_name, request, what) => {
    const web = await browser();
    const error = await autobahnError(request(web.session) as Promise<unknown>);
    expect(error).toMatchObject({ error: 'wamp.error.not_authorized', args: [`session is not authorized to ${what} (authrole "public")`] });
    // the session goes on
    expect(web.session.isOpen).toBe(true);
  });

  it('an unacknowledged PUBLISH that is denied gets no ERROR, and nothing is delivered', async () => {
    const service = await backend();
    const events: unknown[] = [];
    await service.session.subscribe('com.example.public.ticks', (args) => events.push(args));
    const peer = await clients.raw(t.url, 'json');
    await rawHello(peer, 'realm1', {});
    peer.send([16, 1, {}, 'com.example.public.ticks', ['forged']]);
    peer.send([48, 2, {}, 'com.example.public.nothing_here', []]);
    // the next message is the answer to the CALL: the PUBLISH was dropped silently
    expect(norm(await peer.next())).toEqual([8, 48, 2, {}, 'wamp.error.no_such_procedure', expect.any(Array)]);
    await sleep(100);
    expect(events).toEqual([]);
  });
});

describe('trusted in-process sessions bypass authorization; untrusted ones are judged by their authrole', () => {
  it('router.realm().session({trusted: true}) registers anywhere; one with authrole "public" may not register', async () => {
    const trusted = clients.track(t.router.realm('realm1').session({ trusted: true }));
    await trusted.register('com.internal.health', () => 'ok');
    const web = await browser();
    // public has no rule for com.internal.*: the trusted registration exists, but the call is refused
    expect(await autobahnError(web.session.call('com.internal.health'))).toMatchObject({ error: 'wamp.error.not_authorized' });
    const local = clients.track(t.router.realm('realm1').session({ authrole: 'public' }));
    await expect(local.register('com.example.public.local', () => 1)).rejects.toMatchObject({ uri: 'wamp.error.not_authorized' });
    const service = clients.track(t.router.realm('realm1').session({ authrole: 'backend' }));
    await service.register('com.example.public.local', () => 1);
    expect(await web.session.call('com.example.public.local')).toBe(1);
  });
});

describe('the meta API asks the authorizer', () => {
  it('wamp.subscription.get_events: allowed for a topic the caller may subscribe to; wamp.error.not_authorized for one it may not', async () => {
    const service = await backend();
    const privateSub = await service.session.subscribe('com.example.private.log', () => undefined);
    await service.session.publish('com.example.private.log', ['secret'], {}, { acknowledge: true });
    const web = await browser();
    const publicSub = await web.session.subscribe('com.example.public.log', () => undefined);
    await service.session.publish('com.example.public.log', ['hello'], {}, { acknowledge: true });
    const history = await web.session.call('wamp.subscription.get_events', [publicSub.id]);
    expect(JSON.stringify(history)).toContain('hello');
    const refused = await autobahnError(web.session.call('wamp.subscription.get_events', [privateSub.id]));
    expect(refused).toMatchObject({ error: 'wamp.error.not_authorized', args: ['not authorized to read the event history of "com.example.private.log"'] });
  });

  it('wamp.session.kill: a role granted call on wamp.session. may kill without metaApi.allowKill', async () => {
    const service = await backend();
    const web = await browser();
    const closed = web.closed;
    await service.session.call('wamp.session.kill', [web.session.id], { reason: 'wamp.close.killed', message: 'bye' });
    expect(await within(closed, 2000, 'killed client closes')).toMatchObject({ details: { reason: 'wamp.close.killed' } });
  });
});

describe('zero config', () => {
  it('a realm without roles allows every action for anonymous clients (realm1 default)', async () => {
    const plain = await startRouter();
    try {
      const a = await autobahnLogin(plain.url, 'json', 'realm1', { method: 'anonymous' });
      await a.session.register('com.any.thing', () => 'ok');
      await a.session.publish('com.any.topic', [1], {}, { acknowledge: true });
      await a.session.subscribe('com.any.topic', () => undefined);
      expect(await a.session.call('com.any.thing')).toBe('ok');
      await a.close();
      await expectAllZero(plain.router);
    } finally {
      await plain.router.close();
    }
  });
});
