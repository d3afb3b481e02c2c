// The realm key `metaApi` (enabled, disable, allowKill), the features announced in WELCOME, and
// router.stats() ignoring the meta API's internal session. spec: advanced/meta_api*.md
import { afterEach, describe, expect, it } from 'vitest';
import { startRouter, expectAllZero, eventually, type TestRouter } from '../helpers/router.js';
import { SERIALIZER_NAMES } from '../helpers/clients.js';
import { Clients, autobahnError, connectWampyWithDetails, norm, sleep, wampyError } from '../helpers/autobahn-extra.js';
import { ConfigError, validateConfig, type RouterOptions } from '../../router/index.js';

let t: TestRouter | undefined;
let clients: Clients;

async function start(options: RouterOptions): Promise<TestRouter> {
  t = await startRouter(options);
  clients = new Clients();
  return t;
}

afterEach(async () => {
  if (t === undefined) return;
  await clients.closeAll();
  try {
    await expectAllZero(t.router);
  } finally {
    await t.router.close();
    t = undefined;
  }
});

const SESSION_PROCEDURES = ['wamp.session.count', 'wamp.session.list'];

describe.each(SERIALIZER_NAMES)('metaApi config over %s', (serializer) => {
  it('a procedure listed in metaApi.disable → ERROR wamp.error.no_such_procedure; the others still answer', async () => {
    const { url } = await start({ realms: [{ name: 'realm1', metaApi: { disable: ['wamp.session.get', 'wamp.session.add_testament', 'wamp.subscription.get_events'] } }] });
    const a = await clients.autobahn(url, serializer);
    const w = await clients.wampy(url, serializer);
    expect((await autobahnError(a.session.call('wamp.session.get', [a.session.id]))).error).toBe('wamp.error.no_such_procedure');
    expect((await wampyError(w.call('wamp.session.add_testament', { argsList: ['com.example.x', [], {}] }))).errorUri).toBe('wamp.error.no_such_procedure');
    expect((await autobahnError(a.session.call('wamp.subscription.get_events', [1]))).error).toBe('wamp.error.no_such_procedure');
    expect(await a.session.call('wamp.session.count')).toBe(2);
    expect(norm((await w.call('wamp.registration.list', { argsList: [] })).argsList)).toEqual([{ exact: [], prefix: [], wildcard: [] }]);
  });

  it('metaApi.enabled: false → every meta procedure → ERROR wamp.error.no_such_procedure and no meta events are published', async () => {
    const { url } = await start({ realms: [{ name: 'realm1', metaApi: { enabled: false } }] });
    const a = await clients.autobahn(url, serializer);
    const joins: unknown[] = [];
    await a.session.subscribe('wamp.session.on_join', (args) => void joins.push(args));
    await a.session.subscribe('wamp.subscription.on_create', (args) => void joins.push(args));
    for (const procedure of [...SESSION_PROCEDURES, 'wamp.subscription.list', 'wamp.registration.list', 'wamp.session.add_testament']) {
      expect((await autobahnError(a.session.call(procedure))).error, procedure).toBe('wamp.error.no_such_procedure');
    }
    const w = await clients.wampy(url, serializer);
    await w.subscribe('com.example.topic', () => undefined);
    await sleep(50);
    expect(joins).toEqual([]);
  });

  it('WELCOME announces session_meta_api on broker and dealer, subscription_meta_api / event_history / subscription_revocation on the broker, registration_meta_api / testament_meta_api on the dealer', async () => {
    const { url } = await start({});
    const { client, details } = await connectWampyWithDetails(url, serializer);
    try {
      const roles = norm(details).roles as Record<string, { features: Record<string, boolean> }>;
      expect(roles.broker.features).toMatchObject({ session_meta_api: true, subscription_meta_api: true, event_history: true, subscription_revocation: true });
      expect(roles.dealer.features).toMatchObject({ session_meta_api: true, registration_meta_api: true, testament_meta_api: true });
    } finally {
      await client.disconnect();
    }
  });

  it('router.stats() counts neither the internal meta session nor its wamp.* registrations, and is zero again after meta calls', async () => {
    const { url, router } = await start({});
    expect(router.stats()).toEqual({ sessions: 0, subscriptions: 0, registrations: 0, invocations: 0, timers: 0 });
    const a = await clients.autobahn(url, serializer);
    await a.session.subscribe('wamp.session.on_leave', () => undefined);
    await a.session.call('wamp.session.add_testament', ['com.example.will', [], {}]);
    expect(await a.session.call('wamp.session.count')).toBe(1);
    expect(router.stats()).toEqual({ sessions: 1, subscriptions: 1, registrations: 0, invocations: 0, timers: 0 });
  });

  it('a realm with allowDisclosure: false still serves the caller-dependent procedures (kill excludes the caller, testaments)', async () => {
    const { url, router } = await start({ realms: [{ name: 'realm1', allowDisclosure: false, metaApi: { allowKill: ['admin'] } }] });
    const boss = clients.track(router.realm('realm1').session({ authrole: 'admin' }));
    const heard: unknown[][] = [];
    await boss.subscribe('com.example.will', (args) => void heard.push(args));
    const a = await clients.autobahn(url, serializer);
    await a.session.call('wamp.session.add_testament', ['com.example.will', ['no disclosure'], {}]);
    expect((await boss.call('wamp.session.kill_all')).args).toEqual([1]);
    expect(boss.isOpen()).toBe(true);
    await a.closed;
    await sleep(30);
    expect(heard).toEqual([]); // kill_all publishes no testaments
    const b = await clients.autobahn(url, serializer);
    await b.session.call('wamp.session.add_testament', ['com.example.will', ['still works'], {}]);
    expect((await boss.call('wamp.session.kill_by_authrole', ['anonymous'])).args).toEqual([1]);
    expect(await eventually(() => heard.length === 1)).toBe(true);
    expect(heard[0]).toEqual(['still works']);
  });
});

describe('metaApi config schema', () => {
  it('accepts { enabled, disable, allowKill } and reports bad values with their JSON path', () => {
    expect(() => validateConfig({ realms: [{ name: 'realm1', metaApi: { enabled: true, disable: ['wamp.session.kill'], allowKill: ['admin'] } }] })).not.toThrow();
    const problems = (config: unknown): string[] => {
      try {
        validateConfig(config);
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
      return [];
    };
    expect(problems({ realms: [{ name: 'realm1', metaApi: { enabled: 'yes' } }] })).toEqual(['realms[0].metaApi.enabled: must be a boolean']);
    expect(problems({ realms: [{ name: 'realm1', metaApi: { allowKill: 'admin' } }] })).toEqual(['realms[0].metaApi.allowKill: must be an array']);
    expect(problems({ realms: [{ name: 'realm1', metaApi: { disable: ['not a uri'] } }] })).toEqual(['realms[0].metaApi.disable[0]: must match ^([^\\s.#]+\\.)*([^\\s.#]+)$']);
    expect(problems({ realms: [{ name: 'realm1', metaApi: { kill: true } }] })).toEqual(['realms[0].metaApi: unknown key "kill"']);
  });
});
