// The HTTP side of a WebSocket listener: one `(request, response) => void` that router.ts hands
// to whichever server it creates (http or https). Routes, in order:
//   GET  /health            (unless `health: false`)
//   GET  /metrics           (only with `metrics: true`)
//   POST /publish, /call    (only with a `bridge`)
//   GET  <listener path>    426: the WAMP endpoint wants a WebSocket upgrade
//   GET  anything else      static files (`web`, default: the built-in demo), else 404
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Realm } from '../../realms/realm.js';
import { HTTP_DEFAULTS, type WebSocketListenerConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { LocalSession, LocalSessionOptions } from '../session/local-session.js';
import { HttpBridge } from './bridge.js';
import { serveHealth } from './health.js';
import type { RouterMetrics } from './metrics.js';
import { methodNotAllowed, notFound, sendText } from './respond.js';
import { builtInWebRoot, StaticFiles } from './static-files.js';

/** What the HTTP side needs of the router. */
export interface HttpHost {
  readonly logger: Logger;
  readonly metrics: RouterMetrics | undefined;
  readonly startedAt: number;
  realms(): Iterable<Realm>;
  sessionCount(): number;
  isClosing(): boolean;
  openSession(realm: string, options: LocalSessionOptions): LocalSession;
}

/** The listener keys the HTTP side reads. */
export type HttpListenerConfig = Pick<WebSocketListenerConfig, 'path' | 'web' | 'health' | 'metrics' | 'bridge'>;

export function createRequestHandler(listener: HttpListenerConfig, host: HttpHost): RequestListener {
  const health = listener.health ?? HTTP_DEFAULTS.health;
  const metrics = (listener.metrics ?? HTTP_DEFAULTS.metrics) ? host.metrics : undefined;
  const bridge = listener.bridge === undefined ? undefined : new HttpBridge(listener.bridge, host);
  const web = listener.web === false ? undefined : new StaticFiles(listener.web?.root ?? builtInWebRoot());

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? '/').split('?', 1)[0];
    if (path === '/health' && health) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed(response, 'GET, HEAD');
      return serveHealth(request, response, host);
    }
    if (path === '/metrics' && metrics !== undefined) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed(response, 'GET, HEAD');
      return metrics.serve(request, response);
    }
    if ((path === '/publish' || path === '/call') && bridge !== undefined) return bridge.serve(request, response, path === '/publish' ? 'publish' : 'call');
    if (path === listener.path) {
      return sendText(response, 426, `This is a WAMP router. Connect a WAMP client over WebSocket to ${listener.path}.\n`, undefined, { Upgrade: 'websocket' });
    }
    if (web !== undefined) return web.serve(request, response);
    return notFound(response);
  };

  return (request, response) => {
    route(request, response).catch((error: unknown) => {
      host.logger.error({ err: error, url: request.url }, 'HTTP request failed');
      if (!response.headersSent) sendText(response, 500, 'Internal Server Error\n');
      else response.destroy();
    });
  };
}
