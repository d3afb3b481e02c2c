// An in-process session: application code that registers, calls, subscribes and publishes
// from inside the router with no network hop and no serialization (the modern form of
// Ratchet's WAMP handler). It goes through the realm's dispatcher like any client.
import { MessageType } from '../../realms/protocol/message-type.js';
import type { Args, Dict, Message } from '../../realms/protocol/messages.js';
import { WampError } from '../../realms/protocol/errors.js';
import { IdSequence } from '../../realms/protocol/ids.js';
import type { RealmMember } from '../../realms/member.js';
import type { Realm } from '../../realms/realm.js';
import type { ManagedSession, SessionManager } from './session-manager.js';

/** What a procedure handler or event handler receives. */
export interface CallDetails {
  procedure?: string;
  details: Dict;
}

/** A procedure result with several positional values or keyword values. */
export class CallResult {
  constructor(
    readonly args: Args = [],
    readonly kwargs: Dict = {},
  ) {}
}

export type ProcedureHandler = (args: Args, kwargs: Dict, details: Dict) => unknown;
export type EventHandler = (args: Args, kwargs: Dict, details: Dict) => void;

export interface LocalSessionOptions {
  authid?: string;
  authrole?: string;
  /** Trusted sessions may register and publish under the reserved `wamp.` namespace. */
  trusted?: boolean;
}

/** Error URI for an exception thrown by a local procedure handler that is not a WampError. */
export const RUNTIME_ERROR_URI = 'wamp.error.runtime_error';

interface Pending {
  resolve: (message: Message) => void;
  reject: (error: Error) => void;
}

export class LocalSession implements RealmMember, ManagedSession {
  readonly authmethod = 'local';
  readonly authprovider = 'router';
  readonly transport: Dict = { type: 'local' };
  readonly authid: string;
  readonly authrole: string;
  readonly trusted: boolean;
  readonly roles: Dict = { publisher: {}, subscriber: {}, caller: {}, callee: {} };
  private open = true;
  private readonly requests = new IdSequence();
  private readonly pending = new Map<number, Pending>();
  private readonly procedures = new Map<number, ProcedureHandler>();
  private readonly handlers = new Map<number, EventHandler>();
  /** Event handlers of SUBSCRIBEs not yet answered, by request id. */
  private readonly subscribing = new Map<number, EventHandler>();

  constructor(
    private readonly realmRef: Realm,
    readonly id: number,
    private readonly sessions: SessionManager,
    options: LocalSessionOptions = {},
  ) {
    this.authid = options.authid ?? `local-${id}`;
    this.authrole = options.authrole ?? 'local';
    this.trusted = options.trusted ?? false;
    sessions.add(this);
    realmRef.join(this);
  }

  get realm(): string {
    return this.realmRef.name;
  }

  isOpen(): boolean {
    return this.open;
  }

  /** Registers `procedure`; resolves to the registration id once the dealer accepted it. */
  async register(procedure: string, handler: ProcedureHandler, options: Dict = {}): Promise<number> {
    const reply = await this.request((request) => ({ type: MessageType.REGISTER, request, options, procedure }));
    if (reply.type !== MessageType.REGISTERED) throw new Error('unexpected reply to REGISTER');
    this.procedures.set(reply.registration, handler);
    return reply.registration;
  }

  async unregister(registration: number): Promise<void> {
    await this.request((request) => ({ type: MessageType.UNREGISTER, request, registration }));
    this.procedures.delete(registration);
  }

  /** Calls a procedure; resolves to its RESULT (args and kwargs) or rejects with a WampError. */
  async call(procedure: string, args: Args = [], kwargs: Dict = {}, options: Dict = {}): Promise<CallResult> {
    const reply = await this.request((request) => ({ type: MessageType.CALL, request, options, procedure, args, kwargs }));
    if (reply.type !== MessageType.RESULT) throw new Error('unexpected reply to CALL');
    return new CallResult(reply.args ?? [], reply.kwargs ?? {});
  }

  async subscribe(topic: string, handler: EventHandler, options: Dict = {}): Promise<number> {
    const reply = await this.request((request) => {
      // Retained events follow SUBSCRIBED at once: the handler must be in place when it arrives.
      this.subscribing.set(request, handler);
      return { type: MessageType.SUBSCRIBE, request, options, topic };
    });
    if (reply.type !== MessageType.SUBSCRIBED) throw new Error('unexpected reply to SUBSCRIBE');
    return reply.subscription;
  }

  async unsubscribe(subscription: number): Promise<void> {
    await this.request((request) => ({ type: MessageType.UNSUBSCRIBE, request, subscription }));
    this.handlers.delete(subscription);
  }

  /**
   * Publishes an event. With `{ acknowledge: true }` resolves to the publication id once the
   * broker accepted it (or rejects with its error); otherwise resolves at once.
   */
  async publish(topic: string, args: Args = [], kwargs: Dict = {}, options: Dict = {}): Promise<number | undefined> {
    if (options.acknowledge !== true) {
      this.deliver({ type: MessageType.PUBLISH, request: this.requests.next(), options, topic, args, kwargs });
      return undefined;
    }
    const reply = await this.request((request) => ({ type: MessageType.PUBLISH, request, options, topic, args, kwargs }));
    return reply.type === MessageType.PUBLISHED ? reply.publication : undefined;
  }

  /** Leaves the realm: registrations and subscriptions go away, pending requests reject. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.realmRef.leave(this);
    this.sessions.remove(this, this.id);
    for (const pending of this.pending.values()) pending.reject(new WampError('wamp.close.goodbye_and_out', 'session closed'));
    this.pending.clear();
  }

  /** ManagedSession: the router is shutting down. */
  shutdown(): void {
    this.close();
  }

  terminate(): void {
    this.close();
  }

  /** RealmMember.send: the router delivers a message to this session. */
  send(message: Message): void {
    if (!this.open) return;
    // Run application code after the router's current step, never re-entrantly inside it.
    queueMicrotask(() => this.receive(message));
  }

  private receive(message: Message): void {
    switch (message.type) {
      case MessageType.EVENT:
        this.handlers.get(message.subscription)?.(message.args ?? [], message.kwargs ?? {}, message.details);
        return;
      case MessageType.INVOCATION:
        this.invoke(message.request, message.registration, message.args ?? [], message.kwargs ?? {}, message.details);
        return;
      case MessageType.ERROR: {
        this.subscribing.delete(message.request);
        const pending = this.take(message.request);
        pending?.reject(new WampError(message.error, String(message.args?.[0] ?? message.error), message.args, message.kwargs));
        return;
      }
      case MessageType.SUBSCRIBED: {
        const handler = this.subscribing.get(message.request);
        this.subscribing.delete(message.request);
        if (handler !== undefined) this.handlers.set(message.subscription, handler);
        this.take(message.request)?.resolve(message);
        return;
      }
      default:
        if ('request' in message) this.take(message.request)?.resolve(message);
    }
  }

  private invoke(request: number, registration: number, args: Args, kwargs: Dict, details: Dict): void {
    const handler = this.procedures.get(registration);
    const answer = (result: unknown): void => {
      const out = result instanceof CallResult ? result : new CallResult(result === undefined ? [] : [result]);
      this.deliver({ type: MessageType.YIELD, request, options: {}, args: out.args, kwargs: out.kwargs });
    };
    const fail = (error: unknown): void => {
      const wampError = error instanceof WampError ? error : new WampError(RUNTIME_ERROR_URI, String((error as Error)?.message ?? error));
      this.deliver({
        type: MessageType.ERROR,
        requestType: MessageType.INVOCATION,
        request,
        details: {},
        error: wampError.uri,
        args: wampError.args ?? [wampError.message],
        kwargs: wampError.kwargs,
      });
    };
    if (handler === undefined) return fail(new WampError('wamp.error.no_such_registration', 'handler is gone'));
    try {
      Promise.resolve(handler(args, kwargs, details)).then(answer, fail);
    } catch (error) {
      fail(error);
    }
  }

  private request(build: (request: number) => Message): Promise<Message> {
    if (!this.open) return Promise.reject(new WampError('wamp.close.goodbye_and_out', 'session closed'));
    const request = this.requests.next();
    return new Promise<Message>((resolve, reject) => {
      this.pending.set(request, { resolve, reject });
      this.deliver(build(request));
    });
  }

  private take(request: number): Pending | undefined {
    const pending = this.pending.get(request);
    this.pending.delete(request);
    return pending;
  }

  private deliver(message: Message): void {
    if (this.open) this.realmRef.handle(this, message);
  }
}
