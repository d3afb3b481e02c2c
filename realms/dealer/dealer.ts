// The dealer: REGISTER / UNREGISTER / CALL → INVOCATION → YIELD | ERROR → RESULT | ERROR,
// with the Advanced Profile's RPC features. Handlers validate, then mutate synchronously.
// spec: basic/remote_procedure_call.md, advanced/rpc_*.md
import { MessageType } from '../protocol/message-type.js';
import type { Call, Cancel, Dict, ErrorMessage, Register, Unregister, Yield } from '../protocol/messages.js';
import { ErrorUri } from '../protocol/uris.js';
import { ProtocolViolation, WampError } from '../protocol/errors.js';
import type { RealmMember } from '../member.js';
import type { MatchPolicy } from '../uri-match/uri-matcher.js';
import { RegistrationTable, pickCallee, type InvokePolicy, type Registration } from './registrations.js';
import { InvocationTable, type InvocationRecord } from './invocations.js';
import { RecentRequests } from './recent-requests.js';
import * as can from './capabilities.js';
import type { RealmEvents } from '../realm-events.js';

export interface DealerOptions {
  /** Calls one session may have waiting as caller; past it CALL fails with TOO_MANY_CALLS_URI. */
  maxCallsPerCaller: number;
  /** Invocations one callee may have in flight; past it the dealer picks another or fails the CALL. */
  maxCallsPerCallee: number;
  /** Whether callers may disclose themselves to callees (disclose_me / disclose_caller). */
  allowDisclosure: boolean;
}

export const DEFAULT_DEALER_OPTIONS: DealerOptions = {
  maxCallsPerCaller: 1000,
  maxCallsPerCallee: 10_000,
  allowDisclosure: true,
};

/** ERROR URI for a CALL refused because a per-session in-flight limit is reached. */
export const TOO_MANY_CALLS_URI = 'sprocket.error.too_many_calls';

export type CancelMode = 'skip' | 'kill' | 'killnowait';

export class Dealer {
  readonly registrations = new RegistrationTable();
  readonly invocations = new InvocationTable();
  /** Progressive calls that ended recently, so late chunks are discarded, not taken as new calls. */
  private readonly endedStreams = new RecentRequests();
  private readonly options: DealerOptions;

  constructor(
    private readonly events: RealmEvents,
    options: Partial<DealerOptions> = {},
  ) {
    this.options = { ...DEFAULT_DEALER_OPTIONS, ...options };
  }

  register(callee: RealmMember, message: Register): void {
    const { procedure, options } = message;
    const match = (options.match ?? 'exact') as MatchPolicy;
    const invoke = (options.invoke ?? 'single') as InvokePolicy;
    const discloseCaller = options.disclose_caller === true;
    if (discloseCaller && !this.options.allowDisclosure && !callee.trusted) {
      throw new WampError(ErrorUri.optionNotAllowed, 'this realm does not allow caller disclosure (disclose_caller)');
    }
    if (options.force_reregister === true) this.replaceOwnRegistrations(callee, procedure, match);
    const existing = this.registrations.find(procedure, match);
    if (existing !== undefined) this.checkShareable(existing, callee, invoke);
    const { registration, created } = this.registrations.add(procedure, match, invoke, {
      member: callee,
      discloseCaller,
      forwardTimeout: options.forward_timeout === true,
      registered: new Date(),
    });
    callee.send({ type: MessageType.REGISTERED, request: message.request, registration: registration.id });
    if (created) this.events.emit('registrationCreated', callee, registration);
    this.events.emit('registered', callee, registration);
  }

  // spec: advanced/rpc_shared_registration.md — the first registrant's policy decides.
  private checkShareable(existing: Registration, callee: RealmMember, invoke: InvokePolicy): void {
    const uri = `${existing.procedure}${existing.match === 'exact' ? '' : ` (match ${existing.match})`}`;
    if (existing.callees.some((entry) => entry.member === callee)) {
      throw new WampError(ErrorUri.procedureAlreadyExists, `procedure ${uri} is already registered by this session`);
    }
    if (existing.invoke === 'single') {
      throw new WampError(ErrorUri.procedureAlreadyExists, `procedure ${uri} is already registered (invoke "single" allows one callee)`);
    }
    if (existing.invoke !== invoke) {
      throw new WampError(
        ErrorUri.procedureAlreadyExists,
        `procedure ${uri} is registered with invoke "${existing.invoke}"; a shared registration must use the same policy, not "${invoke}"`,
      );
    }
  }

  /**
   * force_reregister (a Crossbar/Autobahn option, not in the spec): a reconnecting worker takes
   * over the registration its previous session (same authid) still holds.
   */
  private replaceOwnRegistrations(callee: RealmMember, procedure: string, match: MatchPolicy): void {
    const existing = this.registrations.find(procedure, match);
    if (existing === undefined) return;
    const stale = existing.callees.filter((entry) => entry.member !== callee && entry.member.authid === callee.authid);
    for (const entry of stale) this.revoke(entry.member, existing, 'replaced by a force_reregister from the same authid');
  }

  /** Removes a callee from a registration the router takes back; its calls in flight are canceled. */
  revoke(member: RealmMember, registration: Registration, reason: string): void {
    if (!this.removeCallee(member, registration.id)) return;
    for (const record of this.invocations.asCallee(member.id)) {
      if (record.registration !== registration) continue;
      this.complete(record);
      this.sendCallError(record, ErrorUri.canceled, `the callee of ${record.procedure} was unregistered: ${reason}`);
      if (can.canBeInterrupted(member)) this.interrupt(record, 'killnowait', ErrorUri.canceled);
    }
    // spec: advanced/rpc_registration_revocation.md — UNREGISTERED only to callees that announced it.
    if (can.acceptsRevocation(member)) {
      member.send({ type: MessageType.UNREGISTERED, request: 0, details: { registration: registration.id, reason } });
    }
  }

  unregister(callee: RealmMember, message: Unregister): void {
    if (this.registrations.get(message.registration)?.callees.some((entry) => entry.member === callee) !== true) {
      throw new WampError(ErrorUri.noSuchRegistration, `session holds no registration ${message.registration}`);
    }
    callee.send({ type: MessageType.UNREGISTERED, request: message.request });
    this.removeCallee(callee, message.registration);
  }

  /** Takes a callee off a registration and tells observers; false when it was not on it. */
  private removeCallee(member: RealmMember, registrationId: number): boolean {
    const removed = this.registrations.remove(member, registrationId);
    if (removed === undefined) return false;
    this.events.emit('unregistered', member, removed.registration);
    if (removed.deleted) this.events.emit('registrationDeleted', member, removed.registration);
    return true;
  }

  call(caller: RealmMember, message: Call): void {
    const active = this.invocations.byCall(caller, message.request);
    if (active !== undefined) return this.continueStream(active, message);
    // spec: advanced/rpc_progressive_call_invocations.md#continuations-on-completed-calls — discard.
    if (this.endedStreams.has(caller.id, message.request)) return;
    const streaming = message.options.progress === true;
    if (streaming && !can.callerStreams(caller)) {
      throw new ProtocolViolation('CALL.Options.progress is set, but the caller did not announce progressive_call_invocations');
    }
    const registration = this.registrations.route(message.procedure);
    if (registration === undefined) {
      throw new WampError(ErrorUri.noSuchProcedure, `no callee registered procedure ${message.procedure}`);
    }
    const discloseMe = message.options.disclose_me === true;
    if (discloseMe && !this.options.allowDisclosure) {
      throw new WampError(ErrorUri.discloseMeDisallowed, 'this realm does not allow callers to disclose themselves');
    }
    if (this.invocations.inFlightAsCaller(caller) >= this.options.maxCallsPerCaller) {
      throw new WampError(TOO_MANY_CALLS_URI, `this session already has ${this.options.maxCallsPerCaller} calls in flight (the limit)`);
    }
    const entry = pickCallee(registration, (candidate) => this.invocations.inFlightAsCallee(candidate.member) < this.options.maxCallsPerCallee);
    if (entry === undefined) {
      throw new WampError(TOO_MANY_CALLS_URI, `every callee of ${message.procedure} has ${this.options.maxCallsPerCallee} calls in flight (the limit)`);
    }
    const callee = entry.member;
    if (streaming && !can.takesProgressiveInvocations(callee)) {
      throw new WampError(ErrorUri.featureNotSupported, `the callee of ${message.procedure} does not support progressive call invocations`);
    }

    const details: Dict = {};
    if (registration.match !== 'exact') details.procedure = message.procedure;
    if (discloseMe || entry.discloseCaller) {
      details.caller = caller.id;
      details.caller_authid = caller.authid;
      details.caller_authrole = caller.authrole;
    }
    const receiveProgress = message.options.receive_progress === true && can.sendsProgress(callee);
    if (receiveProgress) details.receive_progress = true;
    const timeout = typeof message.options.timeout === 'number' ? message.options.timeout : 0;
    // spec: advanced/rpc_call_timeout.md — forward to a callee that handles timeouts and asked for it.
    const forwardTimeout = timeout > 0 && entry.forwardTimeout && can.handlesTimeouts(callee);
    if (forwardTimeout) details.timeout = timeout;

    const record = this.invocations.start({
      callRequest: message.request,
      caller,
      callee,
      registration,
      procedure: message.procedure,
      details,
      receiveProgress,
      timeoutMs: forwardTimeout ? 0 : timeout,
      callerStreaming: streaming,
    });
    this.armTimeout(record);
    callee.send({
      type: MessageType.INVOCATION,
      request: record.id,
      registration: registration.id,
      details: streaming ? { ...details, progress: true } : details,
      args: message.args,
      kwargs: message.kwargs,
    });
  }

  /**
   * A further chunk of a progressive call: same callee, same INVOCATION id, and the details of the
   * first chunk (spec: advanced/rpc_progressive_call_invocations.md#freezing-of-options).
   */
  private continueStream(record: InvocationRecord, message: Call): void {
    if (!record.callerStreaming) {
      throw new ProtocolViolation(`CALL.Request ${message.request} is already in flight in this session`);
    }
    const more = message.options.progress === true;
    record.callerStreaming = more;
    record.callee.send({
      type: MessageType.INVOCATION,
      request: record.id,
      registration: record.registration.id,
      details: more ? { ...record.details, progress: true } : record.details,
      args: message.args,
      kwargs: message.kwargs,
    });
  }

  // spec: basic/remote_procedure_call.md#calling-and-invocations, advanced/rpc_progressive_call_results.md
  yield(callee: RealmMember, message: Yield): void {
    const record = this.answered(callee, message.request, 'YIELD');
    if (record === undefined) return;
    if (message.options.progress === true) {
      // Progress for a caller that did not ask for it is dropped; the final YIELD still completes.
      if (!record.receiveProgress) return;
      this.armTimeout(record); // the timeout applies to the wait for each next result
      record.caller.send({
        type: MessageType.RESULT,
        request: record.callRequest,
        details: { progress: true },
        args: message.args,
        kwargs: message.kwargs,
      });
      return;
    }
    this.complete(record);
    record.caller.send({ type: MessageType.RESULT, request: record.callRequest, details: {}, args: message.args, kwargs: message.kwargs });
  }

  /** The callee's ERROR for an INVOCATION, relayed to the caller with URI and payload unchanged. */
  error(callee: RealmMember, message: ErrorMessage): void {
    if (message.requestType !== MessageType.INVOCATION) {
      throw new ProtocolViolation(`ERROR is only accepted for INVOCATION (68), got REQUEST.Type ${message.requestType}`);
    }
    const record = this.answered(callee, message.request, 'ERROR');
    if (record === undefined) return;
    this.complete(record);
    record.caller.send({
      type: MessageType.ERROR,
      requestType: MessageType.CALL,
      request: record.callRequest,
      details: {},
      error: message.error,
      args: message.args,
      kwargs: message.kwargs,
    });
  }

  // spec: advanced/rpc_call_canceling.md — INTERRUPT only to callees that announced call_canceling.
  cancel(caller: RealmMember, message: Cancel): void {
    const record = this.invocations.byCall(caller, message.request);
    if (record === undefined || record.killRequested) return; // already ended or being killed
    const requested = (message.options.mode ?? 'killnowait') as CancelMode;
    const mode: CancelMode = can.canBeInterrupted(record.callee) ? requested : 'skip';
    if (mode === 'kill') {
      // The caller gets whatever the callee answers to the INTERRUPT (RESULT or ERROR).
      record.killRequested = true;
      this.interrupt(record, 'kill', ErrorUri.canceled);
      return;
    }
    this.complete(record);
    if (mode === 'killnowait') this.interrupt(record, 'killnowait', ErrorUri.canceled);
    this.sendCallError(record, ErrorUri.canceled, 'the call was canceled by the caller');
  }

  removeSession(member: RealmMember): void {
    for (const registration of this.registrations.ofSession(member.id)) this.removeCallee(member, registration.id);
    // spec: basic/remote_procedure_call.md — callers of a vanished callee get ERROR canceled.
    for (const record of this.invocations.asCallee(member.id)) {
      this.complete(record);
      this.sendCallError(record, ErrorUri.canceled, `the callee of ${record.procedure} left before answering`);
    }
    this.invocations.forgetCallee(member.id);
    // A departed caller's calls are forgotten; callees that can be interrupted are told.
    for (const record of this.invocations.asCaller(member.id)) {
      this.invocations.finish(record);
      if (can.canBeInterrupted(record.callee)) this.interrupt(record, 'killnowait', ErrorUri.canceled);
    }
    this.endedStreams.forget(member.id);
  }

  /** Timers the dealer holds for call timeouts. */
  get timers(): number {
    return this.invocations.timers;
  }

  private armTimeout(record: InvocationRecord): void {
    if (record.timeoutMs <= 0) return;
    if (record.timer !== undefined) clearTimeout(record.timer);
    record.timer = setTimeout(() => this.timedOut(record), record.timeoutMs);
  }

  // spec: advanced/rpc_call_timeout.md#dealer-initiated-timeouts — killnowait if possible, else skip.
  private timedOut(record: InvocationRecord): void {
    record.timer = undefined;
    this.complete(record);
    if (can.canBeInterrupted(record.callee)) this.interrupt(record, 'killnowait', ErrorUri.timeout);
    this.sendCallError(record, ErrorUri.timeout, `${record.procedure} did not answer within ${record.timeoutMs} ms`);
  }

  /** Ends a call; a progressive call's id is remembered so late chunks are discarded. */
  private complete(record: InvocationRecord): void {
    this.invocations.finish(record);
    if (record.callerStreaming) this.endedStreams.add(record.caller.id, record.callRequest);
  }

  private interrupt(record: InvocationRecord, mode: CancelMode, reason: string): void {
    record.callee.send({ type: MessageType.INTERRUPT, request: record.id, options: { mode, reason } });
  }

  private sendCallError(record: InvocationRecord, uri: string, text: string): void {
    record.caller.send({
      type: MessageType.ERROR,
      requestType: MessageType.CALL,
      request: record.callRequest,
      details: {},
      error: uri,
      args: [text],
    });
  }

  /** The invocation a YIELD/ERROR answers; undefined (drop silently) when it already ended. */
  private answered(callee: RealmMember, invocationId: number, what: string): InvocationRecord | undefined {
    const record = this.invocations.byInvocation(callee, invocationId);
    if (record !== undefined) return record;
    if (this.invocations.wasIssued(callee, invocationId)) return undefined;
    throw new ProtocolViolation(`${what}.Request ${invocationId} is not an invocation the router sent to this session`);
  }
}
