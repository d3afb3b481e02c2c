// WebSocket transport on `ws`: subprotocol negotiation, frame-kind handling and close.
// It knows framing, not WAMP: frames go to a PeerHandler (the session).
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Frame, Serializer } from '../serializers/serializer.js';
import { SUPPORTED_SUBPROTOCOLS, serializerBySubprotocol } from '../serializers/index.js';
import type { Peer, PeerHandler } from './peer.js';

export interface WebSocketEndpointOptions {
  path: string;
  maxMessageSize: number;
  /** Builds the session that will own a new connection. */
  onConnection: (peer: Peer) => PeerHandler;
}

const TEXT_FRAME = { binary: false } as const;
const BINARY_FRAME = { binary: true } as const;

/** The TCP socket under a ws WebSocket (ws keeps it as `_socket`; not in its typings). */
function tcpSocketOf(ws: WebSocket): Socket | undefined {
  return (ws as unknown as { _socket?: Socket })._socket;
}

class WebSocketPeer implements Peer {
  readonly kind = 'websocket';
  private readonly sendOptions: typeof TEXT_FRAME | typeof BINARY_FRAME;
  private readonly tcp: Socket | undefined;
  private corked = false;
  private readonly uncork = (): void => {
    this.corked = false;
    this.tcp?.uncork();
  };

  constructor(
    private readonly socket: WebSocket,
    readonly serializer: Serializer,
    readonly remoteAddress: string,
    readonly forwardedFor?: string, // issue 5: for listeners with trustProxy
  ) {
    this.sendOptions = serializer.binary ? BINARY_FRAME : TEXT_FRAME;
    this.tcp = tcpSocketOf(socket);
  }

  send(frame: Frame): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    // One write per socket per event-loop turn: frames sent in the same turn (an EVENT burst, a
    // RESULT after a YIELD) leave in one writev instead of one syscall each (bench/README.md).
    if (!this.corked && this.tcp !== undefined) {
      this.corked = true;
      this.tcp.cork();
      setImmediate(this.uncork);
    }
    this.socket.send(frame, this.sendOptions);
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason);
      // A peer that never answers the close handshake must not hold the socket open.
      const timer = setTimeout(() => this.socket.terminate(), 2000);
      timer.unref();
      this.socket.once('close', () => clearTimeout(timer));
    }
  }

  bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }
}

/** The first subprotocol the client offered that we speak (the client's order is its preference). */
function chooseSubprotocol(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const offered of header.split(',')) {
    const name = offered.trim();
    if (serializerBySubprotocol(name) !== undefined) return name;
  }
  return undefined;
}

/** Refuses an upgrade with a real HTTP error, never a 101 without a subprotocol. */
function refuseUpgrade(socket: Duplex, status: number, statusText: string, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Connects an upgraded socket to a new session. A function of its own, so the per-connection
 * listeners do not keep the upgrade request and its headers alive (~1 KB per idle session).
 */
function wire(ws: WebSocket, remote: string, forwardedFor: string | undefined, options: WebSocketEndpointOptions): void {
  const serializer = serializerBySubprotocol(ws.protocol);
  if (serializer === undefined) {
    ws.close(1002, 'unsupported subprotocol');
    return;
  }
  const handler = options.onConnection(new WebSocketPeer(ws, serializer, remote, forwardedFor));
  ws.on('message', (data: Buffer, isBinary: boolean) => handler.receive(isBinary ? data : data.toString('utf8'), isBinary));
  ws.on('close', () => handler.transportClosed());
  // ws reports oversize frames and bad UTF-8 here, then closes (1009 / 1007); the close handler cleans up.
  ws.on('error', () => undefined);
}

/** Attaches the WAMP WebSocket endpoint to an HTTP server; returns a function that closes it. */
export function attachWebSocket(server: HttpServer, options: WebSocketEndpointOptions): { close(): void; clients(): number } {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageSize,
    perMessageDeflate: false,
    handleProtocols: (offered) => chooseSubprotocol([...offered].join(',')) ?? false,
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== options.path) {
      refuseUpgrade(socket, 404, 'Not Found', `No WebSocket endpoint at ${path}; WAMP is served at ${options.path}\n`);
      return;
    }
    const subprotocol = chooseSubprotocol(request.headers['sec-websocket-protocol']);
    if (subprotocol === undefined) {
      refuseUpgrade(
        socket,
        400,
        'Bad Request',
        `No supported WebSocket subprotocol offered; this router speaks ${SUPPORTED_SUBPROTOCOLS.join(', ')}\n`,
      );
      return;
    }
    const remote = `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`;
    const forwarded = request.headers['x-forwarded-for']; // issue 5: trustProxy (router/auth/client-address.ts)
    const forwardedFor = Array.isArray(forwarded) ? forwarded.join(',') : forwarded;
    wss.handleUpgrade(request, socket, head, (ws) => wire(ws, remote, forwardedFor, options));
  });

  return {
    close: () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
    clients: () => wss.clients.size,
  };
}
