// Call canceling (advanced/rpc_call_canceling.md), the caller leaving during a call
// (basic/remote_procedure_call.md#rpc-caller-leaving) and call timeouts
// (advanced/rpc_call_timeout.md), with raw peers for exact wire checks and AutobahnJS / wampy
// over every serializer. Rules (our issue): CANCEL modes skip | kill | killnowait (default
// killnowait); INTERRUPT only to callees announcing call_canceling (or call_cancelling); for
// others kill/killnowait fall back to skip; the caller's ERROR is wamp.error.canceled; with kill
// the caller gets whatever the callee answers; results after a cancel are discarded.
// CALL.Options.timeout is enforced by the dealer unless the callee announced call_timeout AND
// registered with forward_timeout; on expiry ERROR wamp.error.timeout, and INTERRUPT killnowait
// only to cancel-capable callees; with progressive results the timeout restarts per result.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Wampy } from 'wampy';
import { startRouter, expectAllZero, eventually, type TestRouter } from '../helpers/router.js';
import { connectAutobahn, connectWampy, SERIALIZER_NAMES, type AutobahnClient, type SerializerName } from '../helpers/clients.js';
import { sleep, within, deferred, type Deferred } from '../helpers/async.js';
import { joinRaw, rejection, type RawSession } from '../helpers/raw-session.js';

type Dict = Record<string, unknown>;

// Message type codes (basic/messages.md, advanced/messages.md).
const ERROR = 8, CALL = 48, CANCEL = 49, RESULT = 50;
const INVOCATION = 68, INTERRUPT = 69, YIELD = 70;

const CANCELED = 'wamp.error.canceled';
const TIMEOUT = 'wamp.error.timeout';

type CancelMode = 'skip' | 'kill' | 'killnowait';

let t: TestRouter;
let closers: Array<() => Promise<unknown>> = [];

beforeEach(async () => {
  t = await startRouter();
});

afterEach(async () => {
  try {
    await Promise.all(closers.splice(0).map((close) => within(close(), 3000, 'closing a client').catch(() => undefined)));
    await expectAllZero(t.router);
  } finally {
    await t.router.close();
  }
});

// ── small helpers ───────────────────────────────────────────────────────────

// ── clients ─────────────────────────────────────────────────────────────────

interface TrackedAutobahn extends AutobahnClient {
  /** True once the connection closed (autobahn closes itself on an unexpected INTERRUPT). */
  isClosed(): boolean;
}

async function autobahn(serializer: SerializerName): Promise<TrackedAutobahn> {
  const client = await connectAutobahn(t.url, serializer);
  closers.push(() => client.close());
  let closed = false;
  void client.closed.then(() => (closed = true));
  return Object.assign(client, { isClosed: () => closed });
}

async function wampy(serializer: SerializerName): Promise<Wampy> {
  const client = await connectWampy(t.url, serializer);
  closers.push(() => client.disconnect());
  return client;
}

type Raw = RawSession;

function raw(roles?: Dict, serializer?: SerializerName): Promise<Raw> {
  return joinRaw(t.url, closers, roles, serializer);
}

const callerRoles = (features: Dict = {}): Dict => ({ caller: { features } });
const calleeRoles = (features: Dict = {}): Dict => ({ callee: { features } });
const CANCEL_CALLER = callerRoles({ call_canceling: true, progressive_call_results: true });
const CANCEL_CALLEE = calleeRoles({ call_canceling: true, progressive_call_results: true });

/** A call in flight from a raw caller to a raw callee; returns the INVOCATION id. */
async function inFlight(caller: Raw, callee: Raw, procedure: string, request: number, options: Dict = {}): Promise<number> {
  caller.send([CALL, request, options, procedure, ['work']]);
  const invocation = await callee.next();
  expect(invocation).toEqual([INVOCATION, expect.any(Number), expect.any(Number), expect.any(Object), ['work']]);
  return invocation[1] as number;
}

/** An autobahn callee whose handler holds every call until `release()`. */
async function holdingAutobahnCallee(serializer: SerializerName, procedure: string) {
  const callee = await autobahn(serializer);
  const started: number[] = [];
  const gates: Array<Deferred<void>> = [];
  await callee.session.register(procedure, async (args) => {
    const gate = deferred();
    gates.push(gate);
    started.push(args[0] as number);
    await gate.promise;
    return `late answer ${String(args[0])}`;
  });
  return {
    callee,
    started,
    release: () => {
      for (const gate of gates) gate.resolve();
    },
  };
}

type CancelablePromise = PromiseLike<unknown> & { cancel(options?: Dict): void };

// ═════════════════════════════════════════════════════════════════════════════
// CANCEL with a callee that announces call_canceling
// ═════════════════════════════════════════════════════════════════════════════

describe.each(SERIALIZER_NAMES)('CANCEL to a raw callee announcing call_canceling over %s', (serializer) => {
  it('skip: the caller gets ERROR wamp.error.canceled at once, the callee no INTERRUPT, and its late YIELD is discarded', async () => {
    const callee = await raw(CANCEL_CALLEE, serializer);
    const caller = await raw(CANCEL_CALLER, serializer);
    await callee.register('com.example.cancel_me');
    const id = await inFlight(caller, callee, 'com.example.cancel_me', 1);
    caller.send([CANCEL, 1, { mode: 'skip' }]);
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, CANCELED, [expect.any(String)]]);
    await callee.silence();
    callee.send([YIELD, id, {}, ['too late']]);
    await caller.silence();
    await callee.silence(50); // not aborted for answering a canceled invocation
    expect(t.router.stats().invocations).toBe(0);
  });

  it('killnowait: ERROR wamp.error.canceled to the caller at once and [INTERRUPT, id, {mode: "killnowait"}] to the callee; its answer is discarded', async () => {
    const callee = await raw(CANCEL_CALLEE, serializer);
    const caller = await raw(CANCEL_CALLER, serializer);
    await callee.register('com.example.cancel_me');
    const id = await inFlight(caller, callee, 'com.example.cancel_me', 1);
    caller.send([CANCEL, 1, { mode: 'killnowait' }]);
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, CANCELED, [expect.any(String)]]);
    // The spec defines Options.mode; the router adds a `reason` URI as Crossbar does.
    expect(await callee.next()).toEqual([INTERRUPT, id, { mode: 'killnowait', reason: CANCELED }]);
    callee.send([ERROR, INVOCATION, id, {}, CANCELED, ['interrupted']]);
    await caller.silence();
    expect(t.router.stats().invocations).toBe(0);
  });

  it('no mode: the default is killnowait', async () => {
    const callee = await raw(CANCEL_CALLEE, serializer);
    const caller = await raw(CANCEL_CALLER, serializer);
    await callee.register('com.example.cancel_me');
    const id = await inFlight(caller, callee, 'com.example.cancel_me', 1);
    caller.send([CANCEL, 1, {}]);
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, CANCELED, [expect.any(String)]]);
    expect(await callee.next()).toEqual([INTERRUPT, id, { mode: 'killnowait', reason: CANCELED }]);
    callee.send([YIELD, id, {}, ['discarded']]);
    await caller.silence();
  });

  it('kill: [INTERRUPT, id, {mode: "kill"}], no ERROR until the callee answers, then its ERROR is relayed unchanged', async () => {
    const callee = await raw(CANCEL_CALLEE, serializer);
    const caller = await raw(CANCEL_CALLER, serializer);
    await callee.register('com.example.cancel_me');
    const id = await inFlight(caller, callee, 'com.example.cancel_me', 1);
    caller.send([CANCEL, 1, { mode: 'kill' }]);
    expect(await callee.next()).toEqual([INTERRUPT, id, { mode: 'kill', reason: CANCELED }]);
    await caller.silence();
    expect(t.router.stats().invocations).toBe(1);
    callee.send([ERROR, INVOCATION, id, { stopped_at: 3 }, CANCELED, ['stopped'], { step: 3 }]);
    // The router relays URI and payload; the spec's CALL ERROR Details stay the dealer's ({}).
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, CANCELED, ['stopped'], { step: 3 }]);
    expect(t.router.stats().invocations).toBe(0);
  });

  it('kill: a callee that finishes before it handles the INTERRUPT answers with YIELD, and the caller gets that RESULT', async () => {
    const callee = await raw(CANCEL_CALLEE, serializer);
    const caller = await raw(CANCEL_CALLER, serializer);
    await callee.register('com.example.cancel_me');
    const id = await inFlight(caller, callee, 'com.example.cancel_me', 1);
    caller.send([CANCEL, 1, { mode: 'kill' }]);
    expect(await callee.next()).toEqual([INTERRUPT, id, { mode: 'kill', reason: CANCELED }]);
    callee.send([YIELD, id, {}, ['finished anyway']]);
    expect(await caller.next()).toEqual([RESULT, 1, {}, ['finished anyway']]);
    await caller.silence();
  });

  it('kill: a second CANCEL while the kill is pending sends no second INTERRUPT and no early ERROR', async () => {
    const callee = await raw(CANCEL_CALLEE, serializer);
    const caller = await raw(CANCEL_CALLER, serializer);
    await callee.register('com.example.cancel_me');
    const id = await inFlight(caller, callee, 'com.example.cancel_me', 1);
    caller.send([CANCEL, 1, { mode: 'kill' }]);
    expect(await callee.next()).toEqual([INTERRUPT, id, { mode: 'kill', reason: CANCELED }]);
    caller.send([CANCEL, 1, { mode: 'kill' }]);
    caller.send([CANCEL, 1, { mode: 'killnowait' }]);
    await callee.silence();
    await caller.silence(10);
    callee.send([ERROR, INVOCATION, id, {}, CANCELED]);
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, CANCELED]);
    await caller.silence();
  });

  it('a CANCEL for a call that already ended is ignored: no reply, no INTERRUPT, both sessions go on', async () => {
    const callee = await raw(CANCEL_CALLEE, serializer);
    const caller = await raw(CANCEL_CALLER, serializer);
    await callee.register('com.example.cancel_me');
    const id = await inFlight(caller, callee, 'com.example.cancel_me', 1);
    callee.send([YIELD, id, {}, ['done']]);
    expect(await caller.next()).toEqual([RESULT, 1, {}, ['done']]);
    caller.send([CANCEL, 1, { mode: 'kill' }]);
    caller.send([CANCEL, 99, {}]);
    await caller.silence();
    await callee.silence(10);
    const second = await inFlight(caller, callee, 'com.example.cancel_me', 2);
    callee.send([YIELD, second, {}, ['still fine']]);
    expect(await caller.next()).toEqual([RESULT, 2, {}, ['still fine']]);
  });

  it('a callee announcing the feature as call_cancelling gets the INTERRUPT too', async () => {
    const callee = await raw(calleeRoles({ call_cancelling: true }), serializer);
    const caller = await raw(CANCEL_CALLER, serializer);
    await callee.register('com.example.cancel_me');
    const id = await inFlight(caller, callee, 'com.example.cancel_me', 1);
    caller.send([CANCEL, 1, { mode: 'killnowait' }]);
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, CANCELED, [expect.any(String)]]);
    expect(await callee.next()).toEqual([INTERRUPT, id, { mode: 'killnowait', reason: CANCELED }]);
  });

  it('an autobahn caller canceling with mode kill gets the callee answer to the INTERRUPT', async () => {
    const callee = await raw(CANCEL_CALLEE, serializer);
    await callee.register('com.example.cancel_me');
    const caller = await autobahn(serializer);
    const call = caller.session.call('com.example.cancel_me', ['work']) as unknown as CancelablePromise;
    const invocation = await callee.next();
    call.cancel({ mode: 'kill' });
    expect(await callee.next()).toEqual([INTERRUPT, invocation[1], { mode: 'kill', reason: CANCELED }]);
    callee.send([ERROR, INVOCATION, invocation[1], {}, CANCELED, ['killed by request']]);
    const error = await rejection(call);
    expect({ error: error.error, args: error.args }).toEqual({ error: CANCELED, args: ['killed by request'] });
    expect(caller.isClosed()).toBe(false);
  });

  it('a wampy caller canceling with each mode gets wamp.error.canceled', async () => {
    const callee = await raw(CANCEL_CALLEE, serializer);
    await callee.register('com.example.cancel_me');
    const caller = await wampy(serializer);
    for (const mode of ['skip', 'killnowait', 'kill'] as CancelMode[]) {
      const call = caller.call('com.example.cancel_me', ['work']);
      const requestId = caller.getOpStatus().reqId;
      const invocation = await callee.next();
      caller.cancel(requestId, { mode });
      if (mode !== 'skip') expect(await callee.next()).toEqual([INTERRUPT, invocation[1], { mode, reason: CANCELED }]);
      if (mode === 'kill') callee.send([ERROR, INVOCATION, invocation[1], {}, CANCELED, ['ok, stopped']]);
      const error = await rejection(call);
      expect(error.errorUri).toBe(CANCELED);
      await callee.silence(mode === 'skip' ? 150 : 10);
    }
  });
});

// ═════════════════════════════════════════════════════════════════════════════
// CANCEL with callees that do not announce call_canceling: always skip
// ═════════════════════════════════════════════════════════════════════════════

describe.each(SERIALIZER_NAMES)('CANCEL to an AutobahnJS callee (no call_canceling) over %s', (serializer) => {
  for (const mode of ['skip', 'kill', 'killnowait', undefined] as Array<CancelMode | undefined>) {
    it(`mode ${mode ?? '(default)'}: the wampy caller gets wamp.error.canceled, the autobahn callee never an INTERRUPT and keeps its session`, async () => {
      const { callee, started, release } = await holdingAutobahnCallee(serializer, 'com.example.slow');
      const caller = await wampy(serializer);
      const call = caller.call('com.example.slow', [1]);
      const requestId = caller.getOpStatus().reqId;
      expect(await eventually(() => started.length === 1)).toBe(true);
      caller.cancel(requestId, mode === undefined ? undefined : { mode });
      // kill falls back to skip: the caller does not wait for the callee.
      const error = await rejection(call, 1000);
      expect(error.errorUri).toBe(CANCELED);
      expect(t.router.stats().invocations).toBe(0);
      // An INTERRUPT would make autobahn fail its transport ("unexpected message type 69").
      await sleep(150);
      expect(callee.isClosed()).toBe(false);
      expect(callee.session.isOpen).toBe(true);
      // Its late answer is discarded; the callee keeps serving.
      release();
      await sleep(50);
      expect(callee.isClosed()).toBe(false);
      const again = caller.call('com.example.slow', [2]);
      expect(await eventually(() => started.length === 2)).toBe(true);
      release();
      expect((await within(again, 2000, 'second call')).argsList).toEqual(['late answer 2']);
    });
  }

  it('raw caller, mode kill: the ERROR comes at once as [ERROR, CALL, id, {}, "wamp.error.canceled", [text]]', async () => {
    const { callee, started, release } = await holdingAutobahnCallee(serializer, 'com.example.slow');
    const caller = await raw(CANCEL_CALLER, serializer);
    caller.send([CALL, 1, {}, 'com.example.slow', [7]]);
    expect(await eventually(() => started.length === 1)).toBe(true);
    caller.send([CANCEL, 1, { mode: 'kill' }]);
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, CANCELED, [expect.any(String)]]);
    release();
    await caller.silence();
    expect(callee.isClosed()).toBe(false);
  });

  it('an autobahn caller canceling with mode kill gets wamp.error.canceled without waiting for the callee', async () => {
    const { callee, started, release } = await holdingAutobahnCallee(serializer, 'com.example.slow');
    const caller = await autobahn(serializer);
    const call = caller.session.call('com.example.slow', [3]) as unknown as CancelablePromise;
    expect(await eventually(() => started.length === 1)).toBe(true);
    call.cancel({ mode: 'kill' });
    const error = await rejection(call, 1000);
    expect(error.error).toBe(CANCELED);
    release();
    await sleep(100);
    expect(callee.isClosed()).toBe(false);
    expect(caller.isClosed()).toBe(false);
  });
});

describe.each(SERIALIZER_NAMES)('CANCEL to a wampy callee (no call_canceling, no INTERRUPT handler) over %s', (serializer) => {
  it('mode kill falls back to skip: the caller gets wamp.error.canceled and wampy keeps its session', async () => {
    const callee = await wampy(serializer);
    const gate = deferred();
    let started = 0;
    await callee.register('com.example.wampy_slow', async () => {
      started++;
      await gate.promise;
      return { argsList: ['late'] };
    });
    const caller = await raw(CANCEL_CALLER, serializer);
    caller.send([CALL, 1, {}, 'com.example.wampy_slow']);
    expect(await eventually(() => started === 1)).toBe(true);
    caller.send([CANCEL, 1, { mode: 'kill' }]);
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, CANCELED, [expect.any(String)]]);
    gate.resolve();
    await caller.silence();
    expect(callee.getSessionId()).not.toBeNull();
    caller.send([CALL, 2, {}, 'com.example.wampy_slow']);
    expect(await caller.next()).toEqual([RESULT, 2, {}, ['late']]);
  });
});

// ═════════════════════════════════════════════════════════════════════════════
// The caller leaving
// ═════════════════════════════════════════════════════════════════════════════

describe.each(SERIALIZER_NAMES)('the caller leaving during a call over %s', (serializer) => {
  it('a call_canceling callee gets [INTERRUPT, id, {mode: "killnowait"}]; its later YIELD is discarded', async () => {
    const callee = await raw(CANCEL_CALLEE, serializer);
    await callee.register('com.example.orphaned');
    const caller = await autobahn(serializer);
    void caller.session.call('com.example.orphaned', ['work']);
    const invocation = await callee.next();
    await caller.close();
    expect(await callee.next()).toEqual([INTERRUPT, invocation[1], { mode: 'killnowait', reason: CANCELED }]);
    callee.send([YIELD, invocation[1], {}, ['nobody']]);
    await callee.silence();
    expect(t.router.stats()).toMatchObject({ invocations: 0, registrations: 1 });
  });

  it('an AutobahnJS callee gets no INTERRUPT and keeps its session', async () => {
    const { callee, started, release } = await holdingAutobahnCallee(serializer, 'com.example.orphaned');
    const caller = await autobahn(serializer);
    void Promise.resolve(caller.session.call('com.example.orphaned', [1])).catch(() => undefined);
    expect(await eventually(() => started.length === 1)).toBe(true);
    await caller.close();
    await eventually(() => t.router.stats().invocations === 0);
    expect(t.router.stats().invocations).toBe(0);
    await sleep(100);
    release();
    await sleep(100);
    expect(callee.isClosed()).toBe(false);
    expect(callee.session.isOpen).toBe(true);
  });

  it('a callee without call_canceling gets nothing at all', async () => {
    const callee = await raw(calleeRoles({ progressive_call_results: true }), serializer);
    await callee.register('com.example.orphaned');
    const caller = await raw(CANCEL_CALLER, serializer);
    caller.send([CALL, 1, {}, 'com.example.orphaned', ['work']]);
    const invocation = await callee.next();
    await caller.peer.close();
    await callee.silence();
    callee.send([YIELD, invocation[1], {}, ['nobody']]);
    await callee.silence(50);
  });
});

// ═════════════════════════════════════════════════════════════════════════════
// Call timeouts
// ═════════════════════════════════════════════════════════════════════════════

describe.each(SERIALIZER_NAMES)('call timeouts with client libraries over %s', (serializer) => {
  it('autobahn caller, timeout 150: ERROR wamp.error.timeout after ~150 ms; the autobahn callee gets no INTERRUPT; its late result is discarded', async () => {
    const { callee, started, release } = await holdingAutobahnCallee(serializer, 'com.example.sleepy');
    const caller = await autobahn(serializer);
    const began = Date.now();
    const call = caller.session.call('com.example.sleepy', [1], {}, { timeout: 150 });
    expect(await eventually(() => started.length === 1)).toBe(true);
    expect(t.router.stats().timers).toBe(1);
    const error = await rejection(call, 3000);
    const elapsed = Date.now() - began;
    expect({ error: error.error, args: error.args }).toEqual({ error: TIMEOUT, args: [expect.any(String)] });
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1500);
    expect(t.router.stats()).toMatchObject({ invocations: 0, timers: 0 });
    release();
    await sleep(100);
    expect(callee.isClosed()).toBe(false);
    expect(caller.isClosed()).toBe(false);
  });

  it('wampy caller, timeout 150: CallError wamp.error.timeout', async () => {
    const { release } = await holdingAutobahnCallee(serializer, 'com.example.sleepy');
    const caller = await wampy(serializer);
    const began = Date.now();
    const error = await rejection(caller.call('com.example.sleepy', [1], { timeout: 150 }), 3000);
    expect(error.errorUri).toBe(TIMEOUT);
    expect(Date.now() - began).toBeGreaterThanOrEqual(140);
    release();
  });

  it('a call answered before its timeout succeeds and leaves no timer behind', async () => {
    const callee = await autobahn(serializer);
    await callee.session.register('com.example.quick', () => 'quick');
    const caller = await autobahn(serializer);
    expect(await caller.session.call('com.example.quick', [], {}, { timeout: 500 })).toBe('quick');
    expect(t.router.stats().timers).toBe(0);
  });

  it('with progressive results the timeout bounds the wait for each next result, not the whole call', async () => {
    const callee = await autobahn(serializer);
    await callee.session.register('com.example.ticker', async (_args, _kwargs, details) => {
      const progress = details.progress as (args: unknown[]) => void;
      for (let i = 1; i <= 4; i++) {
        await sleep(120);
        progress([i]);
      }
      await sleep(120);
      return 'finished';
    });
    const caller = await autobahn(serializer);
    const progress: unknown[] = [];
    const pending = caller.session.call('com.example.ticker', [], {}, { receive_progress: true, timeout: 300 }) as unknown as {
      then(a: (v: unknown) => unknown, b: (e: unknown) => unknown, c: (p: unknown) => void): PromiseLike<unknown>;
    };
    const result = Promise.resolve(
      pending.then(
        (value) => value,
        (error) => {
          throw error;
        },
        (value) => void progress.push(value),
      ),
    );
    // 600 ms in total, never more than ~120 ms between results: no timeout.
    expect(await within(result, 3000, 'ticker')).toBe('finished');
    expect(progress).toEqual([1, 2, 3, 4]);
  });
});

describe.each(SERIALIZER_NAMES)('call timeouts on the wire over %s', (serializer) => {
  it('dealer timeout, call_canceling callee: [INTERRUPT, id, {mode: "killnowait"}] and [ERROR, CALL, id, {}, "wamp.error.timeout", [text]]', async () => {
    const callee = await raw(CANCEL_CALLEE, serializer);
    const caller = await raw(CANCEL_CALLER, serializer);
    const registration = await callee.register('com.example.sleepy');
    caller.send([CALL, 1, { timeout: 100 }, 'com.example.sleepy', ['work']]);
    // Not forwarded: the callee did not ask for it.
    const invocation = await callee.next();
    expect(invocation).toEqual([INVOCATION, expect.any(Number), registration, {}, ['work']]);
    const id = invocation[1];
    expect(await caller.next(1000)).toEqual([ERROR, CALL, 1, {}, TIMEOUT, [expect.any(String)]]);
    expect(await callee.next()).toEqual([INTERRUPT, id, { mode: 'killnowait', reason: TIMEOUT }]);
    callee.send([YIELD, id, {}, ['too late']]);
    await caller.silence();
    expect(t.router.stats()).toMatchObject({ invocations: 0, timers: 0 });
  });

  it('dealer timeout, callee without call_canceling: ERROR wamp.error.timeout to the caller, nothing to the callee', async () => {
    const callee = await raw(calleeRoles({ progressive_call_results: true }), serializer);
    const caller = await raw(CANCEL_CALLER, serializer);
    await callee.register('com.example.sleepy');
    caller.send([CALL, 1, { timeout: 100 }, 'com.example.sleepy', ['work']]);
    const invocation = await callee.next();
    expect(invocation[3]).toEqual({});
    expect(await caller.next(1000)).toEqual([ERROR, CALL, 1, {}, TIMEOUT, [expect.any(String)]]);
    await callee.silence();
    callee.send([YIELD, invocation[1], {}, ['too late']]);
    await caller.silence();
  });

  it('callee announcing call_timeout and registering with forward_timeout: INVOCATION.Details.timeout, no dealer timer, the callee times out', async () => {
    const callee = await raw(calleeRoles({ call_timeout: true, call_canceling: true }), serializer);
    const caller = await raw(CANCEL_CALLER, serializer);
    const registration = await callee.register('com.example.self_timed', { forward_timeout: true });
    caller.send([CALL, 1, { timeout: 100 }, 'com.example.self_timed', ['work']]);
    const invocation = await callee.next();
    expect(invocation).toEqual([INVOCATION, expect.any(Number), registration, { timeout: 100 }, ['work']]);
    expect(t.router.stats().timers).toBe(0);
    await caller.silence(300); // well past 100 ms: the dealer does not time it out
    await callee.silence(10);
    callee.send([ERROR, INVOCATION, invocation[1], {}, TIMEOUT, ['callee gave up']]);
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, TIMEOUT, ['callee gave up']]);
  });

  it('callee announcing call_timeout without forward_timeout: the dealer times out and forwards nothing', async () => {
    const callee = await raw(calleeRoles({ call_timeout: true, call_canceling: true }), serializer);
    const caller = await raw(CANCEL_CALLER, serializer);
    await callee.register('com.example.dealer_timed');
    caller.send([CALL, 1, { timeout: 100 }, 'com.example.dealer_timed', ['work']]);
    const invocation = await callee.next();
    expect(invocation[3]).toEqual({});
    expect(await caller.next(1000)).toEqual([ERROR, CALL, 1, {}, TIMEOUT, [expect.any(String)]]);
    expect(await callee.next()).toEqual([INTERRUPT, invocation[1], { mode: 'killnowait', reason: TIMEOUT }]);
  });

  it('forward_timeout from a callee that did not announce call_timeout: the dealer times out and forwards nothing', async () => {
    const callee = await raw(CANCEL_CALLEE, serializer);
    const caller = await raw(CANCEL_CALLER, serializer);
    await callee.register('com.example.dealer_timed', { forward_timeout: true });
    caller.send([CALL, 1, { timeout: 100 }, 'com.example.dealer_timed', ['work']]);
    const invocation = await callee.next();
    expect(invocation[3]).toEqual({});
    expect(await caller.next(1000)).toEqual([ERROR, CALL, 1, {}, TIMEOUT, [expect.any(String)]]);
    expect(await callee.next()).toEqual([INTERRUPT, invocation[1], { mode: 'killnowait', reason: TIMEOUT }]);
  });

  it('timeout 0 means no timeout: no timer, the call waits', async () => {
    const callee = await raw(CANCEL_CALLEE, serializer);
    const caller = await raw(CANCEL_CALLER, serializer);
    await callee.register('com.example.patient');
    caller.send([CALL, 1, { timeout: 0 }, 'com.example.patient', ['work']]);
    const invocation = await callee.next();
    expect(invocation[3]).toEqual({});
    expect(t.router.stats().timers).toBe(0);
    await caller.silence(200);
    callee.send([YIELD, invocation[1], {}, ['eventually']]);
    expect(await caller.next()).toEqual([RESULT, 1, {}, ['eventually']]);
  });

  it('with progressive results each result restarts the timeout; a gap longer than it times the call out after the results so far', async () => {
    const callee = await raw(CANCEL_CALLEE, serializer);
    const caller = await raw(CANCEL_CALLER, serializer);
    await callee.register('com.example.stream');
    caller.send([CALL, 1, { receive_progress: true, timeout: 300 }, 'com.example.stream']);
    const invocation = await callee.next();
    expect(invocation[3]).toEqual({ receive_progress: true });
    const id = invocation[1];
    const began = Date.now();
    for (let i = 1; i <= 4; i++) {
      await sleep(120);
      callee.send([YIELD, id, { progress: true }, [i]]);
      expect(await caller.next()).toEqual([RESULT, 1, { progress: true }, [i]]);
    }
    const lastResult = Date.now();
    expect(lastResult - began).toBeGreaterThan(300); // longer than the timeout in total
    // Now silence: the timeout counts from the last result.
    expect(await caller.next(2000)).toEqual([ERROR, CALL, 1, {}, TIMEOUT, [expect.any(String)]]);
    expect(Date.now() - lastResult).toBeGreaterThanOrEqual(280);
    expect(await callee.next()).toEqual([INTERRUPT, id, { mode: 'killnowait', reason: TIMEOUT }]);
    expect(t.router.stats()).toMatchObject({ invocations: 0, timers: 0 });
  });

  it('a CANCEL before the timeout stops the timer', async () => {
    const callee = await raw(CANCEL_CALLEE, serializer);
    const caller = await raw(CANCEL_CALLER, serializer);
    await callee.register('com.example.sleepy');
    const id = await inFlight(caller, callee, 'com.example.sleepy', 1, { timeout: 200 });
    expect(t.router.stats().timers).toBe(1);
    caller.send([CANCEL, 1, { mode: 'skip' }]);
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, CANCELED, [expect.any(String)]]);
    expect(t.router.stats().timers).toBe(0);
    await caller.silence(300); // no late wamp.error.timeout
    await callee.silence(10);
    callee.send([YIELD, id, {}, ['ignored']]);
  });
});

describe('AutobahnJS callee and forward_timeout', () => {
  it('autobahn does not announce call_timeout: forward_timeout is ignored and the dealer times the call out', async () => {
    const callee = await autobahn('json');
    const gate = deferred();
    let details: Dict = {};
    await callee.session.register(
      'com.example.ab_forward',
      async (_args, _kwargs, d) => {
        details = d;
        await gate.promise;
        return 'late';
      },
      { forward_timeout: true },
    );
    const caller = await autobahn('json');
    const error = await rejection(caller.session.call('com.example.ab_forward', [], {}, { timeout: 100 }), 3000);
    expect(error.error).toBe(TIMEOUT);
    expect(details).toBeInstanceOf(Object);
    gate.resolve();
    await sleep(50);
    expect(callee.isClosed()).toBe(false);
  });
});
