// Remote procedure calls with real clients (autobahn, wampy) and raw peers, over each
// serializer. spec: basic/remote_procedure_call.md
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRouter, expectAllZero, eventually, type TestRouter } from '../helpers/router.js';
import { ab, SERIALIZER_NAMES } from '../helpers/clients.js';
import type { RawPeer } from '../helpers/raw.js';
import {
  Clients,
  autobahnError,
  deferred,
  type Deferred,
  isWampId,
  nextMessage,
  sleep,
  wampyError,
  within,
} from '../helpers/autobahn-extra.js';

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

const ARGS: unknown[] = [1, -2.5, 'ünï ✓ 日本 🚀', true, false, null, [null, 1, ['x', { y: null }]], { deep: { er: [1.25, 'z'] } }];
const KWARGS: Record<string, unknown> = { a: 1, b: 'two', c: [true, null, 3.5], d: { e: { f: 'g' } }, empty: {}, list: [] };

interface ResultLike {
  args: unknown[];
  kwargs: Record<string, unknown>;
}

async function registerRaw(peer: RawPeer, request: number, procedure: string): Promise<number> {
  peer.send([64, request, {}, procedure]);
  const reply = await nextMessage(peer);
  expect(reply.slice(0, 2)).toEqual([65, request]);
  expect(isWampId(reply[2])).toBe(true);
  return reply[2] as number;
}

/** Expects the next message to be an INVOCATION for `registration`; returns it. */
async function nextInvocation(peer: RawPeer, registration: number): Promise<unknown[]> {
  const invocation = await nextMessage(peer);
  expect(invocation[0]).toBe(68);
  expect(isWampId(invocation[1])).toBe(true);
  expect(invocation[2]).toBe(registration);
  return invocation;
}

/** Expects ABORT wamp.error.protocol_violation with a message detail, then the socket closing. */
async function expectProtocolViolation(peer: RawPeer): Promise<void> {
  const abort = await nextMessage(peer);
  expect(abort[0]).toBe(3);
  expect(abort[2]).toBe('wamp.error.protocol_violation');
  expect(typeof (abort[1] as Record<string, unknown>).message).toBe('string');
  await within(peer.closed, 3000, 'socket close after ABORT');
}

describe.each(SERIALIZER_NAMES)('rpc over %s', (serializer) => {
  it('REGISTER → REGISTERED, CALL → INVOCATION → YIELD → RESULT: args and kwargs arrive unchanged both ways (autobahn)', async () => {
    const callee = await clients.autobahn(t.url, serializer);
    const caller = await clients.autobahn(t.url, serializer);
    const seen: ResultLike[] = [];
    const registration = await callee.session.register('com.example.echo', (args, kwargs) => {
      seen.push({ args, kwargs });
      return new ab.Result(args, kwargs);
    });
    expect(isWampId(registration.id)).toBe(true);
    await callee.session.register('com.example.add', (args) => (args[0] as number) + (args[1] as number));
    const result = (await caller.session.call('com.example.echo', ARGS, KWARGS)) as ResultLike;
    expect(seen).toEqual([{ args: ARGS, kwargs: KWARGS }]);
    expect(result.args).toEqual(ARGS);
    expect(result.kwargs).toEqual(KWARGS);
    expect(await caller.session.call('com.example.add', [2, 40])).toBe(42);
    expect(t.router.stats()).toMatchObject({ registrations: 2, invocations: 0 });
  });

  it('CALL → RESULT between wampy and autobahn, both directions, with args and kwargs unchanged', async () => {
    const a = await clients.autobahn(t.url, serializer);
    const w = await clients.wampy(t.url, serializer);
    await a.session.register('com.example.ab.echo', (args, kwargs) => new ab.Result(args, kwargs));
    const registered = await w.register('com.example.wampy.echo', (data) => ({ argsList: data.argsList, argsDict: data.argsDict }));
    expect(isWampId(registered.registrationId)).toBe(true);
    const fromAutobahn = await w.call('com.example.ab.echo', { argsList: ARGS, argsDict: KWARGS });
    expect(fromAutobahn.argsList).toEqual(ARGS);
    expect(fromAutobahn.argsDict).toEqual(KWARGS);
    const fromWampy = (await a.session.call('com.example.wampy.echo', ARGS, KWARGS)) as ResultLike;
    expect(fromWampy.args).toEqual(ARGS);
    expect(fromWampy.kwargs).toEqual(KWARGS);
  });

  it('REGISTER of an already registered procedure → ERROR wamp.error.procedure_already_exists', async () => {
    const a = await clients.autobahn(t.url, serializer);
    const b = await clients.autobahn(t.url, serializer);
    await a.session.register('com.example.taken', () => 'a');
    const error = await autobahnError(b.session.register('com.example.taken', () => 'b'));
    expect(error.error).toBe('wamp.error.procedure_already_exists');
    const w = await clients.wampy(t.url, serializer);
    expect((await wampyError(w.register('com.example.taken', () => ({ argsList: ['w'] })))).errorUri).toBe('wamp.error.procedure_already_exists');
    // the first registration still serves
    expect(await b.session.call('com.example.taken')).toBe('a');
    // the same session registering twice, on the wire
    const { peer } = await clients.rawJoined(t.url, serializer);
    await registerRaw(peer, 1, 'com.example.twice');
    peer.send([64, 2, {}, 'com.example.twice']);
    expect((await nextMessage(peer)).slice(0, 5)).toEqual([8, 64, 2, {}, 'wamp.error.procedure_already_exists']);
    peer.send([64, 3, {}, 'com.example.taken']);
    expect((await nextMessage(peer)).slice(0, 5)).toEqual([8, 64, 3, {}, 'wamp.error.procedure_already_exists']);
    expect(t.router.stats().registrations).toBe(2);
  });

  it('UNREGISTER with an unknown registration id → ERROR wamp.error.no_such_registration (raw)', async () => {
    const { peer: a } = await clients.rawJoined(t.url, serializer);
    const { peer: b } = await clients.rawJoined(t.url, serializer);
    a.send([66, 1, 987654321]);
    expect((await nextMessage(a)).slice(0, 5)).toEqual([8, 66, 1, {}, 'wamp.error.no_such_registration']);
    // a registration that exists but belongs to another session
    const id = await registerRaw(a, 2, 'com.example.mine');
    b.send([66, 3, id]);
    expect((await nextMessage(b)).slice(0, 5)).toEqual([8, 66, 3, {}, 'wamp.error.no_such_registration']);
    expect(t.router.stats().registrations).toBe(1);
    // unregistering twice: the second is unknown
    a.send([66, 4, id]);
    expect(await nextMessage(a)).toEqual([67, 4]);
    a.send([66, 5, id]);
    expect((await nextMessage(a)).slice(0, 5)).toEqual([8, 66, 5, {}, 'wamp.error.no_such_registration']);
    expect(t.router.stats().registrations).toBe(0);
  });

  it('CALL to unknown procedure → ERROR wamp.error.no_such_procedure (autobahn, wampy, raw)', async () => {
    const a = await clients.autobahn(t.url, serializer);
    expect((await autobahnError(a.session.call('com.example.nobody', [1]))).error).toBe('wamp.error.no_such_procedure');
    const w = await clients.wampy(t.url, serializer);
    expect((await wampyError(w.call('com.example.nobody', [1]))).errorUri).toBe('wamp.error.no_such_procedure');
    const { peer } = await clients.rawJoined(t.url, serializer);
    peer.send([48, 7, {}, 'com.example.nobody', [1]]);
    const error = await nextMessage(peer);
    expect(error.slice(0, 5)).toEqual([8, 48, 7, {}, 'wamp.error.no_such_procedure']);
    // after UNREGISTER the procedure is unknown again
    const reg = await a.session.register('com.example.shortlived', () => 1);
    expect(await a.session.call('com.example.shortlived')).toBe(1);
    await a.session.unregister(reg);
    expect((await autobahnError(a.session.call('com.example.shortlived'))).error).toBe('wamp.error.no_such_procedure');
  });

  it('callee raises an application error → the caller gets that exact URI, args and kwargs (autobahn and wampy callees)', async () => {
    const callee = await clients.autobahn(t.url, serializer);
    const caller = await clients.autobahn(t.url, serializer);
    const wCallee = await clients.wampy(t.url, serializer);
    const wCaller = await clients.wampy(t.url, serializer);
    await callee.session.register('com.example.fails', () => {
      throw new ab.Error('com.example.error.x', [1], { a: 1 });
    });
    await wCallee.register('com.example.wampy.fails', () => {
      throw Object.assign(new Error('wampy failure'), { error: 'com.example.error.y', argsList: ['two', 2], argsDict: { b: [2] } });
    });
    const error = await autobahnError(caller.session.call('com.example.fails'));
    expect(error.error).toBe('com.example.error.x');
    expect(error.args).toEqual([1]);
    expect(error.kwargs).toEqual({ a: 1 });
    const fromWampy = await wampyError(wCaller.call('com.example.fails'));
    expect(fromWampy.errorUri).toBe('com.example.error.x');
    expect(fromWampy.argsList).toEqual([1]);
    expect(fromWampy.argsDict).toEqual({ a: 1 });
    const second = await autobahnError(caller.session.call('com.example.wampy.fails'));
    expect(second.error).toBe('com.example.error.y');
    expect(second.args).toEqual(['two', 2]);
    expect(second.kwargs).toEqual({ b: [2] });
    // both callees keep serving
    expect(t.router.stats()).toMatchObject({ sessions: 4, registrations: 2, invocations: 0 });
  });

  it('REGISTER "wamp.x" → ERROR wamp.error.invalid_uri, but a CALL under "wamp." reaches the dealer (unknown → wamp.error.no_such_procedure; wamp.session.count → RESULT)', async () => {
    const a = await clients.autobahn(t.url, serializer);
    expect((await autobahnError(a.session.register('wamp.x', () => 1))).error).toBe('wamp.error.invalid_uri');
    expect((await autobahnError(a.session.call('wamp.x'))).error).toBe('wamp.error.no_such_procedure');
    const w = await clients.wampy(t.url, serializer);
    expect((await wampyError(w.call('wamp.x.nothing.here'))).errorUri).toBe('wamp.error.no_such_procedure');
    const { peer } = await clients.rawJoined(t.url, serializer);
    peer.send([64, 1, {}, 'wamp.x']);
    expect((await nextMessage(peer)).slice(0, 5)).toEqual([8, 64, 1, {}, 'wamp.error.invalid_uri']);
    peer.send([48, 2, {}, 'wamp.x']);
    expect((await nextMessage(peer)).slice(0, 5)).toEqual([8, 48, 2, {}, 'wamp.error.no_such_procedure']);
    // wamp.session.count is not refused as a reserved URI: the router's meta API answers it
    // (three client sessions are attached: autobahn, wampy, raw)
    peer.send([48, 3, {}, 'wamp.session.count']);
    expect(await nextMessage(peer)).toEqual([50, 3, {}, [3]]);
    expect(await a.session.call('wamp.session.count')).toBe(3);
    expect(t.router.stats().registrations).toBe(0);
  });

  it('REGISTER or CALL with an invalid procedure URI ("a..b", "has space") → ERROR wamp.error.invalid_uri; the session goes on', async () => {
    const a = await clients.autobahn(t.url, serializer);
    for (const procedure of ['a..b', 'has space', '.lead', 'trail.', '']) {
      expect((await autobahnError(a.session.register(procedure, () => 1))).error, procedure).toBe('wamp.error.invalid_uri');
      expect((await autobahnError(a.session.call(procedure))).error, procedure).toBe('wamp.error.invalid_uri');
    }
    await a.session.register('com.example.valid', () => 'ok');
    expect(await a.session.call('com.example.valid')).toBe('ok');
    const { peer } = await clients.rawJoined(t.url, serializer);
    peer.send([64, 1, {}, 'has space']);
    const error = await nextMessage(peer);
    expect(error.slice(0, 5)).toEqual([8, 64, 1, {}, 'wamp.error.invalid_uri']);
    expect(typeof (error[5] as unknown[])[0]).toBe('string');
    peer.send([48, 2, {}, 'a..b']);
    expect((await nextMessage(peer)).slice(0, 5)).toEqual([8, 48, 2, {}, 'wamp.error.invalid_uri']);
    peer.send([48, 3, {}, 'com.example.valid']);
    expect(await nextMessage(peer)).toEqual([50, 3, {}, ['ok']]);
  });

  it('callee leaves (GOODBYE) with a call in flight → the caller gets ERROR wamp.error.canceled (autobahn)', async () => {
    const callee = await clients.autobahn(t.url, serializer);
    const caller = await clients.autobahn(t.url, serializer);
    const invoked = deferred<void>();
    await callee.session.register('com.example.slow', () => {
      invoked.resolve();
      return new Promise(() => undefined); // never answers
    });
    // autobahnError attaches its handler now: the rejection comes while we await other things
    const call = autobahnError(caller.session.call('com.example.slow', [1]));
    await within(invoked.promise, 2000, 'invocation');
    expect(t.router.stats().invocations).toBe(1);
    await callee.close();
    const error = await call;
    expect(error.error).toBe('wamp.error.canceled');
    expect(t.router.stats()).toMatchObject({ invocations: 0, registrations: 0 });
    // the caller session goes on
    expect((await autobahnError(caller.session.call('com.example.slow'))).error).toBe('wamp.error.no_such_procedure');
  });

  it('callee connection dropped (socket terminated) with calls in flight → every caller gets ERROR wamp.error.canceled (raw callee)', async () => {
    const { peer: callee } = await clients.rawJoined(t.url, serializer);
    const registration = await registerRaw(callee, 1, 'com.example.dropping');
    const a = await clients.autobahn(t.url, serializer);
    const w = await clients.wampy(t.url, serializer);
    const { peer: raw } = await clients.rawJoined(t.url, serializer);
    const fromAutobahn = autobahnError(a.session.call('com.example.dropping', ['a']));
    await nextInvocation(callee, registration);
    const fromWampy = wampyError(w.call('com.example.dropping', ['w']));
    await nextInvocation(callee, registration);
    raw.send([48, 9, {}, 'com.example.dropping', ['r']]);
    await nextInvocation(callee, registration);
    expect(t.router.stats().invocations).toBe(3);

    callee.socket.terminate();
    expect((await fromAutobahn).error).toBe('wamp.error.canceled');
    expect((await fromWampy).errorUri).toBe('wamp.error.canceled');
    expect((await nextMessage(raw)).slice(0, 5)).toEqual([8, 48, 9, {}, 'wamp.error.canceled']);
    expect(t.router.stats()).toMatchObject({ invocations: 0, registrations: 0 });
  });

  it('caller leaves while the callee works → the late YIELD/ERROR is dropped silently; the callee stays open and serves the next call (raw callee)', async () => {
    const { peer: callee } = await clients.rawJoined(t.url, serializer);
    const registration = await registerRaw(callee, 1, 'com.example.work');
    const gone = await clients.autobahn(t.url, serializer);
    const goneToo = await clients.autobahn(t.url, serializer);
    gone.session.call('com.example.work', [1]).catch(() => undefined);
    const first = await nextInvocation(callee, registration);
    goneToo.session.call('com.example.work', [2]).catch(() => undefined);
    const second = await nextInvocation(callee, registration);
    expect(t.router.stats().invocations).toBe(2);
    await gone.close();
    await goneToo.close();
    expect(await eventually(() => t.router.stats().invocations === 0)).toBe(true);

    callee.send([70, first[1], {}, ['late result']]);
    callee.send([8, 68, second[1], {}, 'com.example.error.late', ['late error']]);
    const next = await clients.autobahn(t.url, serializer);
    const call = next.session.call('com.example.work', [3]);
    const third = await nextInvocation(callee, registration);
    expect(third[4]).toEqual([3]);
    callee.send([70, third[1], {}, ['fresh']]);
    expect(await call).toBe('fresh');
    expect(callee.socket.readyState).toBe(callee.socket.OPEN);
    expect(t.router.stats()).toMatchObject({ invocations: 0, registrations: 1 });
  });

  it('caller connection dropped while an autobahn callee works → its late YIELD is dropped; the callee keeps serving', async () => {
    const callee = await clients.autobahn(t.url, serializer);
    const answers: Array<Deferred<unknown>> = [];
    const invoked: Array<Deferred<void>> = [deferred<void>(), deferred<void>()];
    await callee.session.register('com.example.later', (args) => {
      const answer = deferred<unknown>();
      answers.push(answer);
      invoked[answers.length - 1]?.resolve();
      return args[0] === 'now' ? 'immediately' : answer.promise;
    });
    const { peer: caller } = await clients.rawJoined(t.url, serializer);
    caller.send([48, 1, {}, 'com.example.later', ['wait']]);
    await within(invoked[0].promise, 2000, 'invocation');
    caller.socket.terminate();
    await caller.closed;
    expect(await eventually(() => t.router.stats().invocations === 0)).toBe(true);
    answers[0].resolve('too late');
    const other = await clients.autobahn(t.url, serializer);
    expect(await other.session.call('com.example.later', ['now'])).toBe('immediately');
    expect(callee.session.isOpen).toBe(true);
  });

  it('YIELD with an invocation id the router never issued → ABORT wamp.error.protocol_violation (raw)', async () => {
    const { peer } = await clients.rawJoined(t.url, serializer);
    await registerRaw(peer, 1, 'com.example.neverissued');
    peer.send([70, 4242, {}, ['nobody asked']]);
    await expectProtocolViolation(peer);
    expect(await eventually(() => t.router.stats().registrations === 0)).toBe(true);
  });

  it('YIELD for an id above the last INVOCATION sent → ABORT wamp.error.protocol_violation (raw)', async () => {
    const { peer: callee } = await clients.rawJoined(t.url, serializer);
    const registration = await registerRaw(callee, 1, 'com.example.above');
    const a = await clients.autobahn(t.url, serializer);
    const call = autobahnError(a.session.call('com.example.above'));
    const invocation = await nextInvocation(callee, registration);
    callee.send([70, (invocation[1] as number) + 1, {}, []]);
    await expectProtocolViolation(callee);
    // the callee is gone, so the caller's call ends
    expect((await call).error).toBe('wamp.error.canceled');
  });

  it('ERROR for an invocation id the router never issued → ABORT wamp.error.protocol_violation (raw)', async () => {
    const { peer } = await clients.rawJoined(t.url, serializer);
    peer.send([8, 68, 777, {}, 'com.example.error.whatever', ['x']]);
    await expectProtocolViolation(peer);
  });

  it('ERROR with REQUEST.Type other than INVOCATION (68) → ABORT wamp.error.protocol_violation (raw)', async () => {
    for (const requestType of [48, 16, 32, 64]) {
      const { peer } = await clients.rawJoined(t.url, serializer);
      peer.send([8, requestType, 1, {}, 'com.example.error.x']);
      await expectProtocolViolation(peer);
    }
    // also when an invocation with that id is in flight
    const { peer: callee } = await clients.rawJoined(t.url, serializer);
    const registration = await registerRaw(callee, 1, 'com.example.wrongtype');
    const a = await clients.autobahn(t.url, serializer);
    const call = autobahnError(a.session.call('com.example.wrongtype'));
    const invocation = await nextInvocation(callee, registration);
    callee.send([8, 48, invocation[1], {}, 'com.example.error.x']);
    await expectProtocolViolation(callee);
    expect((await call).error).toBe('wamp.error.canceled');
  });

  it('200 concurrent calls each get their own result (autobahn and wampy callers)', async () => {
    const callee = await clients.autobahn(t.url, serializer);
    const caller = await clients.autobahn(t.url, serializer);
    const w = await clients.wampy(t.url, serializer);
    let peak = 0;
    let running = 0;
    await callee.session.register('com.example.square', async (args, kwargs) => {
      running++;
      peak = Math.max(peak, running);
      await sleep((args[0] as number) % 7);
      running--;
      return new ab.Result([(args[0] as number) ** 2], { tag: kwargs.tag });
    });
    const n = 200;
    const fromAutobahn = Array.from({ length: n }, (_, i) => caller.session.call('com.example.square', [i], { tag: `a${i}` }));
    const fromWampy = Array.from({ length: 50 }, (_, i) => w.call('com.example.square', { argsList: [i + 1000], argsDict: { tag: `w${i}` } }));
    const results = (await Promise.all(fromAutobahn)) as ResultLike[];
    results.forEach((result, i) => {
      expect(result.args).toEqual([i * i]);
      expect(result.kwargs).toEqual({ tag: `a${i}` });
    });
    const wampyResults = await Promise.all(fromWampy);
    wampyResults.forEach((result, i) => {
      expect(result.argsList).toEqual([(i + 1000) ** 2]);
      expect(result.argsDict).toEqual({ tag: `w${i}` });
    });
    expect(peak).toBeGreaterThan(1); // they really were in flight together
    expect(t.router.stats().invocations).toBe(0);
  });

  it('CANCEL from a raw caller → ERROR wamp.error.canceled; the callee\'s later YIELD is dropped', async () => {
    const { peer: callee } = await clients.rawJoined(t.url, serializer);
    const { peer: caller } = await clients.rawJoined(t.url, serializer);
    const registration = await registerRaw(callee, 1, 'com.example.cancelme');
    caller.send([48, 5, {}, 'com.example.cancelme', ['x']]);
    const invocation = await nextInvocation(callee, registration);
    caller.send([49, 5, {}]);
    const error = await nextMessage(caller);
    expect(error.slice(0, 5)).toEqual([8, 48, 5, {}, 'wamp.error.canceled']);
    expect(t.router.stats().invocations).toBe(0);
    // the callee answers anyway: dropped, and nobody is hurt
    callee.send([70, invocation[1], {}, ['too late']]);
    caller.send([48, 6, {}, 'com.example.cancelme', ['y']]);
    const next = await nextInvocation(callee, registration);
    expect(next[4]).toEqual(['y']);
    callee.send([70, next[1], {}, ['answer to 6']]);
    // the caller's next message is the RESULT of call 6, not anything from the canceled call 5
    expect(await nextMessage(caller)).toEqual([50, 6, {}, ['answer to 6']]);
    // skip mode, explicitly
    caller.send([48, 7, {}, 'com.example.cancelme', []]);
    const third = await nextInvocation(callee, registration);
    caller.send([49, 7, { mode: 'skip' }]);
    expect((await nextMessage(caller)).slice(0, 5)).toEqual([8, 48, 7, {}, 'wamp.error.canceled']);
    callee.send([8, 68, third[1], {}, 'com.example.error.late']);
    caller.send([48, 8, {}, 'com.example.cancelme', []]);
    const fourth = await nextInvocation(callee, registration);
    callee.send([70, fourth[1], {}]);
    expect(await nextMessage(caller)).toEqual([50, 8, {}]);
  });
});
