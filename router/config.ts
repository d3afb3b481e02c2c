// RouterConfig and the one DEFAULTS object. Precedence: CLI flags > config file > DEFAULTS.
import type { UriCheckMode } from '../realms/protocol/uri-check.js';
import type { ListenerAuthConfig, RealmAuthConfig, RoleConfig } from './auth/config.js'; // issue 5

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** A WebSocket listener: one HTTP server whose `path` upgrades to WAMP. */
export interface WebSocketListenerConfig {
  type: 'websocket';
  host: string;
  /** TCP port; 0 picks a free one (tests). */
  port: number;
  /** URL path that upgrades to WebSocket, e.g. `/ws`. */
  path: string;
  /** Largest incoming message in bytes; larger frames close the connection (1009). */
  maxMessageSize: number;
  /** A connection that sends no HELLO within this many ms is closed. */
  helloTimeoutMs: number;
  // ── HTTP side of the listener (router/http, README, "The HTTP side of a listener"); defaults in HTTP_DEFAULTS ──
  /** Static files: the built-in demo (`web/`) when absent, another directory, or `false` for none. */
  web?: { root?: string } | false;
  /** `GET /health` (JSON); default true. */
  health?: boolean;
  /** `GET /metrics` (Prometheus text format); default false. */
  metrics?: boolean;
  /** HTTP bridge (`POST /publish`, `POST /call`); off unless configured. */
  bridge?: BridgeConfig;
  /** Origins allowed to open WebSocket connections besides this host and localhost (`"*"`: every origin). */
  allowedOrigins?: string[];
  // ── end HTTP side ──
  /** Serve wss:// instead of ws:// (issue 6). */
  tls?: TlsConfig;
  // ── authentication (issue 5, router/auth, README, "Authentication and authorization") ──
  /** Methods this listener allows (default: whatever the realm accepts). */
  auth?: ListenerAuthConfig;
  /** The connecting peer is a trusted reverse proxy: the client address comes from X-Forwarded-For. */
  trustProxy?: boolean;
  // ── end authentication ──
}

// ── RawSocket and TLS listeners (issue 6, transports) ───────────────────────
/** PEM file paths for a TLS listener (router/transports/tls.ts reads them at start()). */
export interface TlsConfig {
  /** The server certificate (chain), PEM. */
  cert: string;
  /** The certificate's private key, PEM. */
  key: string;
  /** CA certificate(s), PEM, that client certificates must be signed by. */
  ca?: string;
  /** Ask every client for a certificate and refuse the TLS handshake without a valid one. */
  requestClientCert?: boolean;
}

/** A WAMP-over-RawSocket listener on TCP (`host`/`port`) or on a Unix domain socket (`unixPath`). */
export interface RawSocketListenerConfig {
  type: 'rawsocket';
  host: string;
  /** TCP port; 0 picks a free one (tests). Ignored when `unixPath` is set. */
  port: number;
  /** Listen on this Unix domain socket path instead of TCP. */
  unixPath?: string;
  /**
   * Largest incoming message in bytes. The handshake reply announces the largest power of two
   * not above it (512 B .. 16 MiB); a frame over the announced length fails the connection.
   */
  maxMessageSize: number;
  /** A connection that sends no handshake, or no HELLO, within this many ms is closed. */
  helloTimeoutMs: number;
  /** Connections past this many get handshake error 4 (maximum connection count reached). */
  maxConnections?: number;
  /**
   * Smallest receive limit a client may announce (default 512: no minimum). A client announcing less
   * gets handshake error 2 (maximum message length unacceptable).
   */
  minClientMessageSize?: number;
  tls?: TlsConfig;
  /** Methods this listener allows (issue 5, README, "Authentication and authorization"; default: whatever the realm accepts). */
  auth?: ListenerAuthConfig;
}

export const DEFAULT_RAWSOCKET_LISTENER: RawSocketListenerConfig = {
  type: 'rawsocket',
  host: '127.0.0.1',
  port: 8081,
  maxMessageSize: 16 * 1024 * 1024,
  helloTimeoutMs: 10_000,
};
// ── end RawSocket and TLS listeners ─────────────────────────────────────────

export type ListenerConfig = WebSocketListenerConfig | RawSocketListenerConfig;

/** Per-session limits of a realm; each has a safe default (README, "Limits"). */
export interface RealmLimits {
  /** Calls one session may have waiting as caller (default 1000); past it: sprocket.error.too_many_calls. */
  maxCallsPerCaller?: number;
  /** Invocations one callee may have in flight (default 10000); past it: sprocket.error.too_many_calls. */
  maxCallsPerCallee?: number;
}

export interface RealmConfig {
  name: string;
  /** URI rules for topics and procedures: `loose` (default) or `strict` (basic/building_blocks.md#uris). */
  uriCheck?: UriCheckMode;
  /** Whether callers and publishers may disclose their identity (disclose_me); default true. */
  allowDisclosure?: boolean;
  limits?: RealmLimits;
  /** Topics whose events are kept for wamp.subscription.get_events (event history). */
  history?: Array<{ topic: string; match?: 'exact' | 'prefix' | 'wildcard'; limit: number }>;
  /**
   * The WAMP meta API (advanced/meta_api*.md): `enabled` (default true), `disable` (procedure
   * URIs to leave unregistered), `allowKill` (authroles that may call wamp.session.kill* and the
   * remove_* procedures; default none).
   */
  metaApi?: { enabled?: boolean; disable?: string[]; allowKill?: string[] };
  // ── authentication and authorization (issue 5, README, "Authentication and authorization") ──
  /** Accepted authentication methods and their principals; default: anonymous only. */
  auth?: RealmAuthConfig;
  /** Roles and their permissions; none: everything is allowed (zero config). */
  roles?: RoleConfig[];
  // ── end authentication and authorization ──
}

export interface RouterConfig {
  listeners: ListenerConfig[];
  realms: RealmConfig[];
  log: { level: LogLevel };
}

/** Everything a user may leave out; nested objects are merged one level deep. */
export interface RouterConfigInput {
  listeners?: Array<Partial<ListenerConfig>>;
  realms?: RealmConfig[];
  log?: { level?: LogLevel };
}

export const DEFAULT_LISTENER: WebSocketListenerConfig = {
  type: 'websocket',
  host: '127.0.0.1',
  port: 8080,
  path: '/ws',
  maxMessageSize: 16 * 1024 * 1024,
  helloTimeoutMs: 10_000,
};

export const DEFAULTS: RouterConfig = {
  listeners: [DEFAULT_LISTENER],
  realms: [{ name: 'realm1' }],
  log: { level: 'info' },
};

/** Fills in defaults: each listener from DEFAULT_LISTENER (or DEFAULT_RAWSOCKET_LISTENER), realms and log from DEFAULTS. */
export function withDefaults(input: RouterConfigInput): RouterConfig {
  const listeners = (input.listeners ?? [{}]).map(
    (listener) => ({ ...(listener.type === 'rawsocket' ? DEFAULT_RAWSOCKET_LISTENER : DEFAULT_LISTENER), ...listener }) as ListenerConfig,
  );
  return {
    listeners,
    realms: input.realms ?? DEFAULTS.realms.map((realm) => ({ ...realm })),
    log: { ...DEFAULTS.log, ...input.log },
  };
}

// ── HTTP side of a WebSocket listener (router/http, README, "The HTTP side of a listener") ────────────
/** The HTTP → WAMP bridge of a listener (Crossbar-compatible request bodies). */
export interface BridgeConfig {
  /** Realm the bridge publishes and calls in. */
  realm: string;
  /** Authrole of the bridge's in-process session (default `bridge`). */
  authrole?: string;
  /** Bearer tokens that may use the bridge (`Authorization: Bearer <token>`); at least one. */
  tokens: string[];
  /** When set, requests must carry `X-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. */
  hmacSecret?: string;
  /** Largest request body in bytes (default 1 MiB); larger ones get 413. */
  maxBodySize?: number;
  /** Dealer timeout for `POST /call` when the request's options name none (ms; default 30000; 0: none). */
  callTimeoutMs?: number;
}

/** Defaults of the HTTP side of a WebSocket listener (one place, DESIGN.md habit 5). */
export const HTTP_DEFAULTS = {
  health: true,
  metrics: false,
  bridgeAuthrole: 'bridge',
  bridgeMaxBodySize: 1024 * 1024,
  bridgeCallTimeoutMs: 30_000,
} as const;
// ── end HTTP side ───────────────────────────────────────────────────────────
