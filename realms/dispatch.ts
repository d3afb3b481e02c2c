// The realm tier of dispatch: one table from message type to handler. Cross-cutting steps
// (URI checks, reserved namespace, payload passthru, authorization) run here once, never
// inside handlers.
import { MessageType, messageTypeName } from './protocol/message-type.js';
import type { Dict, Message, MessageOf } from './protocol/messages.js';
import { ErrorUri } from './protocol/uris.js';
import { ProtocolViolation, WampError } from './protocol/errors.js';
import { isReservedUri, isValidUri } from './protocol/uri-check.js';
import type { RealmMember } from './member.js';
import type { Realm } from './realm.js';
import type { MatchPolicy } from './uri-match/uri-matcher.js';
import { AuthzErrorUri, notAuthorized, type Action, type Decision } from './authorizer.js';

/** What a message asks to do: for URI rules and for authorization (realms/authorizer.ts). */
export type { Action } from './authorizer.js';

interface Route<T extends Message['type']> {
  action?: Action;
  uriOf?: (message: MessageOf<T>) => string;
  handle: (realm: Realm, member: RealmMember, message: MessageOf<T>) => void;
}

type ClientType =
  | typeof MessageType.PUBLISH
  | typeof MessageType.SUBSCRIBE
  | typeof MessageType.UNSUBSCRIBE
  | typeof MessageType.CALL
  | typeof MessageType.CANCEL
  | typeof MessageType.REGISTER
  | typeof MessageType.UNREGISTER
  | typeof MessageType.YIELD
  | typeof MessageType.ERROR;

const ROUTES = {
  [MessageType.PUBLISH]: { action: 'publish', uriOf: (m) => m.topic, handle: (r, s, m) => r.broker.publish(s, m) },
  [MessageType.SUBSCRIBE]: { action: 'subscribe', uriOf: (m) => m.topic, handle: (r, s, m) => r.broker.subscribe(s, m) },
  [MessageType.UNSUBSCRIBE]: { handle: (r, s, m) => r.broker.unsubscribe(s, m) },
  [MessageType.CALL]: { action: 'call', uriOf: (m) => m.procedure, handle: (r, s, m) => r.dealer.call(s, m) },
  [MessageType.CANCEL]: { handle: (r, s, m) => r.dealer.cancel(s, m) },
  [MessageType.REGISTER]: { action: 'register', uriOf: (m) => m.procedure, handle: (r, s, m) => r.dealer.register(s, m) },
  [MessageType.UNREGISTER]: { handle: (r, s, m) => r.dealer.unregister(s, m) },
  [MessageType.YIELD]: { handle: (r, s, m) => r.dealer.yield(s, m) },
  [MessageType.ERROR]: { handle: (r, s, m) => r.dealer.error(s, m) },
} satisfies { [T in ClientType]: Route<T> };

/** Message types a client may send into a realm (the session tier handles the rest). */
export const REALM_MESSAGE_TYPES: ReadonlySet<number> = new Set(Object.keys(ROUTES).map(Number));

/** Error URI for a router bug while handling a request: the request fails, the router goes on. */
export const INTERNAL_ERROR_URI = 'sprocket.error.internal';

/** ABORT reason when a session floods messages while an authorization decision is pending. */
export const BACKLOG_URI = 'sprocket.error.backlog';

type AnyRoute = Route<Message['type']>;

/**
 * Routes one message from an established session. Request failures become ERROR replies;
 * a ProtocolViolation propagates to the session, which aborts.
 */
export function dispatch(realm: Realm, member: RealmMember, message: Message): void {
  // ── authorization: order (DESIGN.md) — behind a pending decision, later messages wait ──
  // YIELD and ERROR answer the router's own INVOCATIONs: they need no decision and carry no
  // ordering guarantee against the session's requests, so they pass (a callee that serves the
  // dynamic authorizer itself would otherwise wait for its own answer).
  if (realm.pending.waiting(member.id) && message.type !== MessageType.YIELD && message.type !== MessageType.ERROR) {
    return waitBehind(realm, member, message);
  }
  const route = (ROUTES as Partial<Record<number, AnyRoute>>)[message.type];
  if (route === undefined) {
    throw new ProtocolViolation(`${messageTypeName(message.type) ?? message.type} is not allowed in an established session`);
  }
  try {
    run(realm, member, message, route);
  } catch (error) {
    fail(realm, member, message, error);
  }
}

function run(realm: Realm, member: RealmMember, message: Message, route: AnyRoute): void {
  let target = message;
  if (route.uriOf !== undefined) {
    const uri = route.uriOf(message);
    checkUri(realm, member, uri, route.action, matchOf(message));
    checkPassthru(message);
    // ── authorization: once per request, here and nowhere else (realms/authorizer.ts) ──
    if (route.action !== undefined && !member.trusted) {
      const verdict = realm.authorizer.authorize(member, uri, route.action, (message as { options: Dict }).options);
      if (!isDecision(verdict)) return suspend(realm, member, message, route, route.action, uri, verdict);
      target = decided(member, message, route.action, uri, verdict);
    }
  } else {
    checkPassthru(message);
  }
  route.handle(realm, member, target);
}

/** Failure of one request: ERROR reply; a ProtocolViolation goes up to the session. */
function fail(realm: Realm, member: RealmMember, message: Message, error: unknown): void {
  if (error instanceof ProtocolViolation) throw error;
  if (error instanceof WampError) {
    answerWithError(member, message, error);
    return;
  }
  realm.logger.error(
    { err: error, session: member.id, realm: realm.name, messageType: messageTypeName(message.type) },
    'router bug while handling a message',
  );
  answerWithError(member, message, new WampError(INTERNAL_ERROR_URI, 'internal router error; the request was not carried out'));
}

function isDecision(verdict: Decision | Promise<Decision>): verdict is Decision {
  return typeof (verdict as Decision).allow === 'boolean';
}

/** Applies a decision: throws for a denial, forces disclosure when the rule says so. */
function decided(member: RealmMember, message: Message, action: Action, uri: string, decision: Decision): Message {
  if (!decision.allow) {
    // spec: advanced/uris.md#authorization — a failed authorizer fails secure.
    if (decision.failure !== undefined) throw new WampError(AuthzErrorUri.authorizationFailed, `${decision.failure}; ${action} "${uri}" was refused`);
    throw notAuthorized(member, action, uri);
  }
  if (!decision.disclose) return message;
  if (message.type === MessageType.CALL || message.type === MessageType.PUBLISH) {
    return { ...message, options: { ...message.options, disclose_me: true } };
  }
  return message;
}

/** A dynamic decision is pending: this session's later messages wait until it is made. */
function suspend(realm: Realm, member: RealmMember, message: Message, route: AnyRoute, action: Action, uri: string, verdict: Promise<Decision>): void {
  realm.pending.open(member.id);
  verdict.then(
    (decision) => resume(realm, member, message, route, action, uri, decision),
    (error: unknown) => resume(realm, member, message, route, action, uri, { allow: false, disclose: false, failure: `the authorizer failed (${String(error)})` }),
  );
}

function waitBehind(realm: Realm, member: RealmMember, message: Message): void {
  if (realm.pending.push(member.id, message)) return;
  realm.pending.drop(member.id);
  member.close('abort', BACKLOG_URI, `more than ${realm.pending.limit} messages arrived while an authorization decision was pending`);
}

/** The decision is made: handle the message, then the ones that waited, in order. */
function resume(realm: Realm, member: RealmMember, message: Message, route: AnyRoute, action: Action, uri: string, decision: Decision): void {
  // The session may have left meanwhile; then nothing it sent is carried out.
  if (realm.members.get(member.id) !== member || !member.isOpen()) {
    realm.pending.drop(member.id);
    return;
  }
  const waiting = realm.pending.take(member.id);
  try {
    try {
      route.handle(realm, member, decided(member, message, action, uri, decision));
    } catch (error) {
      fail(realm, member, message, error);
    }
    for (let i = 0; i < waiting.length; i++) {
      if (!member.isOpen()) return;
      dispatch(realm, member, waiting[i]);
      if (realm.pending.waiting(member.id)) {
        // Another decision is pending: the rest waits behind it, still in order.
        for (let j = i + 1; j < waiting.length; j++) realm.pending.push(member.id, waiting[j]);
        return;
      }
    }
  } catch (error) {
    // A waiting message broke the protocol: what the session tier would have done at once.
    if (error instanceof ProtocolViolation) member.close('abort', error.uri, error.message);
    else realm.logger.error({ err: error, session: member.id, realm: realm.name }, 'router bug while resuming after authorization');
  }
}

// spec: basic/uri_reference.md — a malformed URI fails the request, not the session.
function checkUri(realm: Realm, member: RealmMember, uri: string, action: Action | undefined, match: MatchPolicy): void {
  if (!isValidUri(uri, realm.uriCheck, match)) {
    const what = match === 'exact' ? 'URI' : `${match} pattern`;
    throw new WampError(ErrorUri.invalidUri, `"${uri}" is not a valid ${realm.uriCheck} ${what}`);
  }
  if ((action === 'publish' || action === 'register') && isReservedUri(uri) && !member.trusted) {
    throw new WampError(ErrorUri.invalidUri, `"${uri}": URIs under "wamp." are reserved for the router`);
  }
}

/** The matching policy of a SUBSCRIBE or REGISTER (option types were checked on the wire). */
function matchOf(message: Message): MatchPolicy {
  if (message.type !== MessageType.SUBSCRIBE && message.type !== MessageType.REGISTER) return 'exact';
  const match = message.options.match;
  return match === 'prefix' || match === 'wildcard' ? match : 'exact';
}

function checkPassthru(message: Message): void {
  if (message.type !== MessageType.PUBLISH && message.type !== MessageType.CALL && message.type !== MessageType.YIELD) return;
  if (message.options.enc_algo !== undefined || message.options.ppt_scheme !== undefined) {
    throw new WampError(ErrorUri.featureNotSupported, 'payload passthru mode is not supported');
  }
}

/** Which request a failure answers: [ERROR, type, request, {}, uri, [text]]. */
function answerWithError(member: RealmMember, message: Message, error: WampError): void {
  if (!('request' in message)) return;
  // spec: basic/publish_subscribe.md — an unacknowledged PUBLISH gets no ERROR.
  if (message.type === MessageType.PUBLISH && message.options.acknowledge !== true) return;
  // A YIELD or ERROR that fails (only bugs can) has no reply type in WAMP: the caller side was answered.
  if (message.type === MessageType.YIELD || message.type === MessageType.ERROR) return;
  member.send({
    type: MessageType.ERROR,
    requestType: message.type,
    request: message.request,
    details: {},
    error: error.uri,
    args: error.args ?? [error.message],
    kwargs: error.kwargs,
  });
}
