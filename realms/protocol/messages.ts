// The typed form of every WAMP message. The wire form (a JSON-like list) is shown above
// each type; router/wire/schema.ts converts between the two and validates positions.
import { MessageType } from './message-type.js';

/** A WAMP dictionary (Options, Details, ArgumentsKw). */
export type Dict = Record<string, unknown>;
/** Positional application payload; passed through, never interpreted by the router. */
export type Args = unknown[];

interface Payload {
  args?: Args;
  kwargs?: Dict;
}

/** [HELLO, Realm|uri, Details|dict] */
export interface Hello {
  type: typeof MessageType.HELLO;
  realm: string;
  details: Dict;
}
/** [WELCOME, Session|id, Details|dict] */
export interface Welcome {
  type: typeof MessageType.WELCOME;
  session: number;
  details: Dict;
}
/** [ABORT, Details|dict, Reason|uri, Arguments|list?, ArgumentsKw|dict?] */
export interface Abort extends Payload {
  type: typeof MessageType.ABORT;
  details: Dict;
  reason: string;
}
/** [CHALLENGE, AuthMethod|string, Extra|dict] */
export interface Challenge {
  type: typeof MessageType.CHALLENGE;
  authmethod: string;
  extra: Dict;
}
/** [AUTHENTICATE, Signature|string, Extra|dict] */
export interface Authenticate {
  type: typeof MessageType.AUTHENTICATE;
  signature: string;
  extra: Dict;
}
/** [GOODBYE, Details|dict, Reason|uri] */
export interface Goodbye {
  type: typeof MessageType.GOODBYE;
  details: Dict;
  reason: string;
}
/** [ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri, Arguments|list?, ArgumentsKw|dict?] */
export interface ErrorMessage extends Payload {
  type: typeof MessageType.ERROR;
  requestType: number;
  request: number;
  details: Dict;
  error: string;
}
/** [PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list?, ArgumentsKw|dict?] */
export interface Publish extends Payload {
  type: typeof MessageType.PUBLISH;
  request: number;
  options: Dict;
  topic: string;
}
/** [PUBLISHED, PUBLISH.Request|id, Publication|id] */
export interface Published {
  type: typeof MessageType.PUBLISHED;
  request: number;
  publication: number;
}
/** [SUBSCRIBE, Request|id, Options|dict, Topic|uri] */
export interface Subscribe {
  type: typeof MessageType.SUBSCRIBE;
  request: number;
  options: Dict;
  topic: string;
}
/** [SUBSCRIBED, SUBSCRIBE.Request|id, Subscription|id] */
export interface Subscribed {
  type: typeof MessageType.SUBSCRIBED;
  request: number;
  subscription: number;
}
/** [UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id] */
export interface Unsubscribe {
  type: typeof MessageType.UNSUBSCRIBE;
  request: number;
  subscription: number;
}
/** [UNSUBSCRIBED, UNSUBSCRIBE.Request|id] or, for a revocation, [UNSUBSCRIBED, 0, Details|dict] */
export interface Unsubscribed {
  type: typeof MessageType.UNSUBSCRIBED;
  request: number;
  details?: Dict;
}
/** [EVENT, SUBSCRIBED.Subscription|id, PUBLISHED.Publication|id, Details|dict, Arguments|list?, ArgumentsKw|dict?] */
export interface Event extends Payload {
  type: typeof MessageType.EVENT;
  subscription: number;
  publication: number;
  details: Dict;
}
/** [CALL, Request|id, Options|dict, Procedure|uri, Arguments|list?, ArgumentsKw|dict?] */
export interface Call extends Payload {
  type: typeof MessageType.CALL;
  request: number;
  options: Dict;
  procedure: string;
}
/** [CANCEL, CALL.Request|id, Options|dict] */
export interface Cancel {
  type: typeof MessageType.CANCEL;
  request: number;
  options: Dict;
}
/** [RESULT, CALL.Request|id, Details|dict, Arguments|list?, ArgumentsKw|dict?] */
export interface Result extends Payload {
  type: typeof MessageType.RESULT;
  request: number;
  details: Dict;
}
/** [REGISTER, Request|id, Options|dict, Procedure|uri] */
export interface Register {
  type: typeof MessageType.REGISTER;
  request: number;
  options: Dict;
  procedure: string;
}
/** [REGISTERED, REGISTER.Request|id, Registration|id] */
export interface Registered {
  type: typeof MessageType.REGISTERED;
  request: number;
  registration: number;
}
/** [UNREGISTER, Request|id, REGISTERED.Registration|id] */
export interface Unregister {
  type: typeof MessageType.UNREGISTER;
  request: number;
  registration: number;
}
/** [UNREGISTERED, UNREGISTER.Request|id] or, for a revocation, [UNREGISTERED, 0, Details|dict] */
export interface Unregistered {
  type: typeof MessageType.UNREGISTERED;
  request: number;
  details?: Dict;
}
/** [INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict, Arguments|list?, ArgumentsKw|dict?] */
export interface Invocation extends Payload {
  type: typeof MessageType.INVOCATION;
  request: number;
  registration: number;
  details: Dict;
}
/** [INTERRUPT, INVOCATION.Request|id, Options|dict] */
export interface Interrupt {
  type: typeof MessageType.INTERRUPT;
  request: number;
  options: Dict;
}
/** [YIELD, INVOCATION.Request|id, Options|dict, Arguments|list?, ArgumentsKw|dict?] */
export interface Yield extends Payload {
  type: typeof MessageType.YIELD;
  request: number;
  options: Dict;
}

/** Every WAMP message, discriminated on `type`. */
export type Message =
  | Hello
  | Welcome
  | Abort
  | Challenge
  | Authenticate
  | Goodbye
  | ErrorMessage
  | Publish
  | Published
  | Subscribe
  | Subscribed
  | Unsubscribe
  | Unsubscribed
  | Event
  | Call
  | Cancel
  | Result
  | Register
  | Registered
  | Unregister
  | Unregistered
  | Invocation
  | Interrupt
  | Yield;

/** The message of a given type code. */
export type MessageOf<T extends Message['type']> = Extract<Message, { type: T }>;
