// The dealer's WELCOME feature announcement, caller identification
// (advanced/rpc_caller_identification.md) with the realm's `allowDisclosure` switch, and the
// realm's per-session call limits (`limits.maxCallsPerCaller`, `limits.maxCallsPerCallee`).
// Rules (our issue): disclose_me on CALL or disclose_caller on REGISTER → INVOCATION.Details.caller,
// caller_authid, caller_authrole; nothing disclosed by default; allowDisclosure:false → CALL with
// disclose_me gets wamp.error.option_disallowed.disclose_me, REGISTER with disclose_caller gets
// wamp.error.option_not_allowed. Past a limit a CALL gets ERROR sprocket.error.too_many_calls
// (never a silent drop); with shared registrations the dealer first picks another callee under
// its limit.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Wampy } from 'wampy';
import type { LocalSession, RouterOptions } from '../../router/index.js';
import { startRouter, expectAllZero, eventually, type TestRouter } from '../helpers/router.js';
import { connectAutobahn, connectWampy, SERIALIZER_NAMES, type AutobahnClient, type SerializerName } from '../helpers/clients.js';
import { within } from '../helpers/async.js';
import { joinRaw, norm, rejection, type RawSession } from '../helpers/raw-session.js';

type Dict = Record<string, unknown>;

// Message type codes (basic/messages.md, advanced/messages.md).
const ERROR = 8, CALL = 48, CANCEL = 49, RESULT = 50;
const REGISTER = 64, REGISTERED = 65, INVOCATION = 68, YIELD = 70;

const DISCLOSE_ME_DISALLOWED = 'wamp.error.option_disallowed.disclose_me';
const OPTION_NOT_ALLOWED = 'wamp.error.option_not_allowed';
const TOO_MANY_CALLS = 'sprocket.error.too_many_calls';
const CANCELED = 'wamp.error.canceled';
const TIMEOUT = 'wamp.error.timeout';

const DEALER_FEATURES = [
  'progressive_call_results',
  'progressive_call_invocations',
  'call_timeout',
  'call_canceling',
  'caller_identification',
  'pattern_based_registration',
  'shared_registration',
  'registration_revocation',
];

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

/** Replaces the default router with one whose realm1 has `realm` settings. */
async function restartWith(realm: NonNullable<RouterOptions['realms']>[number]): Promise<void> {
  await t.router.close();
  t = await startRouter({ realms: [realm] });
}

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

/** WELCOME.Details as wampy stored them (wampy has no public getter once connected). */
function wampyWelcome(client: Wampy): Dict {
  return (client as unknown as { _cache: { server_wamp_features: Dict } })._cache.server_wamp_features;
}

function local(authid: string): LocalSession {
  const session = t.router.realm('realm1').session({ authid });
  closers.push(async () => session.close());
  return session;
}

type Raw = RawSession;

function raw(roles?: Dict, serializer?: SerializerName): Promise<Raw> {
  return joinRaw(t.url, closers, roles, serializer);
}

/** A raw callee that collects INVOCATIONs and answers them when told. */
async function holdingCallee(procedures: string[], options: Dict = {}, roles: Dict = { callee: { features: { shared_registration: true } } }) {
  const callee = await raw(roles);
  for (const procedure of procedures) await callee.register(procedure, options);
  return callee;
}

const IDENTIFYING = { caller: { features: { caller_identification: true } }, callee: { features: { caller_identification: true } } };

// ═════════════════════════════════════════════════════════════════════════════
// WELCOME
// ═════════════════════════════════════════════════════════════════════════════

describe.each(SERIALIZER_NAMES)('WELCOME.Details.roles.dealer.features over %s', (serializer) => {
  const expected = Object.fromEntries(DEALER_FEATURES.map((feature) => [feature, true]));

  it('a raw peer sees every Advanced Profile RPC feature the dealer implements', async () => {
    const peer = await raw({ caller: {} }, serializer);
    expect((peer.welcome.roles as Dict).dealer).toEqual({ features: expect.objectContaining(expected) });
  });

  it('AutobahnJS sees them and enables its matching caller and callee features', async () => {
    const client = await autobahn(serializer);
    expect(((client.details.roles as Dict).dealer as Dict).features).toEqual(expect.objectContaining(expected));
    const features = client.session.features as { caller: Dict; callee: Dict };
    expect(features.caller).toMatchObject({ caller_identification: true, call_canceling: true, progressive_call_results: true });
    expect(features.callee).toMatchObject({
      caller_identification: true,
      pattern_based_registration: true,
      shared_registration: true,
      progressive_call_results: true,
      registration_revocation: true,
    });
  });

  it('wampy sees them', async () => {
    const client = await wampy(serializer);
    expect(norm(((wampyWelcome(client).roles as Dict).dealer as Dict).features)).toEqual(expect.objectContaining(expected));
  });
});

// ═════════════════════════════════════════════════════════════════════════════
// Caller identification
// ═════════════════════════════════════════════════════════════════════════════

describe.each(SERIALIZER_NAMES)('caller identification with client libraries over %s', (serializer) => {
  it('autobahn caller with disclose_me: the autobahn callee gets caller, caller_authid and caller_authrole', async () => {
    const callee = await autobahn(serializer);
    const caller = await autobahn(serializer);
    const seen: Dict[] = [];
    await callee.session.register('com.example.whoami', (_args, _kwargs, details) => {
      seen.push({ caller: details.caller, caller_authid: details.caller_authid, caller_authrole: details.caller_authrole });
      return null;
    });
    await caller.session.call('com.example.whoami', [], {}, { disclose_me: true });
    await caller.session.call('com.example.whoami');
    await caller.session.call('com.example.whoami', [], {}, { disclose_me: false });
    expect(norm(seen)).toEqual([
      { caller: caller.session.id, caller_authid: caller.details.authid, caller_authrole: 'anonymous' },
      { caller: undefined, caller_authid: undefined, caller_authrole: undefined },
      { caller: undefined, caller_authid: undefined, caller_authrole: undefined },
    ]);
  });

  it('an autobahn callee registering with disclose_caller learns every caller, whether or not it asked to be disclosed', async () => {
    const callee = await autobahn(serializer);
    const caller = await autobahn(serializer);
    const wampyCaller = await wampy(serializer);
    const seen: unknown[] = [];
    await callee.session.register(
      'com.example.audited',
      (_args, _kwargs, details) => {
        seen.push(details.caller);
        return null; // autobahn's msgpack encoder cannot carry `undefined`
      },
      { disclose_caller: true },
    );
    await caller.session.call('com.example.audited');
    await caller.session.call('com.example.audited', [], {}, { disclose_me: false });
    await wampyCaller.call('com.example.audited');
    expect(norm(seen)).toEqual(norm([caller.session.id, caller.session.id, wampyCaller.getSessionId()]));
  });

  it('wampy caller with disclose_me: the wampy callee gets the identity in INVOCATION.Details', async () => {
    const callee = await wampy(serializer);
    const caller = await wampy(serializer);
    const seen: Dict[] = [];
    await callee.register('com.example.wampy_whoami', ({ details }) => {
      seen.push(details);
      return { argsList: ['ok'] };
    });
    await caller.call('com.example.wampy_whoami', [], { disclose_me: true });
    await caller.call('com.example.wampy_whoami');
    expect(norm(seen)).toEqual([
      { caller: norm(caller.getSessionId()), caller_authid: wampyWelcome(caller).authid, caller_authrole: 'anonymous' },
      {},
    ]);
  });
});

describe.each(SERIALIZER_NAMES)('caller identification on the wire over %s', (serializer) => {
  it('INVOCATION.Details is exactly {caller, caller_authid, caller_authrole} with disclose_me, {} without or with disclose_me:false', async () => {
    const callee = await raw(IDENTIFYING, serializer);
    const caller = await raw(IDENTIFYING, serializer);
    const registration = await callee.register('com.myapp.echo');
    const identity = { caller: caller.session, caller_authid: caller.authid, caller_authrole: 'anonymous' };
    const cases: Array<[Dict, Dict]> = [
      [{ disclose_me: true }, identity],
      [{}, {}],
      [{ disclose_me: false }, {}],
    ];
    let request = 0;
    for (const [options, details] of cases) {
      caller.send([CALL, ++request, options, 'com.myapp.echo', ['Hello, world!']]);
      const invocation = await callee.next();
      expect(invocation).toEqual([INVOCATION, expect.any(Number), registration, details, ['Hello, world!']]);
      callee.send([YIELD, invocation[1], {}]);
      expect(await caller.next()).toEqual([RESULT, request, {}]);
    }
  });

  it('with a pattern registration the identity comes next to Details.procedure', async () => {
    const callee = await raw(IDENTIFYING, serializer);
    const caller = await raw(IDENTIFYING, serializer);
    const registration = await callee.register('com.myapp.', { match: 'prefix', disclose_caller: true });
    caller.send([CALL, 1, {}, 'com.myapp.proc1', ['x']]);
    expect(await callee.next()).toEqual([
      INVOCATION,
      expect.any(Number),
      registration,
      { procedure: 'com.myapp.proc1', caller: caller.session, caller_authid: caller.authid, caller_authrole: 'anonymous' },
      ['x'],
    ]);
  });

  it('in a shared registration disclose_caller is per callee: only the callee that asked learns the caller', async () => {
    const asks = await raw(IDENTIFYING, serializer);
    const doesNot = await raw(IDENTIFYING, serializer);
    const caller = await raw(IDENTIFYING, serializer);
    const registration = await asks.register('com.example.pool', { invoke: 'roundrobin', disclose_caller: true });
    expect(await doesNot.register('com.example.pool', { invoke: 'roundrobin' })).toBe(registration);
    const identity = { caller: caller.session, caller_authid: caller.authid, caller_authrole: 'anonymous' };
    for (let request = 1; request <= 4; request++) {
      const callee = request % 2 === 1 ? asks : doesNot;
      caller.send([CALL, request, {}, 'com.example.pool']);
      const invocation = await callee.next();
      expect(invocation).toEqual([INVOCATION, expect.any(Number), registration, callee === asks ? identity : {}]);
      callee.send([YIELD, invocation[1], {}]);
      expect(await caller.next()).toEqual([RESULT, request, {}]);
    }
  });

  it('an in-process caller is disclosed with its own authid and authrole', async () => {
    const callee = await raw(IDENTIFYING, serializer);
    const registration = await callee.register('com.example.from_inside');
    const caller = local('backend');
    const pending = caller.call('com.example.from_inside', [], {}, { disclose_me: true });
    const invocation = await callee.next();
    expect(invocation).toEqual([INVOCATION, expect.any(Number), registration, { caller: caller.id, caller_authid: 'backend', caller_authrole: 'local' }, []]);
    callee.send([YIELD, invocation[1], {}, ['hi']]);
    expect((await pending).args).toEqual(['hi']);
  });
});

describe('a realm with allowDisclosure: false', () => {
  beforeEach(async () => {
    await restartWith({ name: 'realm1', allowDisclosure: false });
  });

  for (const serializer of SERIALIZER_NAMES) {
    it(`over ${serializer}: autobahn CALL with disclose_me → wamp.error.option_disallowed.disclose_me; REGISTER with disclose_caller → wamp.error.option_not_allowed`, async () => {
      const callee = await autobahn(serializer);
      const caller = await autobahn(serializer);
      const seen: Dict[] = [];
      await callee.session.register('com.example.private', (_args, _kwargs, details) => {
        seen.push(details);
        return 'fine';
      });
      const callError = await rejection(caller.session.call('com.example.private', [], {}, { disclose_me: true }));
      expect({ error: callError.error, args: callError.args }).toEqual({ error: DISCLOSE_ME_DISALLOWED, args: [expect.any(String)] });
      const registerError = await rejection(callee.session.register('com.example.nosy', () => 'x', { disclose_caller: true }));
      expect({ error: registerError.error, args: registerError.args }).toEqual({ error: OPTION_NOT_ALLOWED, args: [expect.any(String)] });
      // Calls that do not ask for disclosure work, and disclose nothing.
      expect(await caller.session.call('com.example.private')).toBe('fine');
      expect(await caller.session.call('com.example.private', [], {}, { disclose_me: false })).toBe('fine');
      expect(seen).toHaveLength(2);
      expect(seen.map((details) => details.caller)).toEqual([undefined, undefined]);
      expect(t.router.stats().registrations).toBe(1); // the refused registration was not made
    });

    it(`over ${serializer}: wampy CALL with disclose_me → wamp.error.option_disallowed.disclose_me`, async () => {
      const callee = await wampy(serializer);
      await callee.register('com.example.private', () => ({ argsList: ['fine'] }));
      const caller = await wampy(serializer);
      const error = await rejection(caller.call('com.example.private', [], { disclose_me: true }));
      expect(error.errorUri).toBe(DISCLOSE_ME_DISALLOWED);
      expect((await caller.call('com.example.private')).argsList).toEqual(['fine']);
    });
  }

  it('on the wire: [ERROR, CALL, id, {}, uri, [text]] and [ERROR, REGISTER, id, {}, uri, [text]]; the callee is not invoked', async () => {
    const callee = await raw(IDENTIFYING);
    const caller = await raw(IDENTIFYING);
    await callee.register('com.example.private');
    caller.send([CALL, 1, { disclose_me: true }, 'com.example.private']);
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, DISCLOSE_ME_DISALLOWED, [expect.any(String)]]);
    await callee.silence(50);
    callee.send([REGISTER, 2, { disclose_caller: true }, 'com.example.nosy']);
    expect(await callee.next()).toEqual([ERROR, REGISTER, 2, {}, OPTION_NOT_ALLOWED, [expect.any(String)]]);
    callee.send([REGISTER, 3, { disclose_caller: false }, 'com.example.nosy']);
    expect(await callee.next()).toEqual([REGISTERED, 3, expect.any(Number)]);
  });
});

// ═════════════════════════════════════════════════════════════════════════════
// Per-session call limits
// ═════════════════════════════════════════════════════════════════════════════

describe('maxCallsPerCaller', () => {
  beforeEach(async () => {
    await restartWith({ name: 'realm1', limits: { maxCallsPerCaller: 2 } });
  });

  for (const serializer of SERIALIZER_NAMES) {
    it(`over ${serializer}: an autobahn caller's third concurrent call gets sprocket.error.too_many_calls; other callers are not limited by it`, async () => {
      const callee = await autobahn(serializer);
      const gates: Array<() => void> = [];
      let invoked = 0;
      await callee.session.register('com.example.slow', (args) => {
        invoked++;
        return new Promise((resolve) => gates.push(() => resolve(args[0])));
      });
      const caller = await autobahn(serializer);
      const first = caller.session.call('com.example.slow', [1]);
      const second = caller.session.call('com.example.slow', [2]);
      const third = caller.session.call('com.example.slow', [3]);
      const error = await rejection(third);
      expect(error.error).toBe(TOO_MANY_CALLS);
      expect(error.args).toEqual([expect.stringMatching(/\b2\b/)]);
      expect(await eventually(() => invoked === 2)).toBe(true);
      // Another caller has its own budget.
      const other = await autobahn(serializer);
      const others = other.session.call('com.example.slow', [4]);
      expect(await eventually(() => invoked === 3)).toBe(true);
      for (const release of gates.splice(0)) release();
      expect(await Promise.all([first, second, others])).toEqual([1, 2, 4]);
      // The budget is back.
      const again = caller.session.call('com.example.slow', [5]);
      expect(await eventually(() => gates.length === 1)).toBe(true);
      gates[0]();
      expect(await again).toBe(5);
      expect(invoked).toBe(4);
    });
  }

  it('on the wire: [ERROR, CALL, 3, {}, "sprocket.error.too_many_calls", [text]] at once, and no INVOCATION for it', async () => {
    const callee = await holdingCallee(['com.example.slow']);
    const caller = await raw();
    caller.send([CALL, 1, {}, 'com.example.slow', [1]]);
    caller.send([CALL, 2, {}, 'com.example.slow', [2]]);
    caller.send([CALL, 3, {}, 'com.example.slow', [3]]);
    expect(await caller.next()).toEqual([ERROR, CALL, 3, {}, TOO_MANY_CALLS, [expect.any(String)]]);
    const invocations = [await callee.next(), await callee.next()];
    expect(invocations.map((message) => message[4])).toEqual([[1], [2]]);
    await callee.silence();
    for (const invocation of invocations) callee.send([YIELD, invocation[1], {}, invocation[4]]);
    expect(await caller.next()).toEqual([RESULT, 1, {}, [1]]);
    expect(await caller.next()).toEqual([RESULT, 2, {}, [2]]);
  });

  it('every way a call ends frees its slot: callee ERROR, cancel, timeout, callee leaving', async () => {
    const callee = await holdingCallee(['com.example.slow'], {}, { callee: { features: { call_canceling: true } } });
    const caller = await raw({ caller: { features: { call_canceling: true } } });
    let request = 0;
    const fill = async (options: Dict = {}): Promise<number[]> => {
      const ids: number[] = [];
      for (let i = 0; i < 2; i++) {
        caller.send([CALL, ++request, options, 'com.example.slow']);
        ids.push((await callee.next())[1] as number);
      }
      caller.send([CALL, ++request, {}, 'com.example.slow']);
      expect(await caller.next()).toEqual([ERROR, CALL, request, {}, TOO_MANY_CALLS, [expect.any(String)]]);
      return ids;
    };
    // callee ERROR
    let ids = await fill();
    for (const id of ids) callee.send([ERROR, INVOCATION, id, {}, 'com.example.failed']);
    for (let i = 0; i < 2; i++) expect((await caller.next())[4]).toBe('com.example.failed');
    // cancel
    ids = await fill();
    caller.send([CANCEL, request - 2, { mode: 'killnowait' }]);
    caller.send([CANCEL, request - 1, { mode: 'skip' }]);
    for (let i = 0; i < 2; i++) expect((await caller.next())[4]).toBe(CANCELED);
    expect((await callee.next())[0]).toBe(69); // the killnowait INTERRUPT
    // timeout
    ids = await fill({ timeout: 100 });
    for (let i = 0; i < 2; i++) expect((await caller.next(1000))[4]).toBe(TIMEOUT);
    for (let i = 0; i < 2; i++) expect((await callee.next())[0]).toBe(69);
    // the callee leaving
    await fill();
    await callee.peer.close();
    for (let i = 0; i < 2; i++) expect((await caller.next())[4]).toBe(CANCELED);
    const fresh = await holdingCallee(['com.example.slow']);
    caller.send([CALL, ++request, {}, 'com.example.slow']);
    const invocation = await fresh.next();
    fresh.send([YIELD, invocation[1], {}, ['free again']]);
    expect(await caller.next()).toEqual([RESULT, request, {}, ['free again']]);
  });

  it('further chunks of a progressive call are not new calls and are not refused', async () => {
    await restartWith({ name: 'realm1', limits: { maxCallsPerCaller: 1 } });
    const callee = await holdingCallee(['com.example.upload'], {}, { callee: { features: { progressive_call_invocations: true, call_canceling: true } } });
    const caller = await raw({ caller: { features: { progressive_call_invocations: true } } });
    caller.send([CALL, 1, { progress: true }, 'com.example.upload', ['a']]);
    const [, id] = await callee.next();
    caller.send([CALL, 1, { progress: true }, 'com.example.upload', ['b']]);
    caller.send([CALL, 1, {}, 'com.example.upload', ['c']]);
    expect((await callee.next()).slice(1)).toEqual([id, expect.any(Number), { progress: true }, ['b']]);
    expect((await callee.next()).slice(1)).toEqual([id, expect.any(Number), {}, ['c']]);
    await caller.silence(50);
    callee.send([YIELD, id, {}, ['abc']]);
    expect(await caller.next()).toEqual([RESULT, 1, {}, ['abc']]);
  });
});

describe('maxCallsPerCallee', () => {
  beforeEach(async () => {
    await restartWith({ name: 'realm1', limits: { maxCallsPerCallee: 2 } });
  });

  for (const serializer of SERIALIZER_NAMES) {
    it(`over ${serializer}: a busy autobahn callee makes the next CALL fail with sprocket.error.too_many_calls`, async () => {
      const callee = await autobahn(serializer);
      const gates: Array<() => void> = [];
      await callee.session.register('com.example.busy', (args) => new Promise((resolve) => gates.push(() => resolve(args[0]))));
      const callers = [await autobahn(serializer), await wampy(serializer), await autobahn(serializer)];
      const first = (callers[0] as AutobahnClient).session.call('com.example.busy', [1]);
      const second = (callers[1] as Wampy).call('com.example.busy', [2]);
      expect(await eventually(() => gates.length === 2)).toBe(true);
      const error = await rejection((callers[2] as AutobahnClient).session.call('com.example.busy', [3]));
      expect(error.error).toBe(TOO_MANY_CALLS);
      expect(error.args).toEqual([expect.stringMatching(/com\.example\.busy/)]);
      const wampyError = await rejection((callers[1] as Wampy).call('com.example.busy', [4]));
      expect(wampyError.errorUri).toBe(TOO_MANY_CALLS);
      for (const release of gates.splice(0)) release();
      expect(await first).toBe(1);
      expect((await second).argsList).toEqual([2]);
      const third = (callers[2] as AutobahnClient).session.call('com.example.busy', [5]);
      expect(await eventually(() => gates.length === 1)).toBe(true);
      gates[0]();
      expect(await third).toBe(5);
    });
  }

  it('the limit counts a callee’s invocations across all its registrations', async () => {
    const callee = await holdingCallee(['com.example.one', 'com.example.two']);
    const caller = await raw();
    caller.send([CALL, 1, {}, 'com.example.one']);
    caller.send([CALL, 2, {}, 'com.example.one']);
    const ids = [(await callee.next())[1], (await callee.next())[1]];
    caller.send([CALL, 3, {}, 'com.example.two']);
    expect(await caller.next()).toEqual([ERROR, CALL, 3, {}, TOO_MANY_CALLS, [expect.any(String)]]);
    await callee.silence(50);
    for (const id of ids) callee.send([YIELD, id, {}]);
    expect((await caller.next()).slice(0, 2)).toEqual([RESULT, 1]);
    expect((await caller.next()).slice(0, 2)).toEqual([RESULT, 2]);
  });
});

describe('maxCallsPerCallee with shared registrations: another callee under its limit is picked first', () => {
  beforeEach(async () => {
    await restartWith({ name: 'realm1', limits: { maxCallsPerCallee: 1 } });
  });

  /** Two raw callees A and B sharing `procedure` with `invoke`, and one raw caller. */
  async function pair(invoke: string) {
    const a = await holdingCallee(['com.example.pool'], { invoke });
    const b = await holdingCallee(['com.example.pool'], { invoke });
    const caller = await raw();
    let request = 0;
    return {
      a,
      b,
      caller,
      /** Sends a CALL and returns which callee got it (with its INVOCATION id), or the ERROR URI. */
      async call(): Promise<{ who: 'A' | 'B'; id: number } | { error: string }> {
        const id = ++request;
        const before = [a.peer.received.length, b.peer.received.length, caller.peer.received.length];
        caller.send([CALL, id, {}, 'com.example.pool', [id]]);
        const arrived = await eventually(
          () => a.peer.received.length > before[0] || b.peer.received.length > before[1] || caller.peer.received.length > before[2],
        );
        expect(arrived).toBe(true);
        if (caller.peer.received.length > before[2]) {
          const error = await caller.next();
          expect(error).toEqual([ERROR, CALL, id, {}, expect.any(String), [expect.any(String)]]);
          return { error: error[4] as string };
        }
        const who = a.peer.received.length > before[0] ? 'A' : 'B';
        const invocation = await (who === 'A' ? a : b).next();
        expect(invocation[4]).toEqual([id]);
        return { who, id: invocation[1] as number };
      },
      async answer(who: 'A' | 'B', invocation: number): Promise<void> {
        (who === 'A' ? a : b).send([YIELD, invocation, {}]);
        expect((await caller.next())[0]).toBe(RESULT);
      },
    };
  }

  it('first: A is busy, so B; both busy → too_many_calls; A free again → A', async () => {
    const p = await pair('first');
    const one = (await p.call()) as { who: 'A'; id: number };
    expect(one.who).toBe('A');
    const two = (await p.call()) as { who: 'B'; id: number };
    expect(two.who).toBe('B');
    expect(await p.call()).toEqual({ error: TOO_MANY_CALLS });
    await p.answer('A', one.id);
    const four = (await p.call()) as { who: 'A'; id: number };
    expect(four.who).toBe('A');
    await p.answer('A', four.id);
    await p.answer('B', two.id);
  });

  it('last: B is busy, so A; both busy → too_many_calls', async () => {
    const p = await pair('last');
    const one = (await p.call()) as { who: string; id: number };
    expect(one.who).toBe('B');
    const two = (await p.call()) as { who: string; id: number };
    expect(two.who).toBe('A');
    expect(await p.call()).toEqual({ error: TOO_MANY_CALLS });
    await p.answer('B', one.id);
    await p.answer('A', two.id);
  });

  it('roundrobin: a busy callee is skipped, not waited for', async () => {
    const p = await pair('roundrobin');
    const one = (await p.call()) as { who: string; id: number };
    expect(one.who).toBe('A');
    await p.answer('A', one.id);
    const two = (await p.call()) as { who: string; id: number };
    expect(two.who).toBe('B'); // B is still busy with this one
    const three = (await p.call()) as { who: string; id: number };
    expect(three.who).toBe('A');
    expect(await p.call()).toEqual({ error: TOO_MANY_CALLS });
    await p.answer('B', two.id);
    const five = (await p.call()) as { who: string; id: number };
    expect(five.who).toBe('B'); // A is busy: skipped
    await p.answer('A', three.id);
    await p.answer('B', five.id);
  });

  it('random: busy callees are never picked; both busy → too_many_calls', async () => {
    const p = await pair('random');
    for (let round = 0; round < 10; round++) {
      const first = (await p.call()) as { who: 'A' | 'B'; id: number };
      const second = (await p.call()) as { who: 'A' | 'B'; id: number };
      expect([first.who, second.who].sort()).toEqual(['A', 'B']);
      expect(await p.call()).toEqual({ error: TOO_MANY_CALLS });
      await p.answer(first.who, first.id);
      await p.answer(second.who, second.id);
    }
  });
});
