// The realm tier of dispatch: one table from message type to handler. Cross-cutting steps
// (URI checks, reserved namespace, payload passthru) run here once, never inside handlers.
import { MessageType, messageTypeName } from './protocol/message-type.js';
import type { Message, MessageOf } from './protocol/messages.js';
import { ErrorUri } from './protocol/uris.js';
import { ProtocolViolation, WampError } from './protocol/errors.js';
import { isReservedUri, isValidUri } from './protocol/uri-check.js';
import type { RealmMember } from './member.js';
import type { Realm } from './realm.js';
import type { MatchPolicy } from './uri-match/uri-matcher.js';

/** What a message asks to do, for URI rules now and for authorization later. */
export type Action = 'publish' | 'subscribe' | 'call' | 'register';

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

/**
 * Routes one message from an established session. Request failures become ERROR replies;
 * a ProtocolViolation propagates to the session, which aborts.
 */
export function dispatch(realm: Realm, member: RealmMember, message: Message): void {
  const route = (ROUTES as Partial<Record<number, Route<Message['type']>>>)[message.type];
  if (route === undefined) {
    throw new ProtocolViolation(`${messageTypeName(message.type) ?? message.type} is not allowed in an established session`);
  }
  try {
    if (route.uriOf !== undefined) checkUri(realm, member, route.uriOf(message), route.action, matchOf(message));
    checkPassthru(message);
    route.handle(realm, member, message);
  } catch (error) {
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
