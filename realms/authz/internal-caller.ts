// The router's own caller in a realm: a trusted, internal RealmMember that CALLs procedures
// registered by backend sessions (the dynamic authorizer, dynamic authenticators) through the
// realm's normal dealer, like any client (DESIGN.md: realms/meta/internal-member.ts does the
// same for REGISTER and PUBLISH). Each call has a time limit; a call that runs out of time is
// CANCELed (killnowait) so nothing stays in flight.
import { MessageType } from '../protocol/message-type.js';
import type { Args, Dict, Message } from '../protocol/messages.js';
import { WampError } from '../protocol/errors.js';
import { ErrorUri } from '../protocol/uris.js';
import { IdSequence, randomId } from '../protocol/ids.js';
import type { RealmMember } from '../member.js';

/** What the caller needs of its realm (a structural type, so this file does not import realm.ts). */
export interface CallerRealm {
  readonly name: string;
  handle(member: RealmMember, message: Message): void;
  join(member: RealmMember): void;
}

/** A RESULT: positional and keyword values. */
export interface InternalResult {
  args: Args;
  kwargs: Dict;
}

interface PendingCall {
  resolve(result: InternalResult): void;
  reject(error: WampError): void;
  timer: NodeJS.Timeout;
  procedure: string;
}

export class InternalCaller implements RealmMember {
  readonly id = randomId();
  readonly authid = 'sprocket';
  readonly authrole = 'trusted';
  readonly authmethod = 'internal';
  readonly authprovider = 'router';
  readonly transport: Dict = { type: 'internal' };
  // call_canceling: a timed-out call is canceled with killnowait, never left in flight.
  readonly roles: Dict = { caller: { features: { call_canceling: true, call_timeout: true } } };
  readonly trusted = true;
  readonly internal = true;
  private readonly requests = new IdSequence();
  private readonly pending = new Map<number, PendingCall>();
  private joined = false;

  constructor(private readonly realmRef: CallerRealm) {}

  get realm(): string {
    return this.realmRef.name;
  }

  /** Timers held for calls in flight (counted in router.stats()). */
  get timers(): number {
    return this.pending.size;
  }

  /**
   * CALLs `procedure`; resolves with its RESULT, rejects with a WampError for an ERROR
   * (including wamp.error.no_such_procedure) or wamp.error.timeout after `timeoutMs`.
   */
  call(procedure: string, args: Args, kwargs: Dict, timeoutMs: number): Promise<InternalResult> {
    if (!this.joined) {
      this.joined = true;
      this.realmRef.join(this);
    }
    const request = this.requests.next();
    return new Promise<InternalResult>((resolve, reject) => {
      const timer = setTimeout(() => this.timedOut(request), timeoutMs);
      this.pending.set(request, { resolve, reject, timer, procedure });
      this.realmRef.handle(this, { type: MessageType.CALL, request, options: {}, procedure, args, kwargs });
    });
  }

  /** RealmMember.send: RESULT or ERROR for one of our calls. */
  send(message: Message): void {
    if (message.type === MessageType.RESULT) {
      if (message.details.progress === true) return;
      this.take(message.request)?.resolve({ args: message.args ?? [], kwargs: message.kwargs ?? {} });
    } else if (message.type === MessageType.ERROR && message.requestType === MessageType.CALL) {
      const text = typeof message.args?.[0] === 'string' ? message.args[0] : message.error;
      this.take(message.request)?.reject(new WampError(message.error, text, message.args, message.kwargs));
    }
  }

  private timedOut(request: number): void {
    const pending = this.pending.get(request);
    if (pending === undefined) return;
    this.pending.delete(request);
    // The dealer forgets the call (and interrupts a callee that can be interrupted); its late
    // ERROR canceled finds nothing pending here.
    this.realmRef.handle(this, { type: MessageType.CANCEL, request, options: { mode: 'killnowait' } });
    pending.reject(new WampError(ErrorUri.timeout, `${pending.procedure} did not answer in time`));
  }

  private take(request: number): PendingCall | undefined {
    const pending = this.pending.get(request);
    if (pending === undefined) return undefined;
    this.pending.delete(request);
    clearTimeout(pending.timer);
    return pending;
  }

  /** The router's own session is never closed by a client (kill* skip internal members). */
  close(): void {}

  isOpen(): boolean {
    return true;
  }
}
