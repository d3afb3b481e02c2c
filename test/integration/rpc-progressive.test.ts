// Progressive call results (advanced/rpc_progressive_call_results.md) and progressive call
// invocations (advanced/rpc_progressive_call_invocations.md), with AutobahnJS and wampy over
// every serializer where the client supports the feature, and raw peers for exact wire checks.
// Rules (our issue): receive_progress goes to callees that announce progressive_call_results
// (even without call_canceling, as Crossbar does); each progress YIELD becomes a progress RESULT
// at once; exactly one final RESULT or ERROR; progress for a caller that did not ask is dropped.
// CALL chunks reuse the request id, go to the same callee under the same INVOCATION id, the
// first chunk's options are frozen, late chunks are discarded; a caller that did not announce
// the feature is aborted, a callee that lacks it (or call_canceling) → feature_not_supported.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Wampy } from 'wampy';
import { JsonSerializer } from 'wampy/JsonSerializer.js';
import { MsgpackSerializer } from 'wampy/MsgpackSerializer.js';
import { CborSerializer } from 'wampy/CborSerializer.js';
import WebSocket from 'ws';
import { startRouter, expectAllZero, eventually, type TestRouter } from '../helpers/router.js';
import { ab, connectAutobahn, connectWampy, SERIALIZER_NAMES, type AutobahnClient, type AutobahnSession, type SerializerName } from '../helpers/clients.js';
import { sleep, within, deferred } from '../helpers/async.js';
import { joinRaw, norm, rejection, type RawSession } from '../helpers/raw-session.js';

type Dict = Record<string, unknown>;

// Message type codes (basic/messages.md, advanced/messages.md).
const ABORT = 3, ERROR = 8, CALL = 48, CANCEL = 49, RESULT = 50;
const INVOCATION = 68, INTERRUPT = 69, YIELD = 70;

const CANCELED = 'wamp.error.canceled';
const FEATURE_NOT_SUPPORTED = 'wamp.error.feature_not_supported';
const PROTOCOL_VIOLATION = 'wamp.error.protocol_violation';

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

async function autobahn(serializer: SerializerName): Promise<AutobahnClient> {
  const client = await connectAutobahn(t.url, serializer);
  closers.push(() => client.close());
  return client;
}

async function wampy(serializer: SerializerName): Promise<Wampy> {
  const client = await connectWampy(t.url, serializer);
  closers.push(() => client.disconnect());
  return client;
}

function wampySerializer(name: SerializerName): unknown {
  if (name === 'json') return new JsonSerializer();
  return name === 'msgpack' ? new MsgpackSerializer() : new CborSerializer();
}

/**
 * A wampy client whose HELLO also announces caller.progressive_call_invocations (wampy 8.0.2
 * implements progressiveCall() but forgets to announce the feature). `errors` collects what
 * wampy reports through onError (e.g. an ABORT).
 */
async function wampyStreaming(serializer: SerializerName, announce: boolean, errors: unknown[] = []): Promise<Wampy> {
  const client = new Wampy(t.url, {
    realm: 'realm1',
    ws: WebSocket,
    serializer: wampySerializer(serializer),
    autoReconnect: false,
    onError: (error: unknown) => {
      errors.push(error);
    },
  } as unknown as ConstructorParameters<typeof Wampy>[1]);
  if (announce) {
    const features = (client as unknown as { _wamp_features: { roles: { caller: { features: Dict } } } })._wamp_features;
    features.roles.caller.features.progressive_call_invocations = true;
  }
  await client.connect();
  closers.push(() => client.disconnect());
  return client;
}

type Raw = RawSession;

function raw(roles?: Dict, serializer?: SerializerName): Promise<Raw> {
  return joinRaw(t.url, closers, roles, serializer);
}

const callerRoles = (features: Dict = {}): Dict => ({ caller: { features } });
const calleeRoles = (features: Dict = {}): Dict => ({ callee: { features } });

// ── autobahn progressive calls ──────────────────────────────────────────────

/** autobahn 26 delivers progressive results through when.js notify: then()'s third callback. */
interface WhenPromise {
  then(onFulfilled: (value: unknown) => unknown, onRejected: (error: unknown) => unknown, onProgress: (value: unknown) => void): PromiseLike<unknown>;
}

function callWithProgress(session: AutobahnSession, procedure: string, args: unknown[] = [], options: Dict = {}): { progress: unknown[]; result: Promise<unknown> } {
  const progress: unknown[] = [];
  const pending = session.call(procedure, args, {}, { ...options, receive_progress: true }) as unknown as WhenPromise;
  const result = Promise.resolve(
    pending.then(
      (value) => value,
      (error) => {
        throw error;
      },
      (value) => {
        progress.push(value);
      },
    ),
  );
  return { progress, result };
}

type ProgressFn = (args?: unknown[], kwargs?: Dict) => void;

// ═════════════════════════════════════════════════════════════════════════════
// Progressive call results with real clients
// ═════════════════════════════════════════════════════════════════════════════

describe.each(SERIALIZER_NAMES)('progressive call results with client libraries over %s', (serializer) => {
  it('autobahn caller ← autobahn callee: each progress arrives at once as a progressive RESULT, then one final RESULT', async () => {
    const callee = await autobahn(serializer);
    const caller = await autobahn(serializer);
    let seen: { progress: unknown[] } = { progress: [] };
    let hadProgressFn = false;
    await callee.session.register('com.example.count', async (args, _kwargs, details) => {
      const progress = details.progress as ProgressFn | null;
      hadProgressFn = typeof progress === 'function';
      if (progress === null) return 'no progress function';
      const upTo = args[0] as number;
      for (let i = 1; i <= upTo; i++) {
        progress([i]);
        // The next result is produced only once the caller saw this one: the dealer must not
        // hold progressive results back until the final one.
        expect(await eventually(() => seen.progress.length === i, 2000)).toBe(true);
      }
      return `counted to ${upTo}`;
    });
    const call = callWithProgress(caller.session, 'com.example.count', [3]);
    seen = call;
    expect(await within(call.result, 5000, 'final result')).toBe('counted to 3');
    expect(hadProgressFn).toBe(true);
    expect(seen.progress).toEqual([1, 2, 3]);
  });

  it('wampy caller ← autobahn callee: progress_callback gets RESULT.Details.progress, the promise the final result', async () => {
    const callee = await autobahn(serializer);
    const caller = await wampy(serializer);
    await callee.session.register('com.example.stream', (args, _kwargs, details) => {
      const progress = details.progress as ProgressFn;
      progress(['chunk', 1]);
      progress([], { chunk: 2 });
      return new ab.Result(['done'], { chunks: 2 });
    });
    const progress: unknown[] = [];
    const result = await caller.call('com.example.stream', ['go'], {
      progress_callback: (data) => {
        progress.push({ details: data.details, argsList: data.argsList, argsDict: data.argsDict });
      },
    });
    expect(norm(progress)).toEqual([
      { details: { progress: true }, argsList: ['chunk', 1], argsDict: undefined },
      { details: { progress: true }, argsList: [], argsDict: { chunk: 2 } },
    ]);
    expect(norm({ details: result.details, argsList: result.argsList, argsDict: result.argsDict })).toEqual({
      details: {},
      argsList: ['done'],
      argsDict: { chunks: 2 },
    });
  });

  it('autobahn caller ← wampy callee: wampy does not announce progressive_call_results, so no receive_progress and its progress YIELDs are dropped', async () => {
    const callee = await wampy(serializer);
    const caller = await autobahn(serializer);
    const invocationDetails: Dict[] = [];
    await callee.register('com.example.wampy_stream', ({ details, result_handler }) => {
      invocationDetails.push(details);
      result_handler({ argsList: ['partial'], options: { progress: true } });
      return { argsList: ['final'] };
    });
    const { progress, result } = callWithProgress(caller.session, 'com.example.wampy_stream');
    expect(await within(result, 5000, 'final result')).toBe('final');
    await sleep(50);
    expect(progress).toEqual([]);
    expect(invocationDetails).toHaveLength(1);
    expect(invocationDetails[0].receive_progress).toBeUndefined();
  });

  it('a caller that did not ask for progress: the autobahn callee gets no progress function and the caller one RESULT', async () => {
    const callee = await autobahn(serializer);
    const caller = await autobahn(serializer);
    let progressFn: unknown = 'not called';
    await callee.session.register('com.example.quiet', (_args, _kwargs, details) => {
      progressFn = details.progress;
      return 'only result';
    });
    expect(await caller.session.call('com.example.quiet')).toBe('only result');
    expect(progressFn).toBeNull();
  });

  it('a final ERROR after progress results reaches the caller unchanged, after the progress results', async () => {
    const callee = await autobahn(serializer);
    const caller = await autobahn(serializer);
    await callee.session.register('com.example.fails_late', (_args, _kwargs, details) => {
      const progress = details.progress as ProgressFn;
      progress(['one']);
      progress(['two']);
      throw new ab.Error('com.example.failed_late', ['gave up'], { after: 2 });
    });
    const { progress, result } = callWithProgress(caller.session, 'com.example.fails_late');
    const error = await rejection(result);
    expect({ error: error.error, args: error.args, kwargs: error.kwargs }).toEqual({
      error: 'com.example.failed_late',
      args: ['gave up'],
      kwargs: { after: 2 },
    });
    expect(progress).toEqual(['one', 'two']);
  });

  it('the callee disconnecting mid-stream: the autobahn caller gets wamp.error.canceled after the progress results it got', async () => {
    const callee = await autobahn(serializer);
    const caller = await autobahn(serializer);
    await callee.session.register('com.example.dies', (_args, _kwargs, details) => {
      const progress = details.progress as ProgressFn;
      progress([10]);
      progress([20]);
      return new Promise(() => undefined); // never answers
    });
    const { progress, result } = callWithProgress(caller.session, 'com.example.dies');
    Promise.resolve(result).catch(() => undefined); // the rejection is awaited below, after the callee leaves
    expect(await eventually(() => progress.length === 2)).toBe(true);
    await callee.close();
    const error = await rejection(result);
    expect(error.error).toBe(CANCELED);
    expect(error.args).toEqual([expect.any(String)]);
    expect(progress).toEqual([10, 20]);
  });

  it('the callee disconnecting mid-stream: the wampy caller gets wamp.error.canceled after the progress results it got', async () => {
    const callee = await autobahn(serializer);
    const caller = await wampy(serializer);
    await callee.session.register('com.example.dies_too', (_args, _kwargs, details) => {
      (details.progress as ProgressFn)(['first']);
      return new Promise(() => undefined);
    });
    const progress: unknown[] = [];
    const result = caller.call('com.example.dies_too', [], { progress_callback: (data) => void progress.push(data.argsList) });
    result.catch(() => undefined); // the rejection is awaited below, after the callee leaves
    expect(await eventually(() => progress.length === 1)).toBe(true);
    await callee.close();
    const error = await rejection(result);
    expect(error.errorUri).toBe(CANCELED);
    expect(progress).toEqual([['first']]);
  });
});

// ═════════════════════════════════════════════════════════════════════════════
// Progressive call results on the wire
// ═════════════════════════════════════════════════════════════════════════════

describe.each(SERIALIZER_NAMES)('progressive call results on the wire over %s', (serializer) => {
  it('YIELD{progress} → RESULT{progress} one for one and at once; the final YIELD → one final RESULT; later YIELDs are dropped', async () => {
    const callee = await raw(calleeRoles({ progressive_call_results: true, call_canceling: true }), serializer);
    const caller = await raw(callerRoles({ progressive_call_results: true }), serializer);
    const registration = await callee.register('com.myapp.compute_revenue');
    caller.send([CALL, 1, { receive_progress: true }, 'com.myapp.compute_revenue', [2010, 2011, 2012]]);
    const invocation = await callee.next();
    expect(invocation).toEqual([INVOCATION, expect.any(Number), registration, { receive_progress: true }, [2010, 2011, 2012]]);
    const id = invocation[1];

    // Each progressive RESULT is sent before the callee sends anything more.
    callee.send([YIELD, id, { progress: true }, ['Y2010', 120]]);
    expect(await caller.next()).toEqual([RESULT, 1, { progress: true }, ['Y2010', 120]]);
    callee.send([YIELD, id, { progress: true }, [], { foo: 10, bar: 'partial 1' }]);
    expect(await caller.next()).toEqual([RESULT, 1, { progress: true }, [], { foo: 10, bar: 'partial 1' }]);
    callee.send([YIELD, id, { progress: true }]);
    expect(await caller.next()).toEqual([RESULT, 1, { progress: true }]);
    callee.send([YIELD, id, {}, ['Total', 490]]);
    expect(await caller.next()).toEqual([RESULT, 1, {}, ['Total', 490]]);

    // The call is over: a late progress YIELD and a second final YIELD are dropped silently.
    callee.send([YIELD, id, { progress: true }, ['late']]);
    callee.send([YIELD, id, {}, ['late final']]);
    await caller.silence();
    await callee.silence(); // no ABORT for the callee either
    expect(t.router.stats().invocations).toBe(0);

    // Both sessions go on.
    caller.send([CALL, 2, {}, 'com.myapp.compute_revenue', [2013]]);
    const second = await callee.next();
    expect(second).toEqual([INVOCATION, expect.any(Number), registration, {}, [2013]]);
    callee.send([YIELD, second[1], {}, ['ok']]);
    expect(await caller.next()).toEqual([RESULT, 2, {}, ['ok']]);
  });

  it('an empty final YIELD after the results came as progress gives an empty final RESULT', async () => {
    const callee = await raw(calleeRoles({ progressive_call_results: true, call_canceling: true }), serializer);
    const caller = await raw(callerRoles({ progressive_call_results: true }), serializer);
    await callee.register('com.example.all_in_progress');
    caller.send([CALL, 1, { receive_progress: true }, 'com.example.all_in_progress']);
    const [, id] = await callee.next();
    callee.send([YIELD, id, { progress: true }, ['a']]);
    callee.send([YIELD, id, { progress: true }, ['b']]);
    callee.send([YIELD, id, {}]);
    expect(await caller.next()).toEqual([RESULT, 1, { progress: true }, ['a']]);
    expect(await caller.next()).toEqual([RESULT, 1, { progress: true }, ['b']]);
    expect(await caller.next()).toEqual([RESULT, 1, {}]);
    await caller.silence();
  });

  it('receive_progress is forwarded to a callee that announces progressive_call_results without call_canceling (as AutobahnJS does)', async () => {
    const callee = await raw(calleeRoles({ progressive_call_results: true }), serializer);
    const caller = await raw(callerRoles({ progressive_call_results: true }), serializer);
    const registration = await callee.register('com.example.autobahn_like');
    caller.send([CALL, 1, { receive_progress: true }, 'com.example.autobahn_like']);
    const invocation = await callee.next();
    expect(invocation).toEqual([INVOCATION, expect.any(Number), registration, { receive_progress: true }]);
    callee.send([YIELD, invocation[1], { progress: true }, [1]]);
    expect(await caller.next()).toEqual([RESULT, 1, { progress: true }, [1]]);
    callee.send([YIELD, invocation[1], {}, [2]]);
    expect(await caller.next()).toEqual([RESULT, 1, {}, [2]]);
  });

  it('receive_progress is not forwarded to a callee without progressive_call_results; its progress YIELDs are dropped, the final one completes', async () => {
    const callee = await raw(calleeRoles({ call_canceling: true }), serializer);
    const caller = await raw(callerRoles({ progressive_call_results: true }), serializer);
    const registration = await callee.register('com.example.plain_callee');
    caller.send([CALL, 1, { receive_progress: true }, 'com.example.plain_callee', ['x']]);
    const invocation = await callee.next();
    expect(invocation).toEqual([INVOCATION, expect.any(Number), registration, {}, ['x']]);
    callee.send([YIELD, invocation[1], { progress: true }, ['unasked']]);
    callee.send([YIELD, invocation[1], {}, ['final']]);
    expect(await caller.next()).toEqual([RESULT, 1, {}, ['final']]);
    await caller.silence();
  });

  it('a caller that did not set receive_progress: no receive_progress in the INVOCATION, progress YIELDs dropped, exactly one RESULT', async () => {
    const callee = await raw(calleeRoles({ progressive_call_results: true, call_canceling: true }), serializer);
    const caller = await raw(callerRoles({ progressive_call_results: true }), serializer);
    const registration = await callee.register('com.example.not_asked');
    caller.send([CALL, 1, {}, 'com.example.not_asked']);
    const invocation = await callee.next();
    expect(invocation).toEqual([INVOCATION, expect.any(Number), registration, {}]);
    callee.send([YIELD, invocation[1], { progress: true }, ['p1']]);
    callee.send([YIELD, invocation[1], { progress: true }, ['p2']]);
    await caller.silence(100);
    expect(t.router.stats().invocations).toBe(1); // dropped progress does not end the call
    callee.send([YIELD, invocation[1], {}, ['the result']]);
    expect(await caller.next()).toEqual([RESULT, 1, {}, ['the result']]);
    await caller.silence();
  });

  it('the callee leaving mid-stream: [ERROR, CALL, id, {}, "wamp.error.canceled", [text]] after the progress results', async () => {
    const callee = await raw(calleeRoles({ progressive_call_results: true, call_canceling: true }), serializer);
    const caller = await raw(callerRoles({ progressive_call_results: true }), serializer);
    await callee.register('com.example.callee_leaves');
    caller.send([CALL, 1, { receive_progress: true }, 'com.example.callee_leaves']);
    const [, id] = await callee.next();
    callee.send([YIELD, id, { progress: true }, ['Y2010', 120]]);
    expect(await caller.next()).toEqual([RESULT, 1, { progress: true }, ['Y2010', 120]]);
    await callee.peer.close();
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, CANCELED, [expect.any(String)]]);
    await caller.silence();
  });

  it('the caller leaving mid-stream: a call_canceling callee gets [INTERRUPT, id, {mode: "killnowait"}] and its later YIELDs are dropped', async () => {
    const callee = await raw(calleeRoles({ progressive_call_results: true, call_canceling: true }), serializer);
    const caller = await raw(callerRoles({ progressive_call_results: true }), serializer);
    const registration = await callee.register('com.example.caller_leaves');
    caller.send([CALL, 1, { receive_progress: true }, 'com.example.caller_leaves']);
    const [, id] = await callee.next();
    callee.send([YIELD, id, { progress: true }, ['first']]);
    expect(await caller.next()).toEqual([RESULT, 1, { progress: true }, ['first']]);
    await caller.peer.close();
    // The spec defines Options.mode; the router adds a `reason` URI as Crossbar does.
    expect(await callee.next()).toEqual([INTERRUPT, id, { mode: 'killnowait', reason: CANCELED }]);
    callee.send([YIELD, id, { progress: true }, ['nobody listens']]);
    callee.send([YIELD, id, {}, ['nobody listens']]);
    await callee.silence();
    expect(t.router.stats()).toMatchObject({ invocations: 0, registrations: 1 });
    // The callee goes on serving.
    const other = await raw(callerRoles(), serializer);
    other.send([CALL, 1, {}, 'com.example.caller_leaves']);
    const invocation = await callee.next();
    expect(invocation).toEqual([INVOCATION, expect.any(Number), registration, {}]);
    callee.send([YIELD, invocation[1], {}, ['served']]);
    expect(await other.next()).toEqual([RESULT, 1, {}, ['served']]);
  });
});

describe.each(SERIALIZER_NAMES)('the caller leaving during a progressive call to an AutobahnJS callee over %s', (serializer) => {
  it('sends no INTERRUPT (autobahn would drop its session) and discards what the callee still sends', async () => {
    const callee = await autobahn(serializer);
    let calleeClosed = false;
    void callee.closed.then(() => (calleeClosed = true));
    const release = deferred();
    let invoked = 0;
    await callee.session.register('com.example.slow_stream', async (_args, _kwargs, details) => {
      invoked++;
      const progress = details.progress as ProgressFn | null;
      progress?.(['early']);
      await release.promise;
      progress?.(['late']);
      return 'late final';
    });
    const caller = await raw(callerRoles({ progressive_call_results: true }), serializer);
    caller.send([CALL, 1, { receive_progress: true }, 'com.example.slow_stream']);
    expect(await caller.next()).toEqual([RESULT, 1, { progress: true }, ['early']]);
    await caller.peer.close();
    await eventually(() => t.router.stats().invocations === 0);
    expect(t.router.stats().invocations).toBe(0);
    release.resolve();
    await sleep(150);
    expect(calleeClosed).toBe(false);
    expect(callee.session.isOpen).toBe(true);
    // Still registered and serving.
    const second = await autobahn(serializer);
    const { progress, result } = callWithProgress(second.session, 'com.example.slow_stream');
    expect(await within(result, 3000, 'second call')).toBe('late final');
    expect(progress).toEqual(['early', 'late']);
    expect(invoked).toBe(2);
  });
});

// ═════════════════════════════════════════════════════════════════════════════
// Progressive call invocations
// ═════════════════════════════════════════════════════════════════════════════

const STREAMING_CALLEE = { progressive_call_invocations: true, call_canceling: true };
const STREAMING_CALLER = { progressive_call_invocations: true };

describe.each(SERIALIZER_NAMES)('progressive call invocations on the wire over %s', (serializer) => {
  it('chunks reuse the CALL request id and reach the same callee under one INVOCATION id; the final chunk has no progress', async () => {
    const callee = await raw(calleeRoles(STREAMING_CALLEE), serializer);
    const caller = await raw(callerRoles(STREAMING_CALLER), serializer);
    const registration = await callee.register('com.myapp.get_country_by_coords');
    caller.send([CALL, 1, { progress: true }, 'com.myapp.get_country_by_coords', [50.450001, 30.523333]]);
    const first = await callee.next();
    expect(first).toEqual([INVOCATION, expect.any(Number), registration, { progress: true }, [50.450001, 30.523333]]);
    const id = first[1];
    caller.send([CALL, 1, { progress: true }, 'com.myapp.get_country_by_coords', [], { more: 1 }]);
    expect(await callee.next()).toEqual([INVOCATION, id, registration, { progress: true }, [], { more: 1 }]);
    caller.send([CALL, 1, {}, 'com.myapp.get_country_by_coords', ['last']]);
    expect(await callee.next()).toEqual([INVOCATION, id, registration, {}, ['last']]);
    await caller.silence(50); // nothing for the caller until the callee answers
    callee.send([YIELD, id, {}, ['Ukraine']]);
    expect(await caller.next()).toEqual([RESULT, 1, {}, ['Ukraine']]);
    expect(t.router.stats().invocations).toBe(0);
  });

  it('an explicit progress:false ends the stream like an absent progress', async () => {
    const callee = await raw(calleeRoles(STREAMING_CALLEE), serializer);
    const caller = await raw(callerRoles(STREAMING_CALLER), serializer);
    const registration = await callee.register('com.example.upload');
    caller.send([CALL, 1, { progress: true }, 'com.example.upload', ['part 1']]);
    const [, id] = await callee.next();
    caller.send([CALL, 1, { progress: false }, 'com.example.upload', ['part 2']]);
    expect(await callee.next()).toEqual([INVOCATION, id, registration, {}, ['part 2']]);
    callee.send([YIELD, id, {}, [2]]);
    expect(await caller.next()).toEqual([RESULT, 1, {}, [2]]);
  });

  it('with progressive results too: a two-way stream under one request id', async () => {
    const callee = await raw(calleeRoles({ ...STREAMING_CALLEE, progressive_call_results: true }), serializer);
    const caller = await raw(callerRoles({ ...STREAMING_CALLER, progressive_call_results: true }), serializer);
    const registration = await callee.register('com.example.echo_stream');
    caller.send([CALL, 1, { progress: true, receive_progress: true }, 'com.example.echo_stream', ['a']]);
    const first = await callee.next();
    expect(first).toEqual([INVOCATION, expect.any(Number), registration, { progress: true, receive_progress: true }, ['a']]);
    const id = first[1];
    callee.send([YIELD, id, { progress: true }, ['A']]);
    expect(await caller.next()).toEqual([RESULT, 1, { progress: true }, ['A']]);
    caller.send([CALL, 1, { progress: true }, 'com.example.echo_stream', ['b']]);
    caller.send([CALL, 1, { progress: true }, 'com.example.echo_stream', ['c']]);
    expect((await callee.next()).slice(0, 2)).toEqual([INVOCATION, id]);
    expect((await callee.next()).slice(0, 2)).toEqual([INVOCATION, id]);
    callee.send([YIELD, id, { progress: true }, ['B']]);
    callee.send([YIELD, id, { progress: true }, ['C']]);
    expect(await caller.next()).toEqual([RESULT, 1, { progress: true }, ['B']]);
    expect(await caller.next()).toEqual([RESULT, 1, { progress: true }, ['C']]);
    caller.send([CALL, 1, {}, 'com.example.echo_stream', ['end']]);
    const last = await callee.next();
    expect(last.slice(0, 3)).toEqual([INVOCATION, id, registration]);
    // No progress on the final chunk; repeating the frozen receive_progress is allowed.
    expect([{}, { receive_progress: true }]).toContainEqual(last[3]);
    callee.send([YIELD, id, {}, ['END']]);
    expect(await caller.next()).toEqual([RESULT, 1, {}, ['END']]);
  });

  it('a caller that did not announce progressive_call_invocations and sends CALL{progress} is aborted with wamp.error.protocol_violation', async () => {
    const callee = await raw(calleeRoles(STREAMING_CALLEE), serializer);
    const caller = await raw(callerRoles({ progressive_call_results: true }), serializer);
    await callee.register('com.example.stream_in');
    caller.send([CALL, 1, { progress: true }, 'com.example.stream_in', ['chunk']]);
    const abort = await caller.next();
    expect(abort).toEqual([ABORT, { message: expect.any(String) }, PROTOCOL_VIOLATION]);
    expect((abort[1] as Dict).message).toMatch(/progress/);
    await within(caller.peer.closed, 2000, 'caller socket close');
    await callee.silence(); // nothing was invoked
  });

  it('a callee without progressive_call_invocations: ERROR wamp.error.feature_not_supported, nothing invoked', async () => {
    const callee = await raw(calleeRoles({ call_canceling: true, progressive_call_results: true }), serializer);
    const caller = await raw(callerRoles(STREAMING_CALLER), serializer);
    await callee.register('com.example.no_stream');
    caller.send([CALL, 1, { progress: true }, 'com.example.no_stream', ['chunk']]);
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, FEATURE_NOT_SUPPORTED, [expect.any(String)]]);
    await callee.silence();
    // The caller's session goes on; a plain call still works.
    caller.send([CALL, 2, {}, 'com.example.no_stream', ['whole']]);
    const invocation = await callee.next();
    callee.send([YIELD, invocation[1], {}, ['ok']]);
    expect(await caller.next()).toEqual([RESULT, 2, {}, ['ok']]);
  });

  it('a callee with progressive_call_invocations but without call_canceling: ERROR wamp.error.feature_not_supported', async () => {
    const callee = await raw(calleeRoles({ progressive_call_invocations: true }), serializer);
    const caller = await raw(callerRoles(STREAMING_CALLER), serializer);
    await callee.register('com.example.half_stream');
    caller.send([CALL, 1, { progress: true }, 'com.example.half_stream', ['chunk']]);
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, FEATURE_NOT_SUPPORTED, [expect.any(String)]]);
    await callee.silence();
  });

  it('the callee spelling the feature call_cancelling (as the progressive-invocations text does) is accepted', async () => {
    const callee = await raw(calleeRoles({ progressive_call_invocations: true, call_cancelling: true }), serializer);
    const caller = await raw(callerRoles(STREAMING_CALLER), serializer);
    const registration = await callee.register('com.example.double_l');
    caller.send([CALL, 1, { progress: true }, 'com.example.double_l', ['chunk']]);
    const invocation = await callee.next();
    expect(invocation).toEqual([INVOCATION, expect.any(Number), registration, { progress: true }, ['chunk']]);
    caller.send([CALL, 1, {}, 'com.example.double_l']);
    expect(await callee.next()).toEqual([INVOCATION, invocation[1], registration, {}]);
    callee.send([YIELD, invocation[1], {}]);
    expect(await caller.next()).toEqual([RESULT, 1, {}]);
  });

  it('late chunks after the callee answered are discarded without a reply, and do not start a new call', async () => {
    const callee = await raw(calleeRoles(STREAMING_CALLEE), serializer);
    const caller = await raw(callerRoles(STREAMING_CALLER), serializer);
    await callee.register('com.example.early_answer');
    caller.send([CALL, 1, { progress: true }, 'com.example.early_answer', ['1']]);
    const [, id] = await callee.next();
    callee.send([ERROR, INVOCATION, id, {}, 'com.example.too_big', ['stop sending']]);
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, 'com.example.too_big', ['stop sending']]);
    caller.send([CALL, 1, { progress: true }, 'com.example.early_answer', ['2']]);
    caller.send([CALL, 1, {}, 'com.example.early_answer', ['3']]);
    await callee.silence();
    await caller.silence(50);
    expect(t.router.stats().invocations).toBe(0);
    // The caller is not aborted: a new call goes through.
    caller.send([CALL, 2, {}, 'com.example.early_answer', ['new']]);
    const invocation = await callee.next();
    expect(invocation.slice(3)).toEqual([{}, ['new']]);
    callee.send([YIELD, invocation[1], {}, ['fine']]);
    expect(await caller.next()).toEqual([RESULT, 2, {}, ['fine']]);
  });

  it('the callee leaving mid-stream: ERROR wamp.error.canceled; later chunks do not reach a callee registered since', async () => {
    const first = await raw(calleeRoles(STREAMING_CALLEE), serializer);
    const caller = await raw(callerRoles(STREAMING_CALLER), serializer);
    await first.register('com.example.stream_target');
    caller.send([CALL, 1, { progress: true }, 'com.example.stream_target', ['1']]);
    await first.next();
    await first.peer.close();
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, CANCELED, [expect.any(String)]]);
    const second = await raw(calleeRoles(STREAMING_CALLEE), serializer);
    await second.register('com.example.stream_target');
    caller.send([CALL, 1, { progress: true }, 'com.example.stream_target', ['2']]);
    caller.send([CALL, 1, {}, 'com.example.stream_target', ['3']]);
    await second.silence();
    await caller.silence(50);
  });

  it('a CANCEL mid-stream ends the call: later chunks are discarded without a reply', async () => {
    const callee = await raw(calleeRoles(STREAMING_CALLEE), serializer);
    const caller = await raw(callerRoles({ ...STREAMING_CALLER, call_canceling: true }), serializer);
    await callee.register('com.example.canceled_upload');
    caller.send([CALL, 1, { progress: true }, 'com.example.canceled_upload', ['1']]);
    const [, id] = await callee.next();
    caller.send([CANCEL, 1, { mode: 'killnowait' }]);
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, CANCELED, [expect.any(String)]]);
    expect(await callee.next()).toEqual([INTERRUPT, id, { mode: 'killnowait', reason: CANCELED }]);
    caller.send([CALL, 1, { progress: true }, 'com.example.canceled_upload', ['2']]);
    caller.send([CALL, 1, {}, 'com.example.canceled_upload', ['3']]);
    await callee.silence();
    await caller.silence(10);
  });

  it('a timeout mid-stream ends the call: later chunks are discarded without a reply', async () => {
    const callee = await raw(calleeRoles(STREAMING_CALLEE), serializer);
    const caller = await raw(callerRoles(STREAMING_CALLER), serializer);
    await callee.register('com.example.slow_upload');
    caller.send([CALL, 1, { progress: true, timeout: 100 }, 'com.example.slow_upload', ['1']]);
    const [, id] = await callee.next();
    expect(await caller.next(1000)).toEqual([ERROR, CALL, 1, {}, 'wamp.error.timeout', [expect.any(String)]]);
    expect(await callee.next()).toEqual([INTERRUPT, id, { mode: 'killnowait', reason: 'wamp.error.timeout' }]);
    caller.send([CALL, 1, { progress: true }, 'com.example.slow_upload', ['2']]);
    caller.send([CALL, 1, {}, 'com.example.slow_upload', ['3']]);
    await callee.silence();
    await caller.silence(10);
  });

  it('the caller leaving mid-stream: the callee gets [INTERRUPT, id, {mode: "killnowait"}]', async () => {
    const callee = await raw(calleeRoles(STREAMING_CALLEE), serializer);
    const caller = await raw(callerRoles(STREAMING_CALLER), serializer);
    await callee.register('com.example.abandoned_upload');
    caller.send([CALL, 1, { progress: true }, 'com.example.abandoned_upload', ['1']]);
    const [, id] = await callee.next();
    caller.send([CALL, 1, { progress: true }, 'com.example.abandoned_upload', ['2']]);
    expect((await callee.next()).slice(0, 2)).toEqual([INVOCATION, id]);
    await caller.peer.close();
    expect(await callee.next()).toEqual([INTERRUPT, id, { mode: 'killnowait', reason: CANCELED }]);
    callee.send([YIELD, id, {}, ['too late']]);
    await callee.silence();
  });

  it('with a shared registration every chunk goes to the callee the policy picked for the first chunk', async () => {
    const a = await raw(calleeRoles(STREAMING_CALLEE), serializer);
    const b = await raw(calleeRoles(STREAMING_CALLEE), serializer);
    const caller = await raw(callerRoles(STREAMING_CALLER), serializer);
    const registration = await a.register('com.example.shared_stream', { invoke: 'roundrobin' });
    expect(await b.register('com.example.shared_stream', { invoke: 'roundrobin' })).toBe(registration);
    caller.send([CALL, 1, { progress: true }, 'com.example.shared_stream', [1]]);
    const [, id] = await a.next();
    for (let chunk = 2; chunk <= 4; chunk++) {
      caller.send([CALL, 1, { progress: true }, 'com.example.shared_stream', [chunk]]);
      expect(await a.next()).toEqual([INVOCATION, id, registration, { progress: true }, [chunk]]);
    }
    caller.send([CALL, 1, {}, 'com.example.shared_stream', [5]]);
    expect(await a.next()).toEqual([INVOCATION, id, registration, {}, [5]]);
    await b.silence(50);
    a.send([YIELD, id, {}, ['a took it all']]);
    expect(await caller.next()).toEqual([RESULT, 1, {}, ['a took it all']]);
    // Round-robin goes on with b for the next (plain) call.
    caller.send([CALL, 2, {}, 'com.example.shared_stream', ['plain']]);
    const invocation = await b.next();
    expect(invocation.slice(2)).toEqual([registration, {}, ['plain']]);
    b.send([YIELD, invocation[1], {}, ['b']]);
    expect(await caller.next()).toEqual([RESULT, 2, {}, ['b']]);
  });
});

describe('progressive call invocations: options of the first chunk are frozen', () => {
  it('disclose_me on the first chunk: every INVOCATION of the call carries the caller identity (rpc_progressive_call_invocations.md, "Freezing of Options")', async () => {
    const callee = await raw(calleeRoles({ ...STREAMING_CALLEE, caller_identification: true }));
    const caller = await raw(callerRoles({ ...STREAMING_CALLER, caller_identification: true }));
    const registration = await callee.register('com.example.identified_upload');
    const identity = { caller: caller.session, caller_authid: caller.authid, caller_authrole: 'anonymous' };
    caller.send([CALL, 1, { progress: true, disclose_me: true }, 'com.example.identified_upload', ['1']]);
    const first = await callee.next();
    expect(first).toEqual([INVOCATION, expect.any(Number), registration, { progress: true, ...identity }, ['1']]);
    const id = first[1];
    // Later chunks SHOULD omit options; the dealer must keep applying the first chunk's.
    caller.send([CALL, 1, { progress: true }, 'com.example.identified_upload', ['2']]);
    expect(await callee.next()).toEqual([INVOCATION, id, registration, { progress: true, ...identity }, ['2']]);
    caller.send([CALL, 1, {}, 'com.example.identified_upload', ['3']]);
    expect(await callee.next()).toEqual([INVOCATION, id, registration, identity, ['3']]);
    callee.send([YIELD, id, {}]);
    expect(await caller.next()).toEqual([RESULT, 1, {}]);
  });

  it('a pattern registration: every INVOCATION of the call carries Details.procedure (rpc_pattern_based_registration.md: MUST)', async () => {
    const callee = await raw(calleeRoles({ ...STREAMING_CALLEE, pattern_based_registration: true }));
    const caller = await raw(callerRoles(STREAMING_CALLER));
    const registration = await callee.register('com.example.files.', { match: 'prefix' });
    caller.send([CALL, 1, { progress: true }, 'com.example.files.upload', ['1']]);
    const first = await callee.next();
    expect(first).toEqual([INVOCATION, expect.any(Number), registration, { progress: true, procedure: 'com.example.files.upload' }, ['1']]);
    caller.send([CALL, 1, { progress: true }, 'com.example.files.upload', ['2']]);
    expect(await callee.next()).toEqual([INVOCATION, first[1], registration, { progress: true, procedure: 'com.example.files.upload' }, ['2']]);
    caller.send([CALL, 1, {}, 'com.example.files.upload', ['3']]);
    expect(await callee.next()).toEqual([INVOCATION, first[1], registration, { procedure: 'com.example.files.upload' }, ['3']]);
    callee.send([YIELD, first[1], {}]);
    expect(await caller.next()).toEqual([RESULT, 1, {}]);
  });

  it('options on later chunks change nothing: no disclosure, no timeout, no progressive results', async () => {
    const callee = await raw(calleeRoles({ ...STREAMING_CALLEE, progressive_call_results: true }));
    const caller = await raw(callerRoles({ ...STREAMING_CALLER, progressive_call_results: true }));
    const registration = await callee.register('com.example.frozen');
    caller.send([CALL, 1, { progress: true }, 'com.example.frozen', ['1']]);
    const [, id] = await callee.next();
    caller.send([CALL, 1, { progress: true, disclose_me: true, timeout: 60, receive_progress: true }, 'com.example.frozen', ['2']]);
    expect(await callee.next()).toEqual([INVOCATION, id, registration, { progress: true }, ['2']]);
    expect(t.router.stats().timers).toBe(0);
    // receive_progress was not set on the first chunk: progress YIELDs stay dropped.
    callee.send([YIELD, id, { progress: true }, ['unasked']]);
    await sleep(150); // past the (ignored) 60 ms timeout
    expect(norm(caller.peer.received.slice(1))).toEqual([]);
    caller.send([CALL, 1, {}, 'com.example.frozen', ['3']]);
    expect(await callee.next()).toEqual([INVOCATION, id, registration, {}, ['3']]);
    callee.send([YIELD, id, {}, ['done']]);
    expect(await caller.next()).toEqual([RESULT, 1, {}, ['done']]);
  });
});

describe.each(SERIALIZER_NAMES)('progressive call invocations with client libraries over %s', (serializer) => {
  it('an AutobahnJS callee does not support progressive_call_invocations: the streaming caller gets feature_not_supported, the callee nothing', async () => {
    const callee = await autobahn(serializer);
    let invoked = 0;
    await callee.session.register('com.example.ab_no_stream', () => {
      invoked++;
      return 'x';
    });
    const caller = await raw(callerRoles(STREAMING_CALLER), serializer);
    caller.send([CALL, 1, { progress: true }, 'com.example.ab_no_stream', ['chunk']]);
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, FEATURE_NOT_SUPPORTED, [expect.any(String)]]);
    await sleep(50);
    expect(invoked).toBe(0);
    expect(callee.session.isOpen).toBe(true);
  });

  it('wampy 8.0.2 progressiveCall() without announcing the caller feature is aborted with wamp.error.protocol_violation', async () => {
    const callee = await raw(calleeRoles(STREAMING_CALLEE), serializer);
    await callee.register('com.example.wampy_upload');
    const errors: unknown[] = [];
    const caller = await wampyStreaming(serializer, false, errors);
    const { result } = caller.progressiveCall('com.example.wampy_upload', ['chunk 1']);
    await rejection(result);
    expect(await eventually(() => errors.length > 0)).toBe(true);
    expect((errors[0] as Dict).errorUri).toBe(PROTOCOL_VIOLATION);
    await callee.silence(50);
  });

  it('wampy progressiveCall() with the caller feature announced: chunks stream to the callee, the final chunk ends the call', async () => {
    const callee = await raw(calleeRoles(STREAMING_CALLEE), serializer);
    const registration = await callee.register('com.example.wampy_upload');
    const caller = await wampyStreaming(serializer, true);
    const { result, sendData } = caller.progressiveCall('com.example.wampy_upload', ['chunk 1']);
    const first = await callee.next();
    expect(first).toEqual([INVOCATION, expect.any(Number), registration, { progress: true }, ['chunk 1']]);
    sendData(['chunk 2']);
    expect(await callee.next()).toEqual([INVOCATION, first[1], registration, { progress: true }, ['chunk 2']]);
    sendData(['chunk 3'], { progress: false });
    expect(await callee.next()).toEqual([INVOCATION, first[1], registration, {}, ['chunk 3']]);
    callee.send([YIELD, first[1], {}, ['3 chunks']]);
    const final = await within(result, 3000, 'wampy progressive call result');
    expect(final.argsList).toEqual(['3 chunks']);
  });
});
