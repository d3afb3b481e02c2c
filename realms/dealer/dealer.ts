// The dealer: REGISTER / UNREGISTER / CALL → INVOCATION → YIELD | ERROR → RESULT | ERROR
// (spec: basic/remote_procedure_call.md). Handlers validate, then mutate synchronously.
import { MessageType } from '../protocol/message-type.js';
import type { Call, Cancel, ErrorMessage, Register, Unregister, Yield } from '../protocol/messages.js';
import { ErrorUri } from '../protocol/uris.js';
import { ProtocolViolation, WampError } from '../protocol/errors.js';
import type { RealmMember } from '../member.js';
import { RegistrationTable } from './registrations.js';
import { InvocationTable, type InvocationRecord } from './invocations.js';

export class Dealer {
  readonly registrations = new RegistrationTable();
  readonly invocations = new InvocationTable();

  register(callee: RealmMember, message: Register): void {
    const match = message.options.match;
    if (match !== undefined && match !== 'exact') {
      throw new WampError(ErrorUri.featureNotSupported, `match "${String(match)}" registrations are not supported yet`);
    }
    const invoke = message.options.invoke;
    if (invoke !== undefined && invoke !== 'single') {
      throw new WampError(ErrorUri.featureNotSupported, `invoke "${String(invoke)}" (shared registration) is not supported yet`);
    }
    if (this.registrations.lookup(message.procedure) !== undefined) {
      throw new WampError(ErrorUri.procedureAlreadyExists, `procedure ${message.procedure} is already registered`);
    }
    const registration = this.registrations.add(callee, message.procedure);
    callee.send({ type: MessageType.REGISTERED, request: message.request, registration: registration.id });
  }

  unregister(callee: RealmMember, message: Unregister): void {
    if (!this.registrations.remove(callee, message.registration)) {
      throw new WampError(ErrorUri.noSuchRegistration, `session holds no registration ${message.registration}`);
    }
    callee.send({ type: MessageType.UNREGISTERED, request: message.request });
  }

  call(caller: RealmMember, message: Call): void {
    const registration = this.registrations.lookup(message.procedure);
    if (registration === undefined) {
      throw new WampError(ErrorUri.noSuchProcedure, `no callee registered procedure ${message.procedure}`);
    }
    if (this.invocations.byCall(caller, message.request) !== undefined) {
      throw new ProtocolViolation(`CALL.Request ${message.request} is already in flight in this session`);
    }
    const record = this.invocations.start(caller, message.request, registration);
    registration.callee.send({
      type: MessageType.INVOCATION,
      request: record.id,
      registration: registration.id,
      details: {},
      args: message.args,
      kwargs: message.kwargs,
    });
  }

  // spec: basic/remote_procedure_call.md#calling-and-invocations — the callee's YIELD becomes RESULT.
  yield(callee: RealmMember, message: Yield): void {
    const record = this.answered(callee, message.request, 'YIELD');
    if (record === undefined) return;
    // Progressive results are not announced, so a caller never asked for them: drop the
    // progress YIELD; the final one still completes the call.
    if (message.options.progress === true) return;
    this.invocations.finish(record);
    record.caller.send({
      type: MessageType.RESULT,
      request: record.callRequest,
      details: {},
      args: message.args,
      kwargs: message.kwargs,
    });
  }

  /** The callee's ERROR for an INVOCATION, relayed to the caller with URI and payload unchanged. */
  error(callee: RealmMember, message: ErrorMessage): void {
    if (message.requestType !== MessageType.INVOCATION) {
      throw new ProtocolViolation(`ERROR is only accepted for INVOCATION (68), got REQUEST.Type ${message.requestType}`);
    }
    const record = this.answered(callee, message.request, 'ERROR');
    if (record === undefined) return;
    this.invocations.finish(record);
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

  /**
   * CANCEL in `skip` mode: the caller gets wamp.error.canceled at once and the callee's late
   * answer is dropped. The callee is never interrupted (call_canceling is not announced yet).
   */
  cancel(caller: RealmMember, message: Cancel): void {
    const record = this.invocations.byCall(caller, message.request);
    if (record === undefined) return; // the call already ended; nothing to cancel
    this.invocations.finish(record);
    caller.send({
      type: MessageType.ERROR,
      requestType: MessageType.CALL,
      request: message.request,
      details: {},
      error: ErrorUri.canceled,
      args: ['the call was canceled by the caller'],
    });
  }

  removeSession(member: RealmMember): void {
    this.registrations.removeSession(member.id);
    // Calls the leaving session was waiting on are forgotten; late answers are dropped.
    this.invocations.takeAsCaller(member.id);
    // spec: basic/remote_procedure_call.md — callers of a vanished callee get an ERROR.
    for (const record of this.invocations.takeAsCallee(member.id)) {
      record.caller.send({
        type: MessageType.ERROR,
        requestType: MessageType.CALL,
        request: record.callRequest,
        details: {},
        error: ErrorUri.canceled,
        args: [`the callee of ${record.registration.procedure} left before answering`],
      });
    }
  }

  /** The invocation a YIELD/ERROR answers; undefined (drop silently) when it already ended. */
  private answered(callee: RealmMember, invocationId: number, what: string): InvocationRecord | undefined {
    const record = this.invocations.byInvocation(callee, invocationId);
    if (record !== undefined) return record;
    if (this.invocations.wasIssued(callee, invocationId)) return undefined;
    throw new ProtocolViolation(`${what}.Request ${invocationId} is not an invocation the router sent to this session`);
  }
}
