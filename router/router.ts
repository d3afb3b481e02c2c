// The composition root: realms, listeners, sessions; start() and close().
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RealmRegistry } from '../realms/realm-registry.js';
import type { Realm, RealmStats } from '../realms/realm.js';
import { withDefaults, type RouterConfig, type RouterConfigInput, type WebSocketListenerConfig } from './config.js';
import { validateConfig } from './config-schema.js';
import { createLogger, type Logger } from './logger.js';
import { attachWebSocket } from './transports/websocket.js';
import { Session } from './session/session.js';
import { SessionManager } from './session/session-manager.js';
import { LocalSession, type LocalSessionOptions } from './session/local-session.js';
import { ErrorUri } from '../realms/protocol/uris.js';

export interface RouterOptions extends RouterConfigInput {
  /** A logger to use instead of one built from `log.level` (embedding, tests). */
  logger?: Logger;
}

/** Where a listener ended up listening (port 0 becomes a real port). */
export interface ListenAddress {
  host: string;
  port: number;
  path: string;
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

interface RunningListener {
  config: WebSocketListenerConfig;
  server: HttpServer;
  endpoint: { close(): void };
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
      });
    }
  }

  /** Starts every listener; resolves with the addresses once all are listening. */
  async start(): Promise<ListenAddress[]> {
    if (this.started) throw new Error('router already started');
    this.started = true;
    const addresses: ListenAddress[] = [];
    for (const config of this.config.listeners) addresses.push(await this.listen(config));
    return addresses;
  }

  private async listen(config: WebSocketListenerConfig): Promise<ListenAddress> {
    const server = createServer((_request, response) => {
      response.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket' });
      response.end(`This is a WAMP router. Connect a WAMP client over WebSocket to ${config.path}.\n`);
    });
    const endpoint = attachWebSocket(server, {
      path: config.path,
      maxMessageSize: config.maxMessageSize,
      onConnection: (peer) =>
        new Session(peer, {
          realms: this.realms,
          sessions: this.sessions,
          logger: this.logger,
          helloTimeoutMs: config.helloTimeoutMs,
        }),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.listeners.push({ config, server, endpoint });
    const { port } = server.address() as AddressInfo;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return { host: config.host, port, path: config.path, url: `ws://${host}:${port}${config.path}` };
  }

  /** The addresses of running listeners. */
  addresses(): ListenAddress[] {
    return this.listeners.map(({ config, server }) => {
      const { port } = server.address() as AddressInfo;
      return { host: config.host, port, path: config.path, url: `ws://${config.host}:${port}${config.path}` };
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
    for (const session of this.sessions.all()) session.shutdown(ErrorUri.systemShutdown, 'the router is shutting down');
    const deadline = Date.now() + SHUTDOWN_GRACE_MS;
    while (this.sessions.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const session of this.sessions.all()) session.terminate();
    await Promise.all(
      this.listeners.map(
        ({ server, endpoint }) =>
          new Promise<void>((resolve) => {
            endpoint.close();
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
    this.listeners.length = 0;
  }
}

/** Creates a router from options (the config file's shape plus an optional logger). */
export function createRouter(options: RouterOptions = {}): Router {
  return new Router(options);
}
