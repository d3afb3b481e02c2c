// Calls in flight: CALL → INVOCATION until YIELD/ERROR, the caller leaving, the callee
// leaving, or a CANCEL. Indexed by caller request id and by callee invocation id.
import { IdSequence } from '../protocol/ids.js';
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
}

interface CalleeState {
  /** Invocation ids issued to this callee; a YIELD for an id above `current` was never issued. */
  readonly ids: IdSequence;
  readonly inFlight: Map<number, InvocationRecord>;
}

export class InvocationTable {
  private readonly callees = new Map<number, CalleeState>();
  private readonly callers = new Map<number, Map<number, InvocationRecord>>();
  private count = 0;

  start(caller: RealmMember, callRequest: number, registration: Registration): InvocationRecord {
    const callee = registration.callee;
    let state = this.callees.get(callee.id);
    if (state === undefined) this.callees.set(callee.id, (state = { ids: new IdSequence(), inFlight: new Map() }));
    const record: InvocationRecord = { id: state.ids.next(), callRequest, caller, callee, registration };
    state.inFlight.set(record.id, record);
    let calls = this.callers.get(caller.id);
    if (calls === undefined) this.callers.set(caller.id, (calls = new Map()));
    calls.set(callRequest, record);
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

  /** Ends one invocation (answered, canceled or abandoned). */
  finish(record: InvocationRecord): void {
    const state = this.callees.get(record.callee.id);
    if (state?.inFlight.delete(record.id)) this.count--;
    const calls = this.callers.get(record.caller.id);
    calls?.delete(record.callRequest);
    if (calls?.size === 0) this.callers.delete(record.caller.id);
  }

  /** Ends and returns every invocation a session is the callee of, and forgets its id counter. */
  takeAsCallee(calleeId: number): InvocationRecord[] {
    const state = this.callees.get(calleeId);
    if (state === undefined) return [];
    const records = [...state.inFlight.values()];
    for (const record of records) this.finish(record);
    this.callees.delete(calleeId);
    return records;
  }

  /** Ends and returns every call a session is waiting on as caller. */
  takeAsCaller(callerId: number): InvocationRecord[] {
    const calls = this.callers.get(callerId);
    if (calls === undefined) return [];
    const records = [...calls.values()];
    for (const record of records) this.finish(record);
    return records;
  }

  get size(): number {
    return this.count;
  }
}
