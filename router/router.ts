// The composition root: realms, listeners, sessions; start() and close().
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { RealmRegistry } from '../realms/realm-registry.js';
import type { Realm, RealmStats } from '../realms/realm.js';
import {
  withDefaults,
  type RawSocketListenerConfig,
  type RouterConfig,
  type RouterConfigInput,
  type WebSocketListenerConfig,
} from './config.js';
import { validateConfig } from './config-schema.js';
import { createLogger, type Logger } from './logger.js';
import { attachWebSocket } from './transports/websocket.js';
import { createRawSocketEndpoint, listenUnix, type RawSocketEndpoint } from './transports/rawsocket.js';
import { loadTlsOptions } from './transports/tls.js';
import { Session } from './session/session.js';
import { SessionManager } from './session/session-manager.js';
import { LocalSession, type LocalSessionOptions } from './session/local-session.js';
import { ErrorUri } from '../realms/protocol/uris.js';
import { AuthService } from './auth/realm-auth.js'; // issue 5: authentication per realm
// HTTP side of a listener (router/http): request handler, Origin check, metrics.
import { ConfigError } from './config-schema.js';
import { createRequestHandler, type HttpHost } from './http/request-handler.js';
import { RouterMetrics, type EdgeHandler } from './http/metrics.js';
import { guardUpgrades, OriginPolicy } from './http/origin.js';
import type { Peer } from './transports/peer.js';

export interface RouterOptions extends RouterConfigInput {
  /** A logger to use instead of one built from `log.level` (embedding, tests). */
  logger?: Logger;
}

/**
 * Where a listener ended up listening (port 0 becomes a real port). `url`: `ws://host:port/path`
 * or `wss://…` for WebSocket; `rs://host:port`, `rss://host:port` (TLS) or `rs://unix:/path/to.sock`
 * for RawSocket (the URL forms Autobahn|Python parses).
 */
export interface ListenAddress {
  type: 'websocket' | 'rawsocket';
  host: string;
  /** The TCP port; 0 for a Unix domain socket. */
  port: number;
  /** The WebSocket path; for a RawSocket listener on a Unix domain socket, the socket's path; else ''. */
  path: string;
  tls: boolean;
  url: string;
}

/** Counts that must all return to zero when every client has gone. */
export interface RouterStats extends RealmStats {
  /** Sessions, including connections still waiting for HELLO and in-process sessions. */
  sessions: number;
  /** Timers the router holds: HELLO timeouts and dealer call timeouts. */
  timers: number;
}

/** A realm as the embedding application sees it. */
export interface RealmHandle {
  readonly name: string;
  /** Opens an in-process session in this realm. */
  session(options?: LocalSessionOptions): LocalSession;
}

type RunningListener =
  | { kind: 'websocket'; config: WebSocketListenerConfig; server: HttpServer | HttpsServer; endpoint: { close(): void } }
  | { kind: 'rawsocket'; config: RawSocketListenerConfig; address: ListenAddress; endpoint: RawSocketEndpoint };

function webSocketUrl(config: WebSocketListenerConfig, port: number): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `${config.tls !== undefined ? 'wss' : 'ws'}://${host}:${port}${config.path}`;
}

/** Time the router waits for clients to answer its shutdown GOODBYE. */
const SHUTDOWN_GRACE_MS = 1000;

export class Router {
  readonly config: RouterConfig;
  readonly logger: Logger;
  private readonly realms = new RealmRegistry();
  private readonly sessions = new SessionManager();
  private readonly listeners: RunningListener[] = [];
  private started = false;
  /** Authentication policies per realm (router/auth, issue 5). */
  private readonly auth: AuthService;
  // ── HTTP side (router/http) ──
  /** Prometheus metrics; present when a listener serves `/metrics` (`metrics: true`). */
  readonly metrics: RouterMetrics | undefined;
  private closing = false;
  private readonly startedAt = Date.now();
  // ── end HTTP side ──

  constructor(options: RouterOptions = {}) {
    const { logger, ...input } = options;
    this.config = withDefaults(validateConfig(input));
    this.logger = logger ?? createLogger(this.config.log.level);
    for (const realm of this.config.realms) {
      this.realms.add({
        name: realm.name,
        uriCheck: realm.uriCheck,
        logger: this.logger,
        dealer: { ...realm.limits, ...(realm.allowDisclosure !== undefined && { allowDisclosure: realm.allowDisclosure }) },
        broker: {
          ...(realm.allowDisclosure !== undefined && { allowDisclosure: realm.allowDisclosure }),
          history: (realm.history ?? []).map((entry) => ({ topic: entry.topic, match: entry.match ?? 'exact', limit: entry.limit })),
        },
        metaApi: realm.metaApi,
        roles: realm.roles, // issue 5: authorization (realms/authorizer.ts)
      });
    }
    this.auth = new AuthService(this.config.realms, this.realms, this.logger); // issue 5
    // ── HTTP side (router/http) ──
    const problems: string[] = [];
    for (const [index, listener] of this.config.listeners.entries()) {
      if (listener.type !== 'websocket' || listener.bridge === undefined) continue;
      if (this.realms.get(listener.bridge.realm) === undefined) problems.push(`listeners[${index}].bridge.realm: no realm "${listener.bridge.realm}" is configured`);
    }
    if (problems.length > 0) throw new ConfigError(problems);
    const wantsMetrics = this.config.listeners.some((listener) => listener.type === 'websocket' && listener.metrics === true);
    this.metrics = wantsMetrics ? new RouterMetrics({ realms: () => this.realms.all() }) : undefined;
    // ── end HTTP side ──
  }

  // ── HTTP side (router/http) ──
  /** What a listener's HTTP handler sees of the router. */
  private httpHost(): HttpHost {
    return {
      logger: this.logger,
      metrics: this.metrics,
      startedAt: this.startedAt,
      realms: () => this.realms.all(),
      sessionCount: () => this.sessions.size,
      isClosing: () => this.closing,
      openSession: (realm, options) => this.realm(realm).session(options),
    };
  }

  /** The session for a new connection, behind the metrics' counting peer when metrics are on. */
  private edge(peer: Peer, build: (peer: Peer) => EdgeHandler): EdgeHandler {
    return this.metrics === undefined ? build(peer) : this.metrics.instrument(peer, build);
  }
  // ── end HTTP side ──

  /** Starts every listener; resolves with the addresses once all are listening. */
  async start(): Promise<ListenAddress[]> {
    if (this.started) throw new Error('router already started');
    this.started = true;
    const addresses: ListenAddress[] = [];
    for (const [index, config] of this.config.listeners.entries()) {
      addresses.push(config.type === 'rawsocket' ? await this.listenRawSocket(config, index) : await this.listen(config, index));
    }
    return addresses;
  }

  private async listen(config: WebSocketListenerConfig, index: number): Promise<ListenAddress> {
    // HTTP side (router/http): health, metrics, bridge, static files; 426 at the WAMP path.
    const requestListener: (request: IncomingMessage, response: ServerResponse) => void = createRequestHandler(config, this.httpHost());
    // TLS (issue 6): the same HTTP handling over https when the listener has `tls`.
    const server =
      config.tls !== undefined
        ? createHttpsServer(loadTlsOptions(config.tls, `listeners[${index}]`), requestListener)
        : createServer(requestListener);
    const endpoint = attachWebSocket(server, {
      path: config.path,
      maxMessageSize: config.maxMessageSize,
      onConnection: (peer) =>
        this.edge(
          peer,
          (counted) =>
            new Session(counted, {
              realms: this.realms,
              sessions: this.sessions,
              logger: this.logger,
              helloTimeoutMs: config.helloTimeoutMs,
              auth: this.auth, // issue 5: authentication
              authMethods: config.auth?.methods,
              trustProxy: config.trustProxy,
            }),
        ),
    });
    // Origin check (router/http/origin.ts): cross-site browser pages get 403 before the upgrade.
    const origins = new OriginPolicy(config.host, config.allowedOrigins);
    guardUpgrades(server, (request) => origins.allowsRequest(request), (request) =>
      this.logger.debug({ origin: request.headers.origin, remote: request.socket.remoteAddress }, 'WebSocket upgrade refused: origin not allowed'),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.listeners.push({ kind: 'websocket', config, server, endpoint });
    const { port } = server.address() as AddressInfo;
    return { type: 'websocket', host: config.host, port, path: config.path, tls: config.tls !== undefined, url: webSocketUrl(config, port) };
  }

  // ── RawSocket listeners (issue 6, transports) ──────────────────────────────
  private async listenRawSocket(config: RawSocketListenerConfig, index: number): Promise<ListenAddress> {
    const endpoint = createRawSocketEndpoint(
      {
        maxMessageSize: config.maxMessageSize,
        handshakeTimeoutMs: config.helloTimeoutMs,
        maxConnections: config.maxConnections,
        minClientMessageSize: config.minClientMessageSize,
        tls: config.tls === undefined ? undefined : loadTlsOptions(config.tls, `listeners[${index}]`),
        logger: this.logger,
        onConnection: (peer) =>
          // this.edge: metrics count RawSocket traffic too (router/http/metrics.ts)
          this.edge(
            peer,
            (counted) =>
              new Session(counted, {
                realms: this.realms,
                sessions: this.sessions,
                logger: this.logger,
                helloTimeoutMs: config.helloTimeoutMs,
                auth: this.auth, // issue 5: authentication
                authMethods: config.auth?.methods,
              }),
          ),
      },
      config.unixPath,
    );
    const { server } = endpoint;
    const scheme = config.tls !== undefined ? 'rss' : 'rs';
    let address: ListenAddress;
    if (config.unixPath !== undefined) {
      await listenUnix(server, config.unixPath);
      address = { type: 'rawsocket', host: '', port: 0, path: config.unixPath, tls: config.tls !== undefined, url: `${scheme}://unix:${config.unixPath}` };
    } else {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const { port } = server.address() as AddressInfo;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      address = { type: 'rawsocket', host: config.host, port, path: '', tls: config.tls !== undefined, url: `${scheme}://${host}:${port}` };
    }
    this.listeners.push({ kind: 'rawsocket', config, address, endpoint });
    return address;
  }
  // ── end RawSocket listeners ────────────────────────────────────────────────

  /** The addresses of running listeners. */
  addresses(): ListenAddress[] {
    return this.listeners.map((listener) => {
      if (listener.kind === 'rawsocket') return listener.address;
      const { config, server } = listener;
      const { port } = server.address() as AddressInfo;
      return { type: 'websocket', host: config.host, port, path: config.path, tls: config.tls !== undefined, url: webSocketUrl(config, port) };
    });
  }

  /** A configured realm, for in-process sessions. Throws for a realm the router does not serve. */
  realm(name: string): RealmHandle {
    const realm = this.realms.get(name);
    if (realm === undefined) throw new Error(`no realm "${name}" on this router`);
    return {
      name,
      session: (options?: LocalSessionOptions) => this.openLocal(realm, options),
    };
  }

  private openLocal(realm: Realm, options?: LocalSessionOptions): LocalSession {
    return new LocalSession(realm, this.sessions.allocateId(), this.sessions, options);
  }

  stats(): RouterStats {
    const total: RouterStats = { sessions: this.sessions.size, subscriptions: 0, registrations: 0, invocations: 0, timers: this.sessions.timers };
    for (const realm of this.realms.all()) {
      const stats = realm.stats();
      total.subscriptions += stats.subscriptions;
      total.registrations += stats.registrations;
      total.invocations += stats.invocations;
      total.timers += stats.timers;
    }
    return total;
  }

  /**
   * Says GOODBYE (wamp.close.system_shutdown) to every session, waits briefly for replies,
   * then closes every connection and listener.
   */
  async close(): Promise<void> {
    this.closing = true; // HTTP side: /health answers 503, the bridge refuses new requests
    for (const session of this.sessions.all()) session.shutdown(ErrorUri.systemShutdown, 'the router is shutting down');
    const deadline = Date.now() + SHUTDOWN_GRACE_MS;
    while (this.sessions.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const session of this.sessions.all()) session.terminate();
    await Promise.all(
      this.listeners.map((listener) => {
        if (listener.kind === 'rawsocket') return listener.endpoint.close();
        const { server, endpoint } = listener;
        return new Promise<void>((resolve) => {
          endpoint.close();
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }),
    );
    this.listeners.length = 0;
  }
}

/** Creates a router from options (the config file's shape plus an optional logger). */
export function createRouter(options: RouterOptions = {}): Router {
  return new Router(options);
}
