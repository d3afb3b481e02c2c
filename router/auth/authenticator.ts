// The Authenticator interface (DESIGN.md habit 7): one implementation per method in this folder.
// An authentication is a small state machine: start() from HELLO gives WELCOME, ABORT or a
// CHALLENGE whose verify() takes the client's AUTHENTICATE. Either step may be asynchronous
// (a dynamic authenticator is a procedure call). spec: advanced/authentication*.md
import type { Dict } from '../../realms/protocol/messages.js';

/** Error URIs of authentication (advanced/uris.md#authentication). */
export const AuthErrorUri = {
  noMatchingAuthMethod: 'wamp.error.no_matching_auth_method',
  noSuchRole: 'wamp.error.no_such_role',
  /** Wrong credentials, unknown authid, malformed answer: one URI and one text for all. */
  authenticationDenied: 'wamp.error.authentication_denied',
  /** The authenticator itself failed (fail secure). */
  authenticationFailed: 'wamp.error.authentication_failed',
  authenticationRequired: 'wamp.error.authentication_required',
  timeout: 'wamp.error.timeout',
} as const;

/**
 * The one ABORT text for wrong credentials, whether the authid exists or not (no user
 * enumeration; Sprocket never sends wamp.error.no_such_principal).
 */
export const DENIED_TEXT = 'authentication denied: unknown authid or wrong credentials';

/** What an authenticator sees of the HELLO and the connection. */
export interface AuthRequest {
  /** The realm being joined. */
  realm: string;
  /** The method's canonical name (`wamp-scram`, ...). */
  method: string;
  /** The method as the client spelled it in HELLO (`scram` for Autobahn|Python); used on the wire. */
  spelling: string;
  /** HELLO.Details.authid, if the client sent one. */
  authid: string | undefined;
  /** HELLO.Details.authextra ({} when absent). */
  authextra: Dict;
  /** The session id the session will have (WAMP-CRA puts it in the challenge). */
  sessionId: number;
  /** Session transport details, for dynamic authenticators: `{type, serializer, peer}`. */
  transport: Dict;
}

/** A successful authentication: who the session is. */
export interface Authenticated {
  kind: 'welcome';
  authid: string;
  authrole: string;
  /** `static` (config), `dynamic` (an authenticator procedure). */
  authprovider: string;
  /** Method-specific WELCOME.Details.authextra (SCRAM verifier; a dynamic authenticator's extra). */
  authextra?: Dict;
}

/** CHALLENGE sent; the client's AUTHENTICATE goes to verify(). */
export interface Challenged {
  kind: 'challenge';
  extra: Dict;
  verify(signature: string, extra: Dict): AuthOutcome;
}

/** ABORT. `failedAttempt`: counts toward the failed-attempt limit (wrong credentials). */
export interface Refused {
  kind: 'abort';
  reason: string;
  message: string;
  failedAttempt?: boolean;
}

export type AuthStep = Authenticated | Challenged | Refused;
export type AuthOutcome = AuthStep | Promise<AuthStep>;

export interface Authenticator {
  readonly method: string;
  start(request: AuthRequest): AuthOutcome;
}

/** Wrong credentials: the same ABORT whatever was wrong. */
export function denied(): Refused {
  return { kind: 'abort', reason: AuthErrorUri.authenticationDenied, message: DENIED_TEXT, failedAttempt: true };
}

/** A request the method cannot work with (no authid, malformed authextra): not a failed attempt. */
export function unusable(message: string): Refused {
  return { kind: 'abort', reason: AuthErrorUri.authenticationDenied, message };
}

/** The authenticator could not decide (dynamic authenticator error or timeout). */
export function failed(message: string): Refused {
  return { kind: 'abort', reason: AuthErrorUri.authenticationFailed, message };
}

export function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T>)?.then === 'function';
}

/** A plain dictionary (not a list, not null). */
export function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
