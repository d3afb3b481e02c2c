// Session testaments with real clients over each serializer: published when the session is lost
// (GOODBYE, kill, dropped socket), detached before destroyed, flush, option and argument checks.
// spec: advanced/pubsub_testament.md
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRouter, expectAllZero, eventually, type TestRouter } from '../helpers/router.js';
import { SERIALIZER_NAMES, type AutobahnSession } from '../helpers/clients.js';
import type { RawPeer } from '../helpers/raw.js';
import { Clients, autobahnError, nextMessage, sleep, wampyError } from '../helpers/autobahn-extra.js';
import type { WampError } from '../../router/index.js';
import { Realm } from '../../realms/realm.js';
import { MessageType } from '../../realms/protocol/message-type.js';
import type { Message } from '../../realms/protocol/messages.js';
import type { RealmMember } from '../../realms/member.js';
import { MAX_TESTAMENTS } from '../../realms/meta/testaments.js';

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

interface Heard {
  args: unknown[];
  kwargs: Record<string, unknown>;
}

async function listen(session: AutobahnSession, topic: string): Promise<Heard[]> {
  const heard: Heard[] = [];
  await session.subscribe(topic, (args, kwargs) => void heard.push({ args, kwargs }));
  return heard;
}

/** CALL add_testament on the wire; expects RESULT with no value. */
async function addTestamentRaw(peer: RawPeer, request: number, args: unknown[], kwargs: Record<string, unknown> = {}): Promise<void> {
  peer.send([48, request, {}, 'wamp.session.add_testament', args, kwargs]);
  expect(await nextMessage(peer)).toEqual([50, request, {}]);
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe.each(SERIALIZER_NAMES)('testaments over %s', (serializer) => {
  it('wamp.session.add_testament(topic, args, kwargs) → no value; the testaments are published in order when the session says GOODBYE (autobahn)', async () => {
    const watcher = await clients.autobahn(t.url, serializer);
    const heard = await listen(watcher.session, 'com.example.will');
    const a = await clients.autobahn(t.url, serializer);
    expect(await a.session.call('wamp.session.add_testament', ['com.example.will', ['first'], { n: 1 }])).toBeNull();
    await a.session.call('wamp.session.add_testament', ['com.example.will', ['second'], { n: 2 }]);
    await sleep(30);
    expect(heard).toEqual([]);
    await a.close();
    expect(await eventually(() => heard.length === 2)).toBe(true);
    expect(heard).toEqual([
      { args: ['first'], kwargs: { n: 1 } },
      { args: ['second'], kwargs: { n: 2 } },
    ]);
  });

  it('testament is published when the TCP connection drops without GOODBYE (socket.terminate() and socket._socket.destroy())', async () => {
    const watcher = await clients.autobahn(t.url, serializer);
    const heard = await listen(watcher.session, 'com.example.will');
    const { peer } = await clients.rawJoined(t.url, serializer);
    await addTestamentRaw(peer, 1, ['com.example.will', ['terminated'], {}]);
    peer.socket.terminate();
    expect(await eventually(() => heard.length === 1)).toBe(true);
    expect(heard[0].args).toEqual(['terminated']);

    const { peer: second } = await clients.rawJoined(t.url, serializer);
    await addTestamentRaw(second, 1, ['com.example.will', ['destroyed socket'], { why: 'crash' }]);
    (second.socket as unknown as { _socket: { destroy(): void } })._socket.destroy();
    expect(await eventually(() => heard.length === 2)).toBe(true);
    expect(heard[1]).toEqual({ args: ['destroyed socket'], kwargs: { why: 'crash' } });
  });

  it('scope "detached" testaments are published before "destroyed" ones, each in the order added (wampy)', async () => {
    const watcher = await clients.autobahn(t.url, serializer);
    const heard = await listen(watcher.session, 'com.example.will');
    const w = await clients.wampy(t.url, serializer);
    const add = (value: string, scope?: string) =>
      w.call('wamp.session.add_testament', { argsList: ['com.example.will', [value], {}], argsDict: scope === undefined ? {} : { scope } });
    await add('destroyed 1');
    await add('detached 1', 'detached');
    await add('destroyed 2', 'destroyed');
    await add('detached 2', 'detached');
    await w.disconnect();
    expect(await eventually(() => heard.length === 4)).toBe(true);
    expect(heard.map((event) => event.args[0])).toEqual(['detached 1', 'detached 2', 'destroyed 1', 'destroyed 2']);
  });

  it('wamp.session.flush_testaments removes one scope ("destroyed" by default) → no value; the other scope is still published', async () => {
    const watcher = await clients.autobahn(t.url, serializer);
    const heard = await listen(watcher.session, 'com.example.will');
    const a = await clients.autobahn(t.url, serializer);
    await a.session.call('wamp.session.add_testament', ['com.example.will', ['destroyed'], {}]);
    await a.session.call('wamp.session.add_testament', ['com.example.will', ['detached'], {}], { scope: 'detached' });
    expect(await a.session.call('wamp.session.flush_testaments')).toBeNull();
    await a.close();
    expect(await eventually(() => heard.length === 1)).toBe(true);
    await sleep(30);
    expect(heard.map((event) => event.args[0])).toEqual(['detached']);

    const b = await clients.autobahn(t.url, serializer);
    await b.session.call('wamp.session.add_testament', ['com.example.will', ['kept'], {}]);
    await b.session.call('wamp.session.add_testament', ['com.example.will', ['flushed'], {}], { scope: 'detached' });
    await b.session.call('wamp.session.flush_testaments', [], { scope: 'detached' });
    await b.close();
    expect(await eventually(() => heard.length === 2)).toBe(true);
    await sleep(30);
    expect(heard.map((event) => event.args[0])).toEqual(['detached', 'kept']);
  });

  it('publish_options are honoured (eligible_authrole, retain); acknowledge is ignored', async () => {
    const watcher = await clients.autobahn(t.url, serializer);
    const heard = await listen(watcher.session, 'com.example.will');
    const admin = clients.track(t.router.realm('realm1').session({ authrole: 'admin' }));
    const adminHeard: unknown[][] = [];
    await admin.subscribe('com.example.will', (args) => void adminHeard.push(args));
    const a = await clients.autobahn(t.url, serializer);
    await a.session.call('wamp.session.add_testament', ['com.example.will', ['admins only'], {}], {
      publish_options: { eligible_authrole: ['admin'], acknowledge: true, exclude_me: false },
    });
    await a.session.call('wamp.session.add_testament', ['com.example.will.retained', ['retained'], {}], { publish_options: { retain: true } });
    await a.close();
    expect(await eventually(() => adminHeard.length === 1)).toBe(true);
    expect(adminHeard[0]).toEqual(['admins only']);
    await sleep(30);
    expect(heard).toEqual([]);
    const late = await clients.autobahn(t.url, serializer);
    const retained: unknown[][] = [];
    await late.session.subscribe('com.example.will.retained', (args) => void retained.push(args), { get_retained: true });
    expect(await eventually(() => retained.length === 1)).toBe(true);
    expect(retained[0]).toEqual(['retained']);
  });

  it('the testament of a killed session (wamp.session.kill) is published', async () => {
    const boss = clients.track(t.router.realm('ops').session({ authrole: 'admin' }));
    const heard: unknown[][] = [];
    await boss.subscribe('com.example.will', (args) => void heard.push(args));
    const a = await clients.autobahn(t.url, serializer, 'ops');
    await a.session.call('wamp.session.add_testament', ['com.example.will', ['killed'], {}]);
    await boss.call('wamp.session.kill', [a.session.id]);
    expect(await eventually(() => heard.length === 1)).toBe(true);
    expect(heard[0]).toEqual(['killed']);
  });

  it('add_testament / flush_testaments with bad arguments → ERROR wamp.error.invalid_argument; a bad or wamp.* topic → wamp.error.invalid_uri', async () => {
    const a = await clients.autobahn(t.url, serializer);
    const w = await clients.wampy(t.url, serializer);
    const invalid: Array<[unknown[], Record<string, unknown>]> = [
      [[42, [], {}], {}],
      [['com.example.will', 'not a list', {}], {}],
      [['com.example.will', [], ['not a dict']], {}],
      [['com.example.will', [], {}], { scope: 'later' }],
      [['com.example.will', [], {}], { publish_options: 'fast' }],
      [['com.example.will', [], {}], { publish_options: { exclude: ['x'] } }],
      [['com.example.will', [], {}], { publish_options: { eligible_authrole: 'admin' } }],
      [['com.example.will', [], {}], { publish_options: { retain: 'yes' } }],
      [['com.example.will', [], {}], { publish_options: { acknowledge: 1 } }],
      [['com.example.will', [], {}], { publish_options: { ppt_scheme: 'x_custom' } }],
    ];
    for (const [args, kwargs] of invalid) {
      const error = await autobahnError(a.session.call('wamp.session.add_testament', args, kwargs));
      expect(error.error, JSON.stringify([args, kwargs])).toBe('wamp.error.invalid_argument');
    }
    expect((await autobahnError(a.session.call('wamp.session.add_testament', ['not a uri', [], {}]))).error).toBe('wamp.error.invalid_uri');
    expect((await autobahnError(a.session.call('wamp.session.add_testament', ['wamp.session.on_leave', [1, 'x', 'y'], {}]))).error).toBe('wamp.error.invalid_uri');
    expect((await wampyError(w.call('wamp.session.flush_testaments', { argsList: [], argsDict: { scope: 'sometimes' } }))).errorUri).toBe('wamp.error.invalid_argument');
    // nothing was stored by the failed calls
    const watcher = await clients.autobahn(t.url, serializer);
    const heard = await listen(watcher.session, 'com.example.will');
    await a.close();
    await sleep(50);
    expect(heard).toEqual([]);
  });

  it(`a session keeps at most ${MAX_TESTAMENTS} testaments per scope → then ERROR sprocket.error.too_many_testaments`, async () => {
    const local = clients.track(t.router.realm('realm1').session());
    for (let i = 0; i < MAX_TESTAMENTS; i++) await local.call('wamp.session.add_testament', ['com.example.will', [i], {}]);
    const refused = (await rejectionOf(local.call('wamp.session.add_testament', ['com.example.will', ['one too many'], {}]))) as WampError;
    expect(refused.uri).toBe('sprocket.error.too_many_testaments');
    await local.call('wamp.session.add_testament', ['com.example.will', ['other scope'], {}], { scope: 'detached' });
    const a = await clients.autobahn(t.url, serializer);
    const heard = await listen(a.session, 'com.example.will');
    local.close();
    expect(await eventually(() => heard.length === MAX_TESTAMENTS + 1)).toBe(true);
    expect(heard[0].args).toEqual(['other scope']);
    expect(heard[MAX_TESTAMENTS].args).toEqual([MAX_TESTAMENTS - 1]);
  });
});

/** A member that records what the realm sends it, to drive a Realm without a network. */
class RecordingMember implements RealmMember {
  readonly realm = 'direct';
  readonly authid = 'recorder';
  readonly authrole = 'anonymous';
  readonly authmethod = 'anonymous';
  readonly authprovider = 'static';
  readonly transport = { type: 'test' };
  readonly roles = { caller: {}, subscriber: {} };
  readonly trusted = false;
  readonly received: Message[] = [];
  constructor(readonly id: number) {}
  send(message: Message): void {
    this.received.push(message);
  }
  close(): void {}
  isOpen(): boolean {
    return true;
  }
}

describe('testament memory', () => {
  it('a session\'s testaments are forgotten once published (realm.meta.testaments.size returns to 0), also after flush', async () => {
    const silent = { error: () => undefined, debug: () => undefined };
    const realm = new Realm({ name: 'direct', logger: silent });
    const heir = new RecordingMember(2);
    realm.join(heir);
    realm.handle(heir, { type: MessageType.SUBSCRIBE, request: 1, options: {}, topic: 'com.example.will' });
    const dying = new RecordingMember(1);
    realm.join(dying);
    realm.handle(dying, { type: MessageType.CALL, request: 1, options: {}, procedure: 'wamp.session.add_testament', args: ['com.example.will', ['bye'], {}] });
    expect(await eventually(() => dying.received.length === 1)).toBe(true);
    expect(dying.received[0]).toMatchObject({ type: MessageType.RESULT, request: 1 });
    expect(realm.meta?.testaments.size).toBe(1);
    realm.leave(dying);
    expect(realm.meta?.testaments.size).toBe(0);
    expect(heir.received.filter((message) => message.type === MessageType.EVENT)).toMatchObject([{ args: ['bye'] }]);

    const flusher = new RecordingMember(3);
    realm.join(flusher);
    realm.handle(flusher, { type: MessageType.CALL, request: 1, options: {}, procedure: 'wamp.session.add_testament', args: ['com.example.will', [], {}] });
    realm.handle(flusher, { type: MessageType.CALL, request: 2, options: {}, procedure: 'wamp.session.flush_testaments', kwargs: { scope: 'destroyed' } });
    expect(await eventually(() => flusher.received.length === 2)).toBe(true);
    expect(realm.meta?.testaments.size).toBe(0);
    realm.leave(flusher);
    realm.leave(heir);
    expect(realm.stats()).toEqual({ sessions: 0, subscriptions: 0, registrations: 0, invocations: 0, timers: 0 });
  });
});
