// The realm keys `auth` (authentication methods, their principals, limits) and the listener key
// `auth` (methods a transport allows). Documented in README, "Authentication and authorization"; validated by
// router/auth/config-schema.ts (shape) and router/auth/config-check.ts (cross references).
import type { RoleConfig } from '../../realms/authorizer.js';

export type { RoleConfig, PermissionRule, DynamicAuthorizerConfig } from '../../realms/authorizer.js';

/** The method names of HELLO.Details.authmethods that Sprocket implements. */
export const AUTH_METHODS = ['anonymous', 'ticket', 'wampcra', 'wamp-scram', 'cryptosign'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/**
 * Spellings clients use for a method: Autobahn|Python (and Crossbar) call WAMP-SCRAM `scram`.
 * The router answers CHALLENGE and WELCOME in the client's spelling.
 */
export const METHOD_ALIASES: Readonly<Record<string, AuthMethod>> = { scram: 'wamp-scram' };

/** A procedure, registered by a backend session, that authenticates principals (README, "Authentication and authorization"). */
export interface DynamicAuthenticatorConfig {
  /** The procedure URI; called with (realm, authid, details). */
  procedure: string;
  /** The realm it is registered in (default: the realm being joined). */
  realm?: string;
  /** How long to wait for its answer (default 5000 ms); then ABORT wamp.error.authentication_failed. */
  timeoutMs?: number;
}

export interface AnonymousConfig {
  /** Authrole of anonymous sessions (default `anonymous`). */
  role?: string;
}

export interface TicketPrincipal {
  authid: string;
  ticket: string;
  role: string;
}

export interface TicketConfig {
  principals?: TicketPrincipal[];
  authenticator?: DynamicAuthenticatorConfig;
}

/**
 * A WAMP-CRA principal. Without `salt`, `secret` is the shared secret itself. With `salt`,
 * `secret` is the derived key: base64(PBKDF2-HMAC-SHA256(password, salt, iterations, keylen)),
 * so the password is never stored; `salt`, `iterations` and `keylen` are announced in CHALLENGE.
 */
export interface CraPrincipal {
  authid: string;
  secret: string;
  role: string;
  salt?: string;
  /** PBKDF2 iterations (default 1000, as AutobahnJS and wampy assume). */
  iterations?: number;
  /** Derived key length in bytes (default 32). */
  keylen?: number;
}

export interface CraConfig {
  principals?: CraPrincipal[];
  authenticator?: DynamicAuthenticatorConfig;
}

/** KDF names of WAMP-SCRAM (advanced/authentication_scram.md#key-derivation-functions). */
export type ScramKdf = 'pbkdf2' | 'argon2id13';

/**
 * A WAMP-SCRAM principal: either the stored credential (`salt`, `storedKey`, `serverKey`, all
 * base64, with `kdf`, `iterations` and for argon2id13 `memory`), or a `password` from which
 * the router derives a PBKDF2-SHA-256 credential at start (convenient, but the password sits in
 * the config file).
 */
export interface ScramPrincipal {
  authid: string;
  role: string;
  kdf?: ScramKdf;
  iterations?: number;
  /** Argon2id memory cost in KiB (argon2id13 only). */
  memory?: number;
  salt?: string;
  storedKey?: string;
  serverKey?: string;
  password?: string;
}

export interface ScramConfig {
  principals?: ScramPrincipal[];
  authenticator?: DynamicAuthenticatorConfig;
}

/** A WAMP-Cryptosign principal, keyed by its Ed25519 public key (64 hex characters). */
export interface CryptosignPrincipal {
  pubkey: string;
  /** Default: the public key itself (advanced/authentication_cryptosign.md). */
  authid?: string;
  role: string;
}

export interface CryptosignConfig {
  principals?: CryptosignPrincipal[];
  authenticator?: DynamicAuthenticatorConfig;
}

export interface AuthMethodsConfig {
  anonymous?: AnonymousConfig;
  ticket?: TicketConfig;
  wampcra?: CraConfig;
  'wamp-scram'?: ScramConfig;
  cryptosign?: CryptosignConfig;
}

/** Failed attempts per authid and per client address before further attempts are refused. */
export interface RateLimitConfig {
  /** Failures allowed within `windowMs` (default 10). */
  maxFailures?: number;
  /** The window failures are counted in (default 60000 ms). */
  windowMs?: number;
  /** How long further attempts are refused once the limit is reached (default 60000 ms). */
  blockMs?: number;
}

/** The realm key `auth`. Without it a realm admits anonymous sessions only (authrole `anonymous`). */
export interface RealmAuthConfig {
  /** The methods this realm accepts; the client's HELLO order picks among them. */
  methods: AuthMethodsConfig;
  /** Time a client has to answer CHALLENGE with AUTHENTICATE (default 10000 ms). */
  challengeTimeoutMs?: number;
  rateLimit?: RateLimitConfig;
}

/** The listener key `auth`: methods allowed on this transport (default: all the realm allows). */
export interface ListenerAuthConfig {
  methods?: string[];
}

/** A realm's auth-related config as the router reads it. */
export interface RealmAuthInput {
  name: string;
  auth?: RealmAuthConfig;
  roles?: RoleConfig[];
  allowDisclosure?: boolean;
}

/** Defaults of authentication (one place, DESIGN.md habit 5). */
export const AUTH_DEFAULTS = {
  anonymousRole: 'anonymous',
  challengeTimeoutMs: 10_000,
  dynamicTimeoutMs: 5_000,
  maxFailures: 10,
  windowMs: 60_000,
  blockMs: 60_000,
  craIterations: 1000,
  craKeylen: 32,
  scramIterations: 4096,
  /** Distinct authids and addresses the failure counter remembers; the oldest are forgotten past it. */
  rateLimitEntries: 100_000,
} as const;

/** The zero-config realm: anonymous only. */
export const ANONYMOUS_ONLY: RealmAuthConfig = { methods: { anonymous: {} } };
