// A network session: decodes frames, enforces the state table, joins a realm and hands
// established traffic to the realm's dispatcher. Implements the core's RealmMember.
import type { Logger } from 'pino';
import { MessageType, messageTypeName } from '../../realms/protocol/message-type.js';
import type { Authenticate, Dict, Hello, Message } from '../../realms/protocol/messages.js';
import { ErrorUri } from '../../realms/protocol/uris.js';
import { ProtocolViolation } from '../../realms/protocol/errors.js';
import type { RealmMember } from '../../realms/member.js';
import type { Realm } from '../../realms/realm.js';
import type { RealmRegistry } from '../../realms/realm-registry.js';
import { SerializationError, type Frame } from '../serializers/serializer.js';
import { fromList } from '../wire/schema.js';
import { checkOptions } from '../wire/options.js';
import type { Peer, PeerHandler } from '../transports/peer.js';
import { encoderFor, type CachedEncoder } from './encode-cache.js';
import { rejectReason, type SessionState } from './lifecycle.js';
import { acceptHello, welcomeDetails } from './handshake.js';
import type { ManagedSession, SessionManager } from './session-manager.js';
// ── authentication (issue 5, router/auth) ──
import type { AuthService, HelloContext, RealmAuth } from '../auth/realm-auth.js';
import { failed, isPromise, type AuthOutcome, type Authenticated, type Challenged } from '../auth/authenticator.js';
import { clientAddress, type ClientAddress } from '../auth/client-address.js';

export interface SessionContext {
  realms: RealmRegistry;
  sessions: SessionManager;
  logger: Logger;
  helloTimeoutMs: number;
  // ── authentication (issue 5, router/auth) ──
  /** Authentication policies per realm. */
  auth: AuthService;
  /** The listener's `auth.methods`: the methods this transport allows (default: the realm's). */
  authMethods?: readonly string[];
  /** The listener's `trustProxy`: the client address comes from X-Forwarded-For. */
  trustProxy?: boolean;
}

/** An authentication under way (state `authenticating`). */
interface Authentication {
  policy: RealmAuth;
  realm: Realm;
  hello: HelloContext;
  /** The method as the client spelled it: CHALLENGE and WELCOME use it. */
  method: string;
  /** The CHALLENGE sent, waiting for AUTHENTICATE. */
  challenge?: Challenged;
  timer?: NodeJS.Timeout;
}

/** WebSocket close codes we use: 1000 normal, 1002 protocol error. */
const CLOSE_NORMAL = 1000;
const CLOSE_PROTOCOL_ERROR = 1002;

export class Session implements RealmMember, PeerHandler, ManagedSession {
  private state: SessionState = 'awaitingHello';
  private sessionId = 0;
  private joined: Realm | undefined;
  private identity = { authid: '', authrole: '', authmethod: '', authprovider: '' };
  private clientRoles: Dict = {};
  private helloTimer: NodeJS.Timeout | undefined;
  private authentication: Authentication | undefined;
  private readonly address: ClientAddress;
  private readonly encoder: CachedEncoder;
  private log: Logger;
  readonly trusted = false;

  constructor(
    private readonly peer: Peer,
    private readonly context: SessionContext,
  ) {
    this.encoder = encoderFor(peer.serializer);
    this.log = context.logger;
    this.address = clientAddress(peer.remoteAddress, peer.forwardedFor, context.trustProxy === true);
    context.sessions.add(this);
    // spec: basic/sessions.md — HELLO must come first; a silent connection must not linger.
    this.helloTimer = setTimeout(() => this.helloTimedOut(), context.helloTimeoutMs);
    context.sessions.timerStarted();
  }

  get id(): number {
    return this.sessionId;
  }
  get realm(): string {
    return this.joined?.name ?? '';
  }
  get authid(): string {
    return this.identity.authid;
  }
  get authrole(): string {
    return this.identity.authrole;
  }
  get authmethod(): string {
    return this.identity.authmethod;
  }
  get authprovider(): string {
    return this.identity.authprovider;
  }
  get transport(): Dict {
    return { type: this.peer.kind, serializer: this.peer.serializer.name, peer: this.address.peer };
  }
  get roles(): Dict {
    return this.clientRoles;
  }

  isOpen(): boolean {
    return this.state === 'established';
  }

  // ── inbound ──────────────────────────────────────────────────────────────

  receive(frame: Frame, binary: boolean): void {
    if (this.state === 'closed') return;
    if (this.state === 'closing') return this.receiveWhileClosing(frame);
    let message: Message;
    try {
      if (binary !== this.peer.serializer.binary) {
        throw new ProtocolViolation(
          `${binary ? 'binary' : 'text'} frame received, but ${this.peer.serializer.subprotocol} uses ${binary ? 'text' : 'binary'} frames`,
        );
      }
      message = fromList(this.decode(frame));
      const refusal = rejectReason(this.state, message.type);
      if (refusal !== undefined) throw new ProtocolViolation(refusal);
      checkOptions(message, messageTypeName(message.type) ?? '');
    } catch (error) {
      this.violated(error);
      return;
    }
    try {
      this.handle(message);
    } catch (error) {
      this.violated(error);
    }
  }

  // spec: basic/sessions.md, transition 14 — after our GOODBYE, only the client's GOODBYE counts;
  // everything else, even garbage, is ignored.
  private receiveWhileClosing(frame: Frame): void {
    try {
      const list = this.peer.serializer.decode(frame);
      if (Array.isArray(list) && list[0] === MessageType.GOODBYE) this.finish();
    } catch {
      // ignored while closing
    }
  }

  private decode(frame: Frame): unknown {
    try {
      return this.peer.serializer.decode(frame);
    } catch (error) {
      if (error instanceof SerializationError) throw new ProtocolViolation(`undecodable ${this.peer.serializer.name} message: ${error.message}`);
      throw error;
    }
  }

  private handle(message: Message): void {
    switch (message.type) {
      case MessageType.HELLO:
        return this.hello(message);
      case MessageType.AUTHENTICATE:
        return this.authenticate(message);
      case MessageType.ABORT:
        // spec: basic/sessions.md#abort — no reply to an ABORT.
        this.log.debug({ reason: message.reason }, 'client aborted');
        return this.end(CLOSE_NORMAL, 'client abort');
      case MessageType.GOODBYE:
        // spec: basic/sessions.md#goodbye — answer with goodbye_and_out, then close.
        this.sendNow({ type: MessageType.GOODBYE, details: {}, reason: ErrorUri.goodbyeAndOut });
        return this.end(CLOSE_NORMAL, 'goodbye');
      default:
        // established, and the state table let it through: the realm routes it
        this.joined?.handle(this, message);
    }
  }

  private hello(hello: Hello): void {
    this.stopHelloTimer();
    const outcome = acceptHello(hello, this.context.realms);
    if (!outcome.ok) {
      this.abort(outcome.reason, outcome.message);
      return;
    }
    // ── authentication (issue 5): the id comes first, WAMP-CRA's challenge names it ──
    this.sessionId = this.context.sessions.allocateId();
    const policy = this.context.auth.get(outcome.realm);
    const context: HelloContext = {
      details: hello.details,
      sessionId: this.sessionId,
      transport: this.transport,
      address: this.address.ip,
      listenerMethods: this.context.authMethods,
    };
    const begun = policy.begin(context);
    if (!begun.ok) {
      this.abort(begun.refusal.reason, begun.refusal.message);
      return;
    }
    this.clientRoles = outcome.roles;
    this.authentication = { policy, realm: outcome.realm, hello: context, method: begun.method };
    this.state = 'authenticating';
    this.advance(begun.outcome);
  }

  // ── authentication (issue 5, router/auth): HELLO → [CHALLENGE ⇄ AUTHENTICATE] → WELCOME | ABORT ──

  private advance(outcome: AuthOutcome): void {
    if (isPromise(outcome)) {
      outcome.then(
        (step) => this.advance(step),
        (error: unknown) => {
          this.log.error({ err: error }, 'authentication step failed');
          this.advance(failed('authentication could not be completed'));
        },
      );
      return;
    }
    const auth = this.authentication;
    // The client may have gone (or aborted) while an authenticator was busy.
    if (this.state !== 'authenticating' || auth === undefined) return;
    switch (outcome.kind) {
      case 'abort':
        this.authentication = undefined;
        this.log.debug({ reason: outcome.reason, authmethod: auth.method, remote: this.address.peer }, 'authentication refused');
        return this.abort(outcome.reason, outcome.message);
      case 'challenge':
        auth.challenge = outcome;
        this.sendNow({ type: MessageType.CHALLENGE, authmethod: auth.method, extra: outcome.extra });
        auth.timer = setTimeout(() => this.challengeTimedOut(), auth.policy.challengeTimeoutMs);
        this.context.sessions.timerStarted();
        return;
      case 'welcome':
        this.authentication = undefined;
        return this.welcome(auth, outcome);
    }
  }

  private authenticate(message: Authenticate): void {
    const auth = this.authentication;
    const challenge = auth?.challenge;
    if (auth === undefined || challenge === undefined) throw new ProtocolViolation('received AUTHENTICATE before the router sent CHALLENGE');
    auth.challenge = undefined;
    this.stopChallengeTimer();
    this.advance(challenge.verify(message.signature, message.extra));
  }

  private challengeTimedOut(): void {
    const auth = this.authentication;
    if (auth === undefined) return;
    auth.timer = undefined;
    this.context.sessions.timerStopped();
    if (this.state !== 'authenticating' || auth.challenge === undefined) return;
    this.authentication = undefined;
    const refusal = auth.policy.timedOut(auth.hello);
    this.abort(refusal.reason, refusal.message);
  }

  private stopChallengeTimer(): void {
    const auth = this.authentication;
    if (auth?.timer === undefined) return;
    clearTimeout(auth.timer);
    auth.timer = undefined;
    this.context.sessions.timerStopped();
  }

  private welcome(auth: Authentication, step: Authenticated): void {
    const identity = { authid: step.authid, authrole: step.authrole, authmethod: auth.method, authprovider: step.authprovider };
    this.identity = identity;
    this.joined = auth.realm;
    this.state = 'established';
    this.log = this.context.logger.child({ session: this.sessionId, realm: auth.realm.name });
    auth.realm.join(this);
    this.send({ type: MessageType.WELCOME, session: this.sessionId, details: welcomeDetails(identity, auth.realm, step.authextra) });
    this.log.debug({ authid: this.authid, authrole: this.authrole, authmethod: this.authmethod, transport: this.peer.kind, remote: this.address.peer }, 'session joined');
  }

  private helloTimedOut(): void {
    this.helloTimer = undefined;
    this.context.sessions.timerStopped();
    if (this.state !== 'awaitingHello') return;
    this.abort('wamp.error.timeout', `no HELLO within ${this.context.helloTimeoutMs} ms of connecting`);
  }

  private stopHelloTimer(): void {
    if (this.helloTimer === undefined) return;
    clearTimeout(this.helloTimer);
    this.helloTimer = undefined;
    this.context.sessions.timerStopped();
  }

  private violated(error: unknown): void {
    if (error instanceof ProtocolViolation) {
      this.log.debug({ reason: error.message }, 'protocol violation');
      this.abort(ErrorUri.protocolViolation, error.message, CLOSE_PROTOCOL_ERROR);
      return;
    }
    // A bug, not the client's fault: log it and close this session; others go on.
    this.log.error({ err: error, session: this.sessionId }, 'router bug while handling a message');
    this.abort('sprocket.error.internal', 'internal router error', CLOSE_PROTOCOL_ERROR);
  }

  // ── outbound ─────────────────────────────────────────────────────────────

  /** Sends a message while the session is established; later sends are dropped (it is gone). */
  send(message: Message): void {
    if (this.state !== 'established') return;
    this.sendNow(message);
  }

  private sendNow(message: Message): void {
    let frame: Frame;
    try {
      frame = this.encoder.encode(message);
    } catch (error) {
      // A payload this serializer cannot carry: tell the log, never crash the fan-out loop.
      this.log.warn({ err: error, messageType: messageTypeName(message.type) }, 'message could not be encoded; not sent');
      return;
    }
    this.peer.send(frame);
  }

  /** RealmMember.close: ABORT or GOODBYE initiated by the router. */
  close(kind: 'abort' | 'goodbye', reason: string, message: string): void {
    if (kind === 'abort') this.abort(reason, message);
    else this.shutdown(reason, message);
  }

  private abort(reason: string, text: string, code = CLOSE_NORMAL): void {
    if (this.state === 'closed') return;
    this.sendNow({ type: MessageType.ABORT, details: { message: text }, reason });
    this.end(code, reason);
  }

  /** Router-initiated GOODBYE (shutdown, kill): wait in `closing` for the client's reply. */
  shutdown(reason: string, text: string): void {
    if (this.state === 'awaitingHello') return this.end(CLOSE_NORMAL, reason);
    if (this.state === 'authenticating') return this.abort(reason, text); // not joined yet: ABORT
    if (this.state !== 'established') return;
    this.sendNow({ type: MessageType.GOODBYE, details: text === '' ? {} : { message: text }, reason });
    this.state = 'closing';
    this.leaveRealm();
  }

  terminate(): void {
    this.end(CLOSE_NORMAL, 'router closing');
  }

  private finish(): void {
    this.end(CLOSE_NORMAL, 'goodbye');
  }

  /** Leaves the realm and closes the transport. Idempotent. */
  private end(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.leaveRealm();
    this.state = 'closed';
    this.peer.close(code, reason.slice(0, 120));
    this.release();
  }

  transportClosed(): void {
    if (this.state !== 'closed') {
      this.leaveRealm();
      this.state = 'closed';
    }
    this.release();
  }

  private leaveRealm(): void {
    if (this.joined === undefined) return;
    const realm = this.joined;
    this.joined = undefined;
    this.state = this.state === 'established' ? 'closing' : this.state;
    realm.leave(this);
    this.log.debug('session left');
  }

  private released = false;
  private release(): void {
    if (this.released) return;
    this.released = true;
    this.stopHelloTimer();
    this.stopChallengeTimer();
    this.authentication = undefined;
    this.encoder.clear();
    this.context.sessions.remove(this, this.sessionId);
  }
}
