// RouterConfig and the one DEFAULTS object. Precedence: CLI flags > config file > DEFAULTS.
import type { UriCheckMode } from '../realms/protocol/uri-check.js';

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
}

export type ListenerConfig = WebSocketListenerConfig;

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

/** Fills in defaults: each listener from DEFAULT_LISTENER, realms and log from DEFAULTS. */
export function withDefaults(input: RouterConfigInput): RouterConfig {
  const listeners = (input.listeners ?? [{}]).map((listener) => ({ ...DEFAULT_LISTENER, ...listener }) as ListenerConfig);
  return {
    listeners,
    realms: input.realms ?? DEFAULTS.realms.map((realm) => ({ ...realm })),
    log: { ...DEFAULTS.log, ...input.log },
  };
}
