// Pattern-based registrations (advanced/rpc_pattern_based_registration.md), shared
// registrations (advanced/rpc_shared_registration.md), force_reregister and registration
// revocation (advanced/rpc_registration_revocation.md). Rules (our issue): exactly one
// registration is chosen: exact, else the longest prefix counted in URI components (equal
// counts: the longer string), else the wildcard with the longest literal runs (first run, then
// the next…); prefix is a string prefix; INVOCATION.Details.procedure carries the concrete URI.
// invoke single|roundrobin|random|first|last, fixed by the first registrant; a mismatch fails
// with procedure_already_exists and a message that says why. force_reregister replaces a
// registration of the same procedure held by another session with the same authid; its calls in
// flight get wamp.error.canceled; it gets [UNREGISTERED, 0, {registration, reason}] only if it
// announced registration_revocation.
//
// Anonymous network sessions get random authids (authentication is a later issue), so two
// network clients can never share one: the force_reregister tests pair a network client with an
// in-process session opened with the network client's authid, or two in-process sessions.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Wampy } from 'wampy';
import { startRouter, expectAllZero, eventually, type TestRouter } from '../helpers/router.js';
import { connectAutobahn, connectWampy, SERIALIZER_NAMES, type AutobahnClient, type SerializerName } from '../helpers/clients.js';
import { openRaw } from '../helpers/raw.js';
import type { LocalSession } from '../../router/index.js';
import { sleep, within, deferred } from '../helpers/async.js';
import { joinRaw, rejection, type RawSession } from '../helpers/raw-session.js';

type Dict = Record<string, unknown>;

// Message type codes (basic/messages.md, advanced/messages.md).
const HELLO = 1, WELCOME = 2, ERROR = 8, CALL = 48, RESULT = 50;
const REGISTER = 64, REGISTERED = 65, UNREGISTER = 66, UNREGISTERED = 67, INVOCATION = 68, INTERRUPT = 69, YIELD = 70;

const CANCELED = 'wamp.error.canceled';
const NO_SUCH_PROCEDURE = 'wamp.error.no_such_procedure';
const ALREADY_EXISTS = 'wamp.error.procedure_already_exists';

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

function count(names: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

// ── clients ─────────────────────────────────────────────────────────────────

interface TrackedAutobahn extends AutobahnClient {
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

function local(authid: string): LocalSession {
  const session = t.router.realm('realm1').session({ authid });
  closers.push(async () => session.close());
  return session;
}

type Raw = RawSession;

function raw(roles?: Dict, serializer?: SerializerName): Promise<Raw> {
  return joinRaw(t.url, closers, roles, serializer);
}

const PATTERN_CALLEE = { callee: { features: { pattern_based_registration: true, shared_registration: true } } };

/**
 * One raw callee holding many registrations and one raw caller: `route(uri)` calls `uri` and
 * reports which registration got the INVOCATION (by label) and its Details, or the ERROR URI.
 */
async function patternBench(serializer: SerializerName = 'json') {
  const callee = await raw(PATTERN_CALLEE, serializer);
  const caller = await raw({ caller: {} }, serializer);
  const labels = new Map<number, string>();
  let request = 0;
  return {
    callee,
    caller,
    async add(label: string, procedure: string, match: 'exact' | 'prefix' | 'wildcard'): Promise<number> {
      const registration = await callee.register(procedure, match === 'exact' ? {} : { match });
      labels.set(registration, label);
      return registration;
    },
    async unregister(registration: number): Promise<void> {
      const req = callee.nextRequest();
      callee.send([UNREGISTER, req, registration]);
      expect(await callee.next()).toEqual([UNREGISTERED, req]);
      labels.delete(registration);
    },
    async route(uri: string): Promise<{ label: string; details: Dict } | { error: string }> {
      const id = ++request;
      const calleeBefore = callee.peer.received.length;
      const callerBefore = caller.peer.received.length;
      caller.send([CALL, id, {}, uri, [uri]]);
      // Whichever side hears first: the callee (INVOCATION) or the caller (ERROR). No dangling
      // next() call, which would swallow a later message.
      const arrived = await eventually(() => callee.peer.received.length > calleeBefore || caller.peer.received.length > callerBefore);
      expect(arrived).toBe(true);
      const first =
        callee.peer.received.length > calleeBefore ? { from: 'callee', message: await callee.next() } : { from: 'caller', message: await caller.next() };
      if (first.from === 'caller') {
        expect(first.message).toEqual([ERROR, CALL, id, {}, expect.any(String), [expect.any(String)]]);
        return { error: first.message[4] as string };
      }
      const [type, invocation, registration, details, args] = first.message;
      expect(type).toBe(INVOCATION);
      expect(args).toEqual([uri]);
      callee.send([YIELD, invocation, {}, ['ok']]);
      expect(await caller.next()).toEqual([RESULT, id, {}, ['ok']]);
      return { label: labels.get(registration as number) ?? `unknown registration ${String(registration)}`, details: details as Dict };
    },
  };
}

// ═════════════════════════════════════════════════════════════════════════════
// Pattern-based registrations
// ═════════════════════════════════════════════════════════════════════════════

const SPEC_REGISTRATIONS: Array<[string, string, 'exact' | 'prefix' | 'wildcard']> = [
  ['1', 'a1.b2.c3.d4.e55', 'exact'],
  ['2', 'a1.b2.c3', 'prefix'],
  ['3', 'a1.b2.c3.d4', 'prefix'],
  ['4', 'a1.b2..d4.e5', 'wildcard'],
  ['5', 'a1.b2.c33..e5', 'wildcard'],
  ['6', 'a1.b2..d4.e5..g7', 'wildcard'],
  ['7', 'a1.b2..d4..f6.g7', 'wildcard'],
];

describe('pattern-based registrations: which single registration a call reaches', () => {
  for (const order of ['in the spec order', 'in reverse order']) {
    it(`the spec's example table, registered ${order}`, async () => {
      const bench = await patternBench();
      const registrations = order === 'in the spec order' ? SPEC_REGISTRATIONS : [...SPEC_REGISTRATIONS].reverse();
      for (const [label, procedure, match] of registrations) await bench.add(label, procedure, match);
      expect(await bench.route('a1.b2.c3.d4.e55')).toEqual({ label: '1', details: {} });
      expect(await bench.route('a1.b2.c3.d98.e74')).toEqual({ label: '2', details: { procedure: 'a1.b2.c3.d98.e74' } });
      expect(await bench.route('a1.b2.c3.d4.e325')).toEqual({ label: '3', details: { procedure: 'a1.b2.c3.d4.e325' } });
      expect(await bench.route('a1.b2.c55.d4.e5')).toEqual({ label: '4', details: { procedure: 'a1.b2.c55.d4.e5' } });
      // The spec's table says "no prefix match, use RPC 5" here, but its own prefix section
      // (and our issue) make prefixes string prefixes: 'a1.b2.c3' is a prefix of 'a1.b2.c33…',
      // and any prefix beats any wildcard. The wildcard tie-break itself is tested below
      // without prefixes in the way.
      expect(await bench.route('a1.b2.c33.d4.e5')).toEqual({ label: '2', details: { procedure: 'a1.b2.c33.d4.e5' } });
      expect(await bench.route('a1.b2.c88.d4.e5.f6.g7')).toEqual({ label: '6', details: { procedure: 'a1.b2.c88.d4.e5.f6.g7' } });
      expect(await bench.route('a2.b2.c2.d2.e2')).toEqual({ error: NO_SUCH_PROCEDURE });
    });
  }

  it('exact beats prefix and wildcard, even a prefix equal to the URI', async () => {
    const bench = await patternBench();
    await bench.add('prefix same', 'com.example.obj.get', 'prefix');
    await bench.add('wildcard', 'com.example..get', 'wildcard');
    await bench.add('prefix short', 'com.example.obj', 'prefix');
    await bench.add('exact', 'com.example.obj.get', 'exact');
    expect(await bench.route('com.example.obj.get')).toEqual({ label: 'exact', details: {} });
    expect(await bench.route('com.example.obj.get2')).toEqual({ label: 'prefix same', details: { procedure: 'com.example.obj.get2' } });
    expect(await bench.route('com.example.obj.put')).toEqual({ label: 'prefix short', details: { procedure: 'com.example.obj.put' } });
    expect(await bench.route('com.example.other.get')).toEqual({ label: 'wildcard', details: { procedure: 'com.example.other.get' } });
  });

  for (const order of ['shorter first', 'longer first']) {
    it(`the prefix matching more URI components wins (${order})`, async () => {
      const bench = await patternBench();
      const both: Array<[string, string]> = [
        ['two', 'a1.b2'],
        ['three', 'a1.b2.c3'],
      ];
      for (const [label, prefix] of order === 'shorter first' ? both : both.reverse()) await bench.add(label, prefix, 'prefix');
      expect(await bench.route('a1.b2.c3.d4')).toEqual({ label: 'three', details: { procedure: 'a1.b2.c3.d4' } });
      expect(await bench.route('a1.b2.c4')).toEqual({ label: 'two', details: { procedure: 'a1.b2.c4' } });
    });

    it(`equal component counts: the longer prefix string wins (${order})`, async () => {
      const bench = await patternBench();
      const both: Array<[string, string]> = [
        ['ob', 'com.app.ob'],
        ['obj', 'com.app.obj'],
      ];
      for (const [label, prefix] of order === 'shorter first' ? both : both.reverse()) await bench.add(label, prefix, 'prefix');
      expect(await bench.route('com.app.object.x')).toEqual({ label: 'obj', details: { procedure: 'com.app.object.x' } });
      expect(await bench.route('com.app.obelisk')).toEqual({ label: 'ob', details: { procedure: 'com.app.obelisk' } });
    });
  }

  it('a prefix is a string prefix: "a.b" matches a.b, a.bc and a.b.c, but not a.c or a', async () => {
    const bench = await patternBench();
    await bench.add('a.b', 'a.b', 'prefix');
    expect(await bench.route('a.b')).toEqual({ label: 'a.b', details: { procedure: 'a.b' } });
    expect(await bench.route('a.bc')).toEqual({ label: 'a.b', details: { procedure: 'a.bc' } });
    expect(await bench.route('a.b.c')).toEqual({ label: 'a.b', details: { procedure: 'a.b.c' } });
    expect(await bench.route('a.c')).toEqual({ error: NO_SUCH_PROCEDURE });
    expect(await bench.route('a')).toEqual({ error: NO_SUCH_PROCEDURE });
  });

  for (const order of ['as listed', 'reversed']) {
    it(`wildcards: the longer first literal run wins (${order})`, async () => {
      const bench = await patternBench();
      const both: Array<[string, string]> = [
        ['4', 'a1.b2..d4.e5'],
        ['5', 'a1.b2.c33..e5'],
      ];
      for (const [label, pattern] of order === 'as listed' ? both : both.reverse()) await bench.add(label, pattern, 'wildcard');
      expect(await bench.route('a1.b2.c33.d4.e5')).toEqual({ label: '5', details: { procedure: 'a1.b2.c33.d4.e5' } });
    });

    it(`wildcards: equal first runs, the longer second run wins (${order})`, async () => {
      const bench = await patternBench();
      const both: Array<[string, string]> = [
        ['6', 'a1.b2..d4.e5..g7'],
        ['7', 'a1.b2..d4..f6.g7'],
      ];
      for (const [label, pattern] of order === 'as listed' ? both : both.reverse()) await bench.add(label, pattern, 'wildcard');
      expect(await bench.route('a1.b2.c88.d4.e5.f6.g7')).toEqual({ label: '6', details: { procedure: 'a1.b2.c88.d4.e5.f6.g7' } });
    });

    it(`wildcards: a leading wildcard loses to a literal first component (${order})`, async () => {
      const bench = await patternBench();
      const both: Array<[string, string]> = [
        ['leading', '.b2.c3'],
        ['middle', 'a1..c3'],
      ];
      for (const [label, pattern] of order === 'as listed' ? both : both.reverse()) await bench.add(label, pattern, 'wildcard');
      expect(await bench.route('a1.b2.c3')).toEqual({ label: 'middle', details: { procedure: 'a1.b2.c3' } });
      expect(await bench.route('z9.b2.c3')).toEqual({ label: 'leading', details: { procedure: 'z9.b2.c3' } });
    });
  }

  it('any matching prefix beats any wildcard, even one with longer literal runs', async () => {
    const bench = await patternBench();
    await bench.add('wildcard', 'a1.b2.c3.', 'wildcard');
    await bench.add('prefix', 'a1', 'prefix');
    expect(await bench.route('a1.b2.c3.d4')).toEqual({ label: 'prefix', details: { procedure: 'a1.b2.c3.d4' } });
  });

  it('a wildcard matches whole components, and only URIs with as many components', async () => {
    const bench = await patternBench();
    await bench.add('w', 'com.myapp..myprocedure1', 'wildcard');
    expect(await bench.route('com.myapp.myobject1.myprocedure1')).toEqual({ label: 'w', details: { procedure: 'com.myapp.myobject1.myprocedure1' } });
    expect(await bench.route('com.myapp.myobject2.myprocedure1')).toEqual({ label: 'w', details: { procedure: 'com.myapp.myobject2.myprocedure1' } });
    expect(await bench.route('com.myapp.myobject1.myprocedure1.mysubprocedure1')).toEqual({ error: NO_SUCH_PROCEDURE });
    expect(await bench.route('com.myapp.myobject1.myprocedure2')).toEqual({ error: NO_SUCH_PROCEDURE });
    expect(await bench.route('com.myapp2.myobject1.myprocedure1')).toEqual({ error: NO_SUCH_PROCEDURE });
  });

  it('when the best registration goes away, the next best takes over', async () => {
    const bench = await patternBench();
    const exact = await bench.add('exact', 'a1.b2.c3.d4', 'exact');
    const long = await bench.add('long', 'a1.b2.c3', 'prefix');
    await bench.add('short', 'a1.b2', 'prefix');
    await bench.add('wildcard', 'a1.b2..d4', 'wildcard');
    expect(await bench.route('a1.b2.c3.d4')).toEqual({ label: 'exact', details: {} });
    await bench.unregister(exact);
    expect(await bench.route('a1.b2.c3.d4')).toEqual({ label: 'long', details: { procedure: 'a1.b2.c3.d4' } });
    await bench.unregister(long);
    expect(await bench.route('a1.b2.c3.d4')).toEqual({ label: 'short', details: { procedure: 'a1.b2.c3.d4' } });
  });

  it('exact, prefix and wildcard registrations of the same URI are separate registrations', async () => {
    const bench = await patternBench();
    const ids = [await bench.add('e', 'com.example.same', 'exact'), await bench.add('p', 'com.example.same', 'prefix')];
    ids.push(await bench.add('w', 'com.example.same', 'wildcard'));
    expect(new Set(ids).size).toBe(3);
    expect(await bench.route('com.example.same')).toEqual({ label: 'e', details: {} });
  });
});

describe.each(SERIALIZER_NAMES)('pattern-based registrations with client libraries over %s', (serializer) => {
  it('an autobahn prefix callee and a wampy wildcard callee get the concrete URI in Details.procedure', async () => {
    const prefixCallee = await autobahn(serializer);
    const wildcardCallee = await wampy(serializer);
    await prefixCallee.session.register('com.example.obj', (_args, _kwargs, details) => `prefix got ${String(details.procedure)}`, {
      match: 'prefix',
    });
    await wildcardCallee.register('com.example..get', ({ details }) => ({ argsList: [`wildcard got ${String(details.procedure)}`] }), {
      match: 'wildcard',
    });
    const abCaller = await autobahn(serializer);
    const wampyCaller = await wampy(serializer);
    expect(await abCaller.session.call('com.example.obj.get')).toBe('prefix got com.example.obj.get'); // prefix beats wildcard
    expect(await abCaller.session.call('com.example.objects.list')).toBe('prefix got com.example.objects.list');
    expect((await wampyCaller.call('com.example.thing.get')).argsList).toEqual(['wildcard got com.example.thing.get']);
    expect((await wampyCaller.call('com.example.obj.x.y')).argsList).toEqual(['prefix got com.example.obj.x.y']);
    const error = await rejection(wampyCaller.call('com.example.thing.put'));
    expect(error.errorUri).toBe(NO_SUCH_PROCEDURE);
  });

  it('raw INVOCATION of a prefix registration on the wire: Details.procedure and nothing else', async () => {
    const bench = await patternBench(serializer);
    const registration = await bench.callee.register('com.example.wire', { match: 'prefix' });
    bench.caller.send([CALL, 1, {}, 'com.example.wire.deep.call', [1], { k: 'v' }]);
    expect(await bench.callee.next()).toEqual([INVOCATION, expect.any(Number), registration, { procedure: 'com.example.wire.deep.call' }, [1], { k: 'v' }]);
  });
});

// ═════════════════════════════════════════════════════════════════════════════
// Shared registrations
// ═════════════════════════════════════════════════════════════════════════════

/** An autobahn callee registered under `procedure` that answers with its `name`. */
async function namedCallee(serializer: SerializerName, name: string, procedure: string, invoke: string): Promise<TrackedAutobahn> {
  const client = await autobahn(serializer);
  await client.session.register(procedure, () => name, { invoke });
  return client;
}

async function callSequence(caller: AutobahnClient, procedure: string, calls: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < calls; i++) names.push((await caller.session.call(procedure)) as string);
  return names;
}

describe.each(SERIALIZER_NAMES)('shared registration policies over %s', (serializer) => {
  it('a second registrant with another policy: ERROR wamp.error.procedure_already_exists saying which policy holds', async () => {
    const first = await autobahn(serializer);
    const second = await autobahn(serializer);
    await first.session.register('com.example.pool', () => 1, { invoke: 'roundrobin' });
    const error = await rejection(second.session.register('com.example.pool', () => 2, { invoke: 'random' }));
    expect(error.error).toBe(ALREADY_EXISTS);
    expect(error.args).toEqual([expect.any(String)]);
    const message = (error.args as string[])[0];
    expect(message).toMatch(/roundrobin/);
    expect(message).toMatch(/random/);
    expect(message).toMatch(/com\.example\.pool/);
  });

  it('a registration with invoke single (the default) takes no second callee, whatever its policy', async () => {
    const first = await autobahn(serializer);
    const second = await autobahn(serializer);
    await first.session.register('com.example.solo', () => 1);
    for (const options of [{}, { invoke: 'single' }, { invoke: 'roundrobin' }]) {
      const error = await rejection(second.session.register('com.example.solo', () => 2, options));
      expect(error.error).toBe(ALREADY_EXISTS);
      expect((error.args as string[])[0]).toMatch(/single/);
    }
    await second.session.register('com.example.standby', () => 2, { invoke: 'first' });
    const third = await autobahn(serializer);
    const error = await rejection(third.session.register('com.example.standby', () => 3));
    expect(error.error).toBe(ALREADY_EXISTS);
    expect((error.args as string[])[0]).toMatch(/"first"/);
    expect((error.args as string[])[0]).toMatch(/"single"/);
  });

  it('roundrobin: over 120 calls the callees take strict turns in registration order, exactly 40 each', async () => {
    const procedure = 'com.example.rr';
    await namedCallee(serializer, 'A', procedure, 'roundrobin');
    const b = await wampy(serializer);
    await b.register(procedure, () => ({ argsList: ['B'] }), { invoke: 'roundrobin' });
    await namedCallee(serializer, 'C', procedure, 'roundrobin');
    const caller = await autobahn(serializer);
    const names = await callSequence(caller, procedure, 120);
    expect(names).toEqual(Array.from({ length: 120 }, (_, i) => 'ABC'[i % 3]));
    expect(count(names)).toEqual({ A: 40, B: 40, C: 40 });
  });

  it('random: over 150 calls every callee gets a fair share, not a fixed rotation', async () => {
    const procedure = 'com.example.dice';
    for (const name of ['A', 'B', 'C']) await namedCallee(serializer, name, procedure, 'random');
    const caller = await autobahn(serializer);
    const names = await callSequence(caller, procedure, 150);
    const counts = count(names);
    expect(Object.keys(counts).sort()).toEqual(['A', 'B', 'C']);
    // Expected 50 each (σ ≈ 5.8); below 25 is a > 4σ event.
    for (const name of ['A', 'B', 'C']) expect(counts[name]).toBeGreaterThanOrEqual(25);
    const rotations = ['ABC', 'BCA', 'CAB', 'ACB', 'CBA', 'BAC'].map((cycle) => Array.from({ length: 150 }, (_, i) => cycle[i % 3]).join(''));
    expect(rotations).not.toContain(names.join(''));
  });

  it('random: a callee that left gets nothing, the others share its calls', async () => {
    const procedure = 'com.example.dice2';
    await namedCallee(serializer, 'A', procedure, 'random');
    const b = await namedCallee(serializer, 'B', procedure, 'random');
    await namedCallee(serializer, 'C', procedure, 'random');
    await b.close();
    const caller = await autobahn(serializer);
    const counts = count(await callSequence(caller, procedure, 100));
    expect(Object.keys(counts).sort()).toEqual(['A', 'C']);
    expect(counts.A).toBeGreaterThanOrEqual(25);
    expect(counts.C).toBeGreaterThanOrEqual(25);
  });

  it('first: the first registrant gets every call; when it leaves the next in line does; a newcomer joins at the end', async () => {
    const procedure = 'com.example.primary';
    const a = await namedCallee(serializer, 'A', procedure, 'first');
    const b = await namedCallee(serializer, 'B', procedure, 'first');
    await namedCallee(serializer, 'C', procedure, 'first');
    const caller = await autobahn(serializer);
    expect(count(await callSequence(caller, procedure, 20))).toEqual({ A: 20 });
    await a.close();
    expect(count(await callSequence(caller, procedure, 20))).toEqual({ B: 20 });
    await namedCallee(serializer, 'D', procedure, 'first');
    expect(count(await callSequence(caller, procedure, 5))).toEqual({ B: 5 });
    await b.close();
    expect(count(await callSequence(caller, procedure, 5))).toEqual({ C: 5 });
  });

  it('last: the latest registrant gets every call; when it leaves the one before does; a newcomer takes over', async () => {
    const procedure = 'com.example.latest';
    await namedCallee(serializer, 'A', procedure, 'last');
    const b = await namedCallee(serializer, 'B', procedure, 'last');
    const c = await namedCallee(serializer, 'C', procedure, 'last');
    const caller = await autobahn(serializer);
    expect(count(await callSequence(caller, procedure, 20))).toEqual({ C: 20 });
    await c.close();
    expect(count(await callSequence(caller, procedure, 20))).toEqual({ B: 20 });
    const d = await namedCallee(serializer, 'D', procedure, 'last');
    expect(count(await callSequence(caller, procedure, 5))).toEqual({ D: 5 });
    await d.close();
    await b.close();
    expect(count(await callSequence(caller, procedure, 5))).toEqual({ A: 5 });
  });

  it('roundrobin goes on correctly when the callee that is next leaves mid-rotation, and a newcomer joins the rotation', async () => {
    const procedure = 'com.example.rr_leave';
    await namedCallee(serializer, 'A', procedure, 'roundrobin');
    const b = await namedCallee(serializer, 'B', procedure, 'roundrobin');
    await namedCallee(serializer, 'C', procedure, 'roundrobin');
    const caller = await autobahn(serializer);
    expect(await callSequence(caller, procedure, 4)).toEqual(['A', 'B', 'C', 'A']);
    await b.close(); // B was next
    expect(await callSequence(caller, procedure, 4)).toEqual(['C', 'A', 'C', 'A']);
    await namedCallee(serializer, 'D', procedure, 'roundrobin');
    expect(await callSequence(caller, procedure, 6)).toEqual(['C', 'D', 'A', 'C', 'D', 'A']);
  });

  it('roundrobin goes on correctly when a callee before the next one leaves', async () => {
    const procedure = 'com.example.rr_leave2';
    const a = await namedCallee(serializer, 'A', procedure, 'roundrobin');
    await namedCallee(serializer, 'B', procedure, 'roundrobin');
    await namedCallee(serializer, 'C', procedure, 'roundrobin');
    const caller = await autobahn(serializer);
    expect(await callSequence(caller, procedure, 2)).toEqual(['A', 'B']); // C is next
    await a.close();
    expect(await callSequence(caller, procedure, 4)).toEqual(['C', 'B', 'C', 'B']);
  });

  it('roundrobin wraps correctly when the last callee in the list leaves while it is next', async () => {
    const procedure = 'com.example.rr_leave3';
    await namedCallee(serializer, 'A', procedure, 'roundrobin');
    await namedCallee(serializer, 'B', procedure, 'roundrobin');
    const c = await namedCallee(serializer, 'C', procedure, 'roundrobin');
    const caller = await autobahn(serializer);
    expect(await callSequence(caller, procedure, 2)).toEqual(['A', 'B']); // C is next
    await c.close();
    expect(await callSequence(caller, procedure, 3)).toEqual(['A', 'B', 'A']);
  });
});

describe('shared registrations: the first registrant fixes the policy', () => {
  it('the policy outlives the first registrant while others hold the registration, and ends with the registration', async () => {
    const a = await raw(PATTERN_CALLEE);
    const b = await raw(PATTERN_CALLEE);
    const c = await raw(PATTERN_CALLEE);
    const registration = await a.register('com.example.team', { invoke: 'roundrobin' });
    expect(await b.register('com.example.team', { invoke: 'roundrobin' })).toBe(registration);
    await a.peer.close();
    await eventually(() => t.router.stats().sessions === 2);
    c.send([REGISTER, 1, { invoke: 'random' }, 'com.example.team']);
    const refusal = await c.next();
    expect(refusal).toEqual([ERROR, REGISTER, 1, {}, ALREADY_EXISTS, [expect.stringMatching(/roundrobin/)]]);
    await b.peer.close();
    await eventually(() => t.router.stats().registrations === 0);
    c.send([REGISTER, 2, { invoke: 'random' }, 'com.example.team']);
    expect(await c.next()).toEqual([REGISTERED, 2, expect.any(Number)]);
  });

  it('the same session registering a shared procedure twice is refused and told why', async () => {
    const a = await raw(PATTERN_CALLEE);
    await a.register('com.example.twice', { invoke: 'roundrobin' });
    a.send([REGISTER, 2, { invoke: 'roundrobin' }, 'com.example.twice']);
    expect(await a.next()).toEqual([ERROR, REGISTER, 2, {}, ALREADY_EXISTS, [expect.stringMatching(/this session/)]]);
  });

  it('shared pattern registrations balance too, and carry Details.procedure', async () => {
    const a = await raw(PATTERN_CALLEE);
    const b = await raw(PATTERN_CALLEE);
    const caller = await raw({ caller: {} });
    const registration = await a.register('com.example.workers', { match: 'prefix', invoke: 'roundrobin' });
    expect(await b.register('com.example.workers', { match: 'prefix', invoke: 'roundrobin' })).toBe(registration);
    for (let i = 1; i <= 4; i++) {
      const callee = i % 2 === 1 ? a : b;
      caller.send([CALL, i, {}, `com.example.workers.job${i}`]);
      const invocation = await callee.next();
      expect(invocation).toEqual([INVOCATION, expect.any(Number), registration, { procedure: `com.example.workers.job${i}` }]);
      callee.send([YIELD, invocation[1], {}]);
      expect(await caller.next()).toEqual([RESULT, i, {}]);
    }
  });
});

// ═════════════════════════════════════════════════════════════════════════════
// force_reregister and registration revocation
// ═════════════════════════════════════════════════════════════════════════════

describe('force_reregister', () => {
  it('network sessions cannot share an authid yet: every anonymous session gets a fresh random one, HELLO.Details.authid is ignored', async () => {
    const first = await openRaw(t.url, 'json');
    const second = await openRaw(t.url, 'json');
    closers.push(() => first.close(), () => second.close());
    first.send([HELLO, 'realm1', { roles: { callee: {} }, authid: 'worker' }]);
    second.send([HELLO, 'realm1', { roles: { callee: {} }, authid: 'worker' }]);
    const welcomes = [(await first.next()) as [number, number, Dict], (await second.next()) as [number, number, Dict]];
    expect(welcomes.map((welcome) => welcome[0])).toEqual([WELCOME, WELCOME]);
    expect(welcomes[0][2].authid).not.toBe('worker');
    expect(welcomes[0][2].authid).not.toBe(welcomes[1][2].authid);
  });

  it('in-process sessions with the same authid: the new one takes over, calls in flight on the old one get wamp.error.canceled', async () => {
    const old = local('worker');
    const gate = deferred();
    let oldCalls = 0;
    await old.register('com.example.job', async () => {
      oldCalls++;
      await gate.promise;
      return 'old answer';
    });
    const caller = await autobahn('json');
    const inFlight = caller.session.call('com.example.job');
    expect(await eventually(() => oldCalls === 1)).toBe(true);
    const replacement = local('worker');
    await replacement.register('com.example.job', () => 'new answer', { force_reregister: true });
    const error = await rejection(inFlight);
    expect(error.error).toBe(CANCELED);
    expect(error.args).toEqual([expect.any(String)]);
    expect(await caller.session.call('com.example.job')).toBe('new answer');
    gate.resolve(); // the old session's late answer is discarded
    await sleep(50);
    expect(await caller.session.call('com.example.job')).toBe('new answer');
    expect(oldCalls).toBe(1);
    expect(t.router.stats().registrations).toBe(1);
  });

  it('a session with another authid cannot force its way in: ERROR wamp.error.procedure_already_exists', async () => {
    const holder = local('worker');
    await holder.register('com.example.job', () => 'holder');
    const intruder = local('intruder');
    const error = (await rejection(intruder.register('com.example.job', () => 'intruder', { force_reregister: true }))) as Dict;
    expect(error.uri).toBe(ALREADY_EXISTS);
    const caller = await autobahn('json');
    expect(await caller.session.call('com.example.job')).toBe('holder');
  });

  it('force_reregister with nothing to replace is a plain registration', async () => {
    const worker = local('worker');
    await worker.register('com.example.fresh', () => 'fresh', { force_reregister: true });
    const caller = await autobahn('json');
    expect(await caller.session.call('com.example.fresh')).toBe('fresh');
  });

  it('in a shared registration only the callee with the same authid is replaced', async () => {
    const old = local('worker');
    const other = local('other');
    await old.register('com.example.pool', () => 'old worker', { invoke: 'roundrobin' });
    await other.register('com.example.pool', () => 'other', { invoke: 'roundrobin' });
    const replacement = local('worker');
    await replacement.register('com.example.pool', () => 'new worker', { invoke: 'roundrobin', force_reregister: true });
    const caller = await autobahn('json');
    const names = await callSequence(caller, 'com.example.pool', 6);
    expect(count(names)).toEqual({ other: 3, 'new worker': 3 });
  });

  it('a raw callee announcing registration_revocation and call_canceling: INTERRUPT for its call in flight, then [UNREGISTERED, 0, {registration, reason}]', async () => {
    const old = await raw({ callee: { features: { registration_revocation: true, call_canceling: true } } });
    const registration = await old.register('com.example.job');
    const caller = await raw({ caller: {} });
    caller.send([CALL, 1, {}, 'com.example.job', ['work']]);
    const invocation = await old.next();
    const replacement = local(old.authid);
    await replacement.register('com.example.job', () => 'new answer', { force_reregister: true });
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, CANCELED, [expect.any(String)]]);
    expect(await old.next()).toEqual([INTERRUPT, invocation[1], { mode: 'killnowait', reason: CANCELED }]);
    expect(await old.next()).toEqual([UNREGISTERED, 0, { registration, reason: expect.any(String) }]);
    old.send([YIELD, invocation[1], {}, ['too late']]);
    await caller.silence();
    await old.silence(10);
    caller.send([CALL, 2, {}, 'com.example.job']);
    expect(await caller.next()).toEqual([RESULT, 2, {}, ['new answer']]);
  });

  it('a raw callee without registration_revocation gets no UNREGISTERED (and without call_canceling no INTERRUPT), but is replaced all the same', async () => {
    const old = await raw({ callee: {} });
    await old.register('com.example.job');
    const caller = await raw({ caller: {} });
    caller.send([CALL, 1, {}, 'com.example.job', ['work']]);
    const invocation = await old.next();
    const replacement = local(old.authid);
    await replacement.register('com.example.job', () => 'new answer', { force_reregister: true });
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, CANCELED, [expect.any(String)]]);
    await old.silence();
    old.send([YIELD, invocation[1], {}, ['too late']]);
    caller.send([CALL, 2, {}, 'com.example.job']);
    expect(await caller.next()).toEqual([RESULT, 2, {}, ['new answer']]);
    await old.silence(10);
  });

  it('a revoked streaming call is over: late chunks from its caller are discarded, not routed to the new callee', async () => {
    const old = await raw({ callee: { features: { progressive_call_invocations: true, call_canceling: true, registration_revocation: true } } });
    const registration = await old.register('com.example.upload');
    const caller = await raw({ caller: { features: { progressive_call_invocations: true } } });
    caller.send([CALL, 1, { progress: true }, 'com.example.upload', ['chunk 1']]);
    const invocation = await old.next();
    expect(invocation).toEqual([INVOCATION, expect.any(Number), registration, { progress: true }, ['chunk 1']]);
    const replacement = local(old.authid);
    const received: unknown[] = [];
    await replacement.register(
      'com.example.upload',
      (args) => {
        received.push(args);
        return 'new callee answered';
      },
      { force_reregister: true },
    );
    expect(await caller.next()).toEqual([ERROR, CALL, 1, {}, CANCELED, [expect.any(String)]]);
    expect(await old.next()).toEqual([INTERRUPT, invocation[1], { mode: 'killnowait', reason: CANCELED }]);
    expect(await old.next()).toEqual([UNREGISTERED, 0, { registration, reason: expect.any(String) }]);
    // The caller did not know yet and goes on streaming under request 1.
    caller.send([CALL, 1, { progress: true }, 'com.example.upload', ['chunk 2']]);
    caller.send([CALL, 1, {}, 'com.example.upload', ['chunk 3']]);
    await caller.silence();
    expect(received).toEqual([]);
  });

  it('a raw callee with registration_revocation but no call in flight gets only the UNREGISTERED', async () => {
    const old = await raw({ callee: { features: { registration_revocation: true } } });
    const registration = await old.register('com.example.idle');
    const replacement = local(old.authid);
    await replacement.register('com.example.idle', () => 'new', { force_reregister: true });
    expect(await old.next()).toEqual([UNREGISTERED, 0, { registration, reason: expect.any(String) }]);
    await old.silence();
  });
});

describe.each(SERIALIZER_NAMES)('registration revocation with an AutobahnJS callee over %s', (serializer) => {
  it('autobahn announces registration_revocation: its registration.on_unregister fires with the reason, its session stays open', async () => {
    const old = await autobahn(serializer);
    const gate = deferred();
    let oldCalls = 0;
    const registration = (await old.session.register('com.example.ab_job', async () => {
      oldCalls++;
      await gate.promise;
      return 'old';
    })) as unknown as { id: number; active: boolean; on_unregister: PromiseLike<unknown> };
    let revokedWith: unknown = 'not revoked';
    void Promise.resolve(registration.on_unregister).then((reason) => (revokedWith = reason));
    const caller = await autobahn(serializer);
    const inFlight = caller.session.call('com.example.ab_job');
    expect(await eventually(() => oldCalls === 1)).toBe(true);
    const replacement = local(old.details.authid as string);
    await replacement.register('com.example.ab_job', () => 'new', { force_reregister: true });
    expect((await rejection(inFlight)).error).toBe(CANCELED);
    expect(await eventually(() => revokedWith !== 'not revoked')).toBe(true);
    expect(revokedWith).toEqual(expect.any(String));
    expect(registration.active).toBe(false);
    expect(await caller.session.call('com.example.ab_job')).toBe('new');
    gate.resolve();
    await sleep(50);
    expect(old.isClosed()).toBe(false); // no INTERRUPT: autobahn does not announce call_canceling
  });

  it('wampy does not announce registration_revocation: it is replaced silently and keeps its session', async () => {
    const old = await wampy(serializer);
    await old.register('com.example.wampy_job', () => ({ argsList: ['old'] }));
    const authid = (old as unknown as { _cache: { server_wamp_features: Dict } })._cache.server_wamp_features.authid as string;
    expect(authid).toEqual(expect.any(String));
    const replacement = local(authid);
    await replacement.register('com.example.wampy_job', () => 'new', { force_reregister: true });
    const caller = await autobahn(serializer);
    expect(await caller.session.call('com.example.wampy_job')).toBe('new');
    await sleep(50);
    expect(old.getSessionId()).not.toBeNull();
  });
});
