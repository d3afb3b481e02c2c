// Origin check for WebSocket upgrades: a web page on another site must not open a WAMP session
// in the visitor's browser (cross-site WebSocket hijacking). Browsers always send `Origin` on a
// WebSocket handshake; other clients usually send none.
//
// Passes: no Origin header; an Origin whose host is a loopback name or address (localhost,
// *.localhost, 127.0.0.0/8, [::1]) on any port; an Origin whose host is the listener's configured
// host, or the address the connection arrived on (so a page served by this listener over its IP
// can connect back); an Origin in `allowedOrigins` ("*" allows any). Anything else: HTTP 403.
// Host names other than the configured host are not trusted from the Host header, so a DNS-
// rebinding page cannot pass as "same host": list such names in `allowedOrigins`.
import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '[::]']);

function bare(host: string): string {
  const lower = host.toLowerCase();
  return lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
}

function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/** The origin ("scheme://host[:port]") of a configured entry, or "*". */
function normalizeAllowed(entry: string): string {
  if (entry === '*') return entry;
  try {
    return new URL(entry).origin;
  } catch {
    return entry.toLowerCase();
  }
}

export class OriginPolicy {
  private readonly allowed: Set<string>;
  private readonly listenerHost: string | undefined;

  constructor(listenerHost: string, allowedOrigins: readonly string[] = []) {
    this.allowed = new Set(allowedOrigins.map(normalizeAllowed));
    const host = bare(listenerHost);
    this.listenerHost = WILDCARD_HOSTS.has(host) ? undefined : host;
  }

  /** True when an upgrade with this Origin header, on this connection, may proceed. */
  allows(origin: string | undefined, localAddress: string | undefined): boolean {
    if (origin === undefined) return true;
    if (this.allowed.has('*')) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // "null" (sandboxed frames, file://) and garbage
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    if (this.allowed.has(url.origin)) return true;
    const hostname = bare(url.hostname);
    if (isLoopback(hostname)) return true;
    if (this.listenerHost !== undefined && hostname === this.listenerHost) return true;
    const local = bare((localAddress ?? '').replace(/^::ffff:/i, ''));
    return local !== '' && hostname === local;
  }

  allowsRequest(request: IncomingMessage): boolean {
    return this.allows(request.headers.origin, request.socket.localAddress);
  }
}

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** Answers a refused upgrade with a real HTTP response and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, statusText: string, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Puts `allow` in front of the server's existing 'upgrade' listeners (the WebSocket endpoint):
 * an upgrade it refuses gets HTTP 403 and never reaches them. Call after attaching the endpoint.
 */
export function guardUpgrades(server: EventEmitter, allow: (request: IncomingMessage) => boolean, onRefused?: (request: IncomingMessage) => void): void {
  const inner = server.listeners('upgrade') as UpgradeListener[];
  server.removeAllListeners('upgrade');
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!allow(request)) {
      onRefused?.(request);
      refuseUpgrade(socket, 403, 'Forbidden', `WebSocket connections from origin ${request.headers.origin ?? '?'} are not allowed\n`);
      return;
    }
    for (const listener of inner) listener.call(server, request, socket, head);
  });
}
