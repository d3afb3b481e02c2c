// The router's own session in a realm: a trusted, internal RealmMember that serves the meta API.
// It talks to the realm only through realm.handle (REGISTER, PUBLISH, YIELD, ERROR), like any
// client, so broker and dealer have no special cases for it (DESIGN.md, "Dispatch").
import { MessageType } from '../protocol/message-type.js';
import type { Args, Dict, Invocation, Message } from '../protocol/messages.js';
import { WampError } from '../protocol/errors.js';
import { IdSequence, randomId } from '../protocol/ids.js';
import type { RealmMember } from '../member.js';
import type { Realm } from '../realm.js';
import { INTERNAL_ERROR_URI } from '../dispatch.js';

type InvocationAnswer = { args?: Args; kwargs?: Dict } | undefined;

/**
 * Answers one INVOCATION: the YIELD payload (undefined: no value), or throws a WampError; a
 * Promise of either when the answer waits for the authorizer (wamp.subscription.get_events).
 */
export type InvocationHandler = (invocation: Invocation) => InvocationAnswer | Promise<InvocationAnswer>;

export class InternalMember implements RealmMember {
  /** Global-scope random id, like every session id (basic/building_blocks.md#ids). */
  readonly id = randomId();
  readonly authid = 'sprocket';
  readonly authrole = 'trusted';
  readonly authmethod = 'internal';
  readonly authprovider = 'router';
  readonly transport: Dict = { type: 'internal' };
  // No call_canceling: the dealer never sends it INTERRUPT (its answers come at once).
  readonly roles: Dict = { publisher: {}, callee: {} };
  readonly trusted = true;
  readonly internal = true;
  private readonly requests = new IdSequence();
  private readonly handlers = new Map<number, InvocationHandler>();
  /** The request whose reply register() is waiting for (the dealer answers synchronously). */
  private awaited = 0;
  private reply: Message | undefined;

  constructor(private readonly realmRef: Realm) {}

  get realm(): string {
    return this.realmRef.name;
  }

  /** REGISTERs a procedure; returns the registration id, or the error the dealer answered with. */
  register(procedure: string, options: Dict, handler: InvocationHandler): number | WampError {
    const request = this.requests.next();
    this.awaited = request;
    this.reply = undefined;
    this.realmRef.handle(this, { type: MessageType.REGISTER, request, options, procedure });
    const reply = this.reply as Message | undefined;
    this.awaited = 0;
    this.reply = undefined;
    if (reply?.type === MessageType.REGISTERED) {
      this.handlers.set(reply.registration, handler);
      return reply.registration;
    }
    if (reply?.type === MessageType.ERROR) return new WampError(reply.error, String(reply.args?.[0] ?? reply.error));
    return new WampError(INTERNAL_ERROR_URI, `no answer to REGISTER ${procedure}`);
  }

  /** PUBLISHes without acknowledgement: the broker routes it like any client's. */
  publish(topic: string, args: Args, kwargs?: Dict, options: Dict = {}): void {
    this.realmRef.handle(this, { type: MessageType.PUBLISH, request: this.requests.next(), options, topic, args, kwargs });
  }

  /** RealmMember.send: INVOCATIONs are answered after the router's current step, never re-entrantly. */
  send(message: Message): void {
    if (message.type === MessageType.INVOCATION) {
      queueMicrotask(() => this.invoke(message));
      return;
    }
    if ('request' in message && this.awaited !== 0 && message.request === this.awaited) this.reply = message;
  }

  /** The router's own session is never closed by a client (kill* skip internal members). */
  close(): void {}

  isOpen(): boolean {
    return true;
  }

  private invoke(invocation: Invocation): void {
    let result: InvocationAnswer | Promise<InvocationAnswer>;
    try {
      const handler = this.handlers.get(invocation.registration);
      if (handler === undefined) throw new WampError('wamp.error.no_such_registration', 'meta procedure handler is gone');
      result = handler(invocation);
    } catch (error) {
      return this.fail(invocation, error);
    }
    if (result instanceof Promise) {
      result.then(
        (value) => this.yieldResult(invocation, value),
        (error: unknown) => this.fail(invocation, error),
      );
      return;
    }
    this.yieldResult(invocation, result);
  }

  private yieldResult(invocation: Invocation, result: InvocationAnswer): void {
    this.realmRef.handle(this, { type: MessageType.YIELD, request: invocation.request, options: {}, args: result?.args, kwargs: result?.kwargs });
  }

  private fail(invocation: Invocation, error: unknown): void {
    const wampError = error instanceof WampError ? error : this.bug(error, invocation);
    this.realmRef.handle(this, {
      type: MessageType.ERROR,
      requestType: MessageType.INVOCATION,
      request: invocation.request,
      details: {},
      error: wampError.uri,
      args: wampError.args ?? [wampError.message],
      kwargs: wampError.kwargs,
    });
  }

  private bug(error: unknown, invocation: Invocation): WampError {
    this.realmRef.logger.error({ err: error, realm: this.realm, registration: invocation.registration }, 'router bug in a meta procedure');
    return new WampError(INTERNAL_ERROR_URI, 'internal router error; the meta procedure failed');
  }
}
