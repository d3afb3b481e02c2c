// Calls in flight: CALL → INVOCATION until the final YIELD/ERROR, a cancel, a timeout, or
// a party leaving. Indexed by (caller, CALL request id) and by (callee, INVOCATION id).
import { IdSequence } from '../protocol/ids.js';
import type { Dict } from '../protocol/messages.js';
import type { RealmMember } from '../member.js';
import type { Registration } from './registrations.js';

export interface InvocationRecord {
  /** INVOCATION.Request: session scope of the callee. */
  readonly id: number;
  /** CALL.Request: session scope of the caller. */
  readonly callRequest: number;
  readonly caller: RealmMember;
  readonly callee: RealmMember;
  readonly registration: Registration;
  /** The concrete procedure the caller called (differs from the registration's for patterns). */
  readonly procedure: string;
  /** The caller asked for progressive results and the callee was told so. */
  readonly receiveProgress: boolean;
  /** INVOCATION.Details of the first chunk, without `progress`: frozen for later chunks. */
  readonly details: Dict;
  /** Dealer-side timeout in ms (0: none); restarted by each progressive result. */
  readonly timeoutMs: number;
  /** The caller is still streaming progressive CALL chunks. */
  callerStreaming: boolean;
  /** A `kill` cancel is pending: the callee's answer is relayed, whatever it is. */
  killRequested: boolean;
  timer: NodeJS.Timeout | undefined;
}

export type NewInvocation = Omit<InvocationRecord, 'id' | 'callerStreaming' | 'killRequested' | 'timer'> & {
  callerStreaming: boolean;
};

interface CalleeState {
  /** Invocation ids issued to this callee; one above `current` was never issued. */
  readonly ids: IdSequence;
  readonly inFlight: Map<number, InvocationRecord>;
}

export class InvocationTable {
  private readonly callees = new Map<number, CalleeState>();
  private readonly callers = new Map<number, Map<number, InvocationRecord>>();
  private count = 0;

  start(init: NewInvocation): InvocationRecord {
    let state = this.callees.get(init.callee.id);
    if (state === undefined) this.callees.set(init.callee.id, (state = { ids: new IdSequence(), inFlight: new Map() }));
    // An explicit literal, not a spread: V8 builds it on its fast path (the spread cost ~7 % of
    // router CPU under RPC load; bench/README.md, profile).
    const record: InvocationRecord = {
      id: state.ids.next(),
      callRequest: init.callRequest,
      caller: init.caller,
      callee: init.callee,
      registration: init.registration,
      procedure: init.procedure,
      details: init.details,
      receiveProgress: init.receiveProgress,
      timeoutMs: init.timeoutMs,
      callerStreaming: init.callerStreaming,
      killRequested: false,
      timer: undefined,
    };
    state.inFlight.set(record.id, record);
    let calls = this.callers.get(init.caller.id);
    if (calls === undefined) this.callers.set(init.caller.id, (calls = new Map()));
    calls.set(init.callRequest, record);
    this.count++;
    return record;
  }

  byInvocation(callee: RealmMember, invocationId: number): InvocationRecord | undefined {
    return this.callees.get(callee.id)?.inFlight.get(invocationId);
  }

  byCall(caller: RealmMember, callRequest: number): InvocationRecord | undefined {
    return this.callers.get(caller.id)?.get(callRequest);
  }

  /** True when the router ever sent this invocation id to this callee. */
  wasIssued(callee: RealmMember, invocationId: number): boolean {
    const state = this.callees.get(callee.id);
    return state !== undefined && invocationId <= state.ids.current;
  }

  inFlightAsCaller(caller: RealmMember): number {
    return this.callers.get(caller.id)?.size ?? 0;
  }

  inFlightAsCallee(callee: RealmMember): number {
    return this.callees.get(callee.id)?.inFlight.size ?? 0;
  }

  /** Ends one invocation (answered, canceled, timed out or abandoned); stops its timer. */
  finish(record: InvocationRecord): void {
    if (record.timer !== undefined) {
      clearTimeout(record.timer);
      record.timer = undefined;
    }
    const state = this.callees.get(record.callee.id);
    if (state?.inFlight.delete(record.id)) this.count--;
    const calls = this.callers.get(record.caller.id);
    if (calls?.get(record.callRequest) === record) calls.delete(record.callRequest);
    if (calls?.size === 0) this.callers.delete(record.caller.id);
  }

  /** The invocations a session is the callee of. */
  asCallee(calleeId: number): InvocationRecord[] {
    return [...(this.callees.get(calleeId)?.inFlight.values() ?? [])];
  }

  /** The calls a session is waiting on as caller. */
  asCaller(callerId: number): InvocationRecord[] {
    return [...(this.callers.get(callerId)?.values() ?? [])];
  }

  /** Forgets a departed callee's id counter (after its invocations were finished). */
  forgetCallee(calleeId: number): void {
    this.callees.delete(calleeId);
  }

  /** Timers running for dealer-side call timeouts. */
  get timers(): number {
    let timers = 0;
    for (const state of this.callees.values()) for (const record of state.inFlight.values()) if (record.timer !== undefined) timers++;
    return timers;
  }

  get size(): number {
    return this.count;
  }
}
