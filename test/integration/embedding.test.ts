// The embedding API: in-process sessions (router.realm(name).session()) talking to real
// autobahn and wampy clients over each serializer, through the same dispatcher and rules.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRouter, expectAllZero, eventually, type TestRouter } from '../helpers/router.js';
import { ab, SERIALIZER_NAMES } from '../helpers/clients.js';
import { CallResult, WampError, type LocalSession, type LocalSessionOptions } from '../../router/index.js';
import { Clients, autobahnError, deferred, isWampId, rejection, wampyError, within } from '../helpers/autobahn-extra.js';

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

/** An in-process session in realm1, closed by afterEach. */
function local(options?: LocalSessionOptions): LocalSession {
  return clients.track(t.router.realm('realm1').session(options));
}

const ARGS: unknown[] = [1, 2.5, 'ünï ✓ 🚀', true, false, null, [null, { a: [1, null] }], { nested: { x: 'y' } }];
const KWARGS: Record<string, unknown> = { a: 1, b: 'two', c: [true, null, 3.5], d: { e: { f: 'g' } } };

interface ResultLike {
  args: unknown[];
  kwargs: Record<string, unknown>;
}

describe.each(SERIALIZER_NAMES)('embedding over %s', (serializer) => {
  it('an autobahn (and wampy) client calls a local procedure: args/kwargs in, the return value out as RESULT [value]', async () => {
    const app = local();
    expect(isWampId(app.id)).toBe(true);
    const seen: Array<{ args: unknown[]; kwargs: Record<string, unknown> }> = [];
    const registration = await app.register('com.example.local.add', (args, kwargs) => {
      seen.push({ args, kwargs });
      return (args[0] as number) + (args[1] as number);
    });
    expect(isWampId(registration)).toBe(true);
    const a = await clients.autobahn(t.url, serializer);
    expect(await a.session.call('com.example.local.add', [2, 3], { extra: ARGS })).toBe(5);
    expect(seen).toEqual([{ args: [2, 3], kwargs: { extra: ARGS } }]);
    const w = await clients.wampy(t.url, serializer);
    const fromWampy = await w.call('com.example.local.add', [40, 2]);
    expect(fromWampy.argsList).toEqual([42]);
    // an async handler works the same
    await app.register('com.example.local.later', async (args) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { echoed: args };
    });
    expect(await a.session.call('com.example.local.later', ARGS)).toEqual({ echoed: ARGS });
    expect(t.router.stats()).toMatchObject({ sessions: 3, registrations: 2, invocations: 0 });
  });

  it('a local session calls an autobahn procedure: CallResult carries its args and kwargs; its errors arrive as WampError', async () => {
    const app = local();
    const a = await clients.autobahn(t.url, serializer);
    await a.session.register('com.example.remote.echo', (args, kwargs) => new ab.Result(args, kwargs));
    await a.session.register('com.example.remote.one', () => 'single');
    await a.session.register('com.example.remote.fails', () => {
      throw new ab.Error('com.example.error.remote', ['why'], { code: 7 });
    });
    const result = await app.call('com.example.remote.echo', ARGS, KWARGS);
    expect(result).toBeInstanceOf(CallResult);
    expect(result.args).toEqual(ARGS);
    expect(result.kwargs).toEqual(KWARGS);
    expect((await app.call('com.example.remote.one')).args).toEqual(['single']);
    const error = await rejection(app.call('com.example.remote.fails'));
    expect(error).toBeInstanceOf(WampError);
    expect((error as WampError).uri).toBe('com.example.error.remote');
    expect((error as WampError).args).toEqual(['why']);
    expect((error as WampError).kwargs).toEqual({ code: 7 });
    const missing = await rejection(app.call('com.example.remote.nobody'));
    expect((missing as WampError).uri).toBe('wamp.error.no_such_procedure');
  });

  it('a local subscriber receives an autobahn publish; an autobahn subscriber receives a local publish', async () => {
    const app = local();
    const a = await clients.autobahn(t.url, serializer);
    const localGot = deferred<{ args: unknown[]; kwargs: Record<string, unknown> }>();
    const subscription = await app.subscribe('com.example.to.local', (args, kwargs) => localGot.resolve({ args, kwargs }));
    expect(isWampId(subscription)).toBe(true);
    await a.session.publish('com.example.to.local', ARGS, KWARGS, { acknowledge: true });
    expect(await within(localGot.promise, 2000, 'local event')).toEqual({ args: ARGS, kwargs: KWARGS });

    const remoteGot = deferred<{ args: unknown[]; kwargs: Record<string, unknown> }>();
    await a.session.subscribe('com.example.from.local', (args, kwargs) => remoteGot.resolve({ args, kwargs }));
    const publication = await app.publish('com.example.from.local', ARGS, KWARGS, { acknowledge: true });
    expect(isWampId(publication)).toBe(true);
    expect(await within(remoteGot.promise, 2000, 'autobahn event')).toEqual({ args: ARGS, kwargs: KWARGS });
    // an unacknowledged local publish is delivered too
    const w = await clients.wampy(t.url, serializer);
    const wampyGot = deferred<unknown[] | undefined>();
    await w.subscribe('com.example.from.local.quiet', (data) => wampyGot.resolve(data.argsList));
    expect(await app.publish('com.example.from.local.quiet', ['quiet'])).toBeUndefined();
    expect(await within(wampyGot.promise, 2000, 'wampy event')).toEqual(['quiet']);
  });

  it('local handler throwing WampError("com.example.oops", "msg") → the autobahn caller gets ERROR com.example.oops', async () => {
    const app = local();
    await app.register('com.example.local.oops', () => {
      throw new WampError('com.example.oops', 'msg');
    });
    await app.register('com.example.local.oops.payload', async () => {
      throw new WampError('com.example.oops.payload', 'with payload', [1, 'two'], { three: 3 });
    });
    const a = await clients.autobahn(t.url, serializer);
    const error = await autobahnError(a.session.call('com.example.local.oops'));
    expect(error.error).toBe('com.example.oops');
    expect(error.args).toEqual(['msg']);
    const withPayload = await autobahnError(a.session.call('com.example.local.oops.payload'));
    expect(withPayload.error).toBe('com.example.oops.payload');
    expect(withPayload.args).toEqual([1, 'two']);
    expect(withPayload.kwargs).toEqual({ three: 3 });
    const w = await clients.wampy(t.url, serializer);
    expect((await wampyError(w.call('com.example.local.oops'))).errorUri).toBe('com.example.oops');
    expect(t.router.stats().invocations).toBe(0);
  });

  it('local handler throwing a plain Error (or rejecting) → ERROR wamp.error.runtime_error', async () => {
    const app = local();
    await app.register('com.example.local.crash', () => {
      throw new Error('boom');
    });
    await app.register('com.example.local.reject', () => Promise.reject(new TypeError('async boom')));
    const a = await clients.autobahn(t.url, serializer);
    const error = await autobahnError(a.session.call('com.example.local.crash'));
    expect(error.error).toBe('wamp.error.runtime_error');
    expect(String(error.args[0])).toContain('boom');
    expect((await autobahnError(a.session.call('com.example.local.reject'))).error).toBe('wamp.error.runtime_error');
    const w = await clients.wampy(t.url, serializer);
    expect((await wampyError(w.call('com.example.local.crash'))).errorUri).toBe('wamp.error.runtime_error');
    // the local session keeps serving
    await app.register('com.example.local.fine', () => 'fine');
    expect(await a.session.call('com.example.local.fine')).toBe('fine');
  });

  it('a CallResult with several args and kwargs reaches autobahn and wampy callers as args and kwargs', async () => {
    const app = local();
    await app.register('com.example.local.multi', (args) => new CallResult([...args, 'tail', null, 1.5], { count: args.length, ...KWARGS }));
    await app.register('com.example.local.kwonly', () => new CallResult([], { only: 'kwargs' }));
    const a = await clients.autobahn(t.url, serializer);
    const result = (await a.session.call('com.example.local.multi', [1, 2])) as ResultLike;
    expect(result.args).toEqual([1, 2, 'tail', null, 1.5]);
    expect(result.kwargs).toEqual({ count: 2, ...KWARGS });
    const kwOnly = (await a.session.call('com.example.local.kwonly')) as ResultLike;
    expect(kwOnly.args).toEqual([]);
    expect(kwOnly.kwargs).toEqual({ only: 'kwargs' });
    const w = await clients.wampy(t.url, serializer);
    const fromWampy = await w.call('com.example.local.multi', { argsList: ['x'], argsDict: {} });
    expect(fromWampy.argsList).toEqual(['x', 'tail', null, 1.5]);
    expect(fromWampy.argsDict).toEqual({ count: 1, ...KWARGS });
  });

  it('a trusted local session may register "wamp.my.proc"; an untrusted one gets wamp.error.invalid_uri', async () => {
    const trusted = local({ trusted: true });
    const untrusted = local();
    await trusted.register('wamp.my.proc', () => 'from the router');
    const refused = await rejection(untrusted.register('wamp.my.other', () => 'no'));
    expect(refused).toBeInstanceOf(WampError);
    expect((refused as WampError).uri).toBe('wamp.error.invalid_uri');
    // clients may call wamp.* procedures
    const a = await clients.autobahn(t.url, serializer);
    expect(await a.session.call('wamp.my.proc')).toBe('from the router');
    expect((await autobahnError(a.session.call('wamp.my.other'))).error).toBe('wamp.error.no_such_procedure');
    // the same rule for publishing
    const events: unknown[] = [];
    await a.session.subscribe('wamp.my.topic', (args) => void events.push(args));
    expect(isWampId(await trusted.publish('wamp.my.topic', ['trusted'], {}, { acknowledge: true }))).toBe(true);
    const notAllowed = await rejection(untrusted.publish('wamp.my.topic', ['untrusted'], {}, { acknowledge: true }));
    expect((notAllowed as WampError).uri).toBe('wamp.error.invalid_uri');
    expect(await eventually(() => events.length === 1)).toBe(true);
    expect(events).toEqual([['trusted']]);
    expect(t.router.stats().registrations).toBe(1);
  });

  it('local session close() removes its registrations and subscriptions (stats back to zero); callers in flight get wamp.error.canceled', async () => {
    const app = t.router.realm('realm1').session();
    const started = deferred<void>();
    await app.register('com.example.local.gone', () => 1);
    await app.register('com.example.local.stuck', () => {
      started.resolve();
      return new Promise(() => undefined);
    });
    await app.subscribe('com.example.local.topic', () => undefined);
    const a = await clients.autobahn(t.url, serializer);
    const stuck = autobahnError(a.session.call('com.example.local.stuck'));
    await within(started.promise, 2000, 'local invocation');
    expect(t.router.stats()).toMatchObject({ sessions: 2, registrations: 2, subscriptions: 1, invocations: 1 });
    app.close();
    expect(app.isOpen()).toBe(false);
    expect((await stuck).error).toBe('wamp.error.canceled');
    expect(t.router.stats()).toEqual({ sessions: 1, subscriptions: 0, registrations: 0, invocations: 0, timers: 0 });
    expect((await autobahnError(a.session.call('com.example.local.gone'))).error).toBe('wamp.error.no_such_procedure');
    // a closed local session refuses further requests
    const refused = await rejection(app.call('com.example.local.gone'));
    expect(refused).toBeInstanceOf(WampError);
  });
});

describe('embedding: realms', () => {
  it('router.realm("nope") throws for a realm the router does not serve', () => {
    expect(() => t.router.realm('nope')).toThrow(/nope/);
    expect(t.router.realm('realm1').name).toBe('realm1');
    expect(t.router.stats().sessions).toBe(0);
  });
});
