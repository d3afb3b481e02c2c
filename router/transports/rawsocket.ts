// WAMP-over-RawSocket transport on TCP, TLS or a Unix domain socket: the handshake, framing,
// PING/PONG and both length limits. It knows framing, not WAMP: messages go to a PeerHandler (the
// session). The byte-level work is the pure decoder in rawsocket-frames.ts.
// spec: advanced/transport_rawsocket.md
import { Buffer } from 'node:buffer';
import { connect, createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { unlinkSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Frame, Serializer } from '../serializers/serializer.js';
import { serializerByRawSocketId } from '../serializers/index.js';
import type { Peer, PeerHandler } from './peer.js';
import {
  FrameType,
  HandshakeError,
  MAX_MAX_LENGTH,
  RawSocketDecoder,
  encodeFrameHeader,
  encodeHandshake,
  encodeHandshakeError,
  handshakeErrorText,
  lengthExponentFor,
  maxLengthOf,
  parseHandshakeRequest,
  type FrameFailure,
  type FrameSink,
  type FrameTypeValue,
  type HandshakeErrorCode,
} from './rawsocket-frames.js';

/** The ABORT reason when the router cannot deliver a message within the client's announced limit. */
export const PAYLOAD_SIZE_EXCEEDED = 'wamp.error.payload_size_exceeded';
const PROTOCOL_VIOLATION = 'wamp.error.protocol_violation';

/** What the transport needs of the session beyond PeerHandler: a way to ABORT with a reason. */
export interface RawSocketHandler extends PeerHandler {
  /** Ends the session with ABORT `reason` (detail `message`), then closes the transport. */
  close(kind: 'abort', reason: string, message: string): void;
}

export interface RawSocketEndpointOptions {
  /** Largest message accepted from a client; the handshake reply announces the largest power of two not above it. */
  maxMessageSize: number;
  /** A connection that completes no handshake within this many ms is closed. */
  handshakeTimeoutMs: number;
  /** Connections past this many (handshake completed, still open) get handshake error 4. */
  maxConnections?: number;
  /** Clients announcing a smaller receive limit get handshake error 2. */
  minClientMessageSize?: number;
  /** When set, the listener speaks TLS. */
  tls?: TlsOptions;
  logger: Logger;
  /** Builds the session that will own a connection once its handshake succeeded. */
  onConnection: (peer: Peer) => RawSocketHandler;
}

/** A running endpoint: its server (to listen on) and a close that drops every connection. */
export interface RawSocketEndpoint {
  readonly server: Server;
  /** Connections that completed the handshake and are still open. */
  connections(): number;
  /** Destroys every connection (handshaken or not) and stops listening. */
  close(): Promise<void>;
}

/**
 * One-entry cache: a JSON EVENT fanned out to many RawSocket clients is UTF-8 encoded once.
 * Only small texts are kept, so a large payload is not held alive after its fan-out.
 */
const CACHE_TEXT_LIMIT = 64 * 1024;
let lastText = '';
let lastBytes: Buffer = Buffer.alloc(0);
function frameBytes(frame: Frame): Uint8Array {
  if (typeof frame !== 'string') return frame;
  if (frame.length > CACHE_TEXT_LIMIT) return Buffer.from(frame, 'utf8');
  if (frame !== lastText) {
    lastText = frame;
    lastBytes = Buffer.from(frame, 'utf8');
  }
  return lastBytes;
}

/** How long a closing connection may wait for the client's FIN before it is destroyed. */
const CLOSE_GRACE_MS = 2000;

class RawSocketPeer implements Peer {
  readonly kind = 'rawsocket';
  private closing = false;
  /** Set when a message would exceed the client's limit: later messages are dropped until the ABORT. */
  private blocked = false;
  handler: RawSocketHandler | undefined;

  constructor(
    private readonly socket: Socket,
    readonly serializer: Serializer,
    readonly remoteAddress: string,
    /** The length the client announced: the router never sends it a larger message. */
    readonly clientMaxLength: number,
    private readonly logger: Logger,
  ) {}

  send(frame: Frame): void {
    if (this.closing || this.blocked || this.socket.destroyed) return;
    const payload = frameBytes(frame);
    if (payload.byteLength > this.clientMaxLength) {
      this.refuseOversize(payload.byteLength);
      return;
    }
    this.write(FrameType.message, payload);
  }

  /** PONG echo of a PING, written even while messages are blocked (it is transport-level). */
  pong(payload: Uint8Array): void {
    if (this.closing || this.socket.destroyed) return;
    this.write(FrameType.pong, payload);
  }

  private write(type: FrameTypeValue, payload: Uint8Array): void {
    // Header and payload corked into one write; the payload is never copied (it may be shared by a fan-out).
    this.socket.cork();
    this.socket.write(encodeFrameHeader(type, payload.byteLength));
    if (payload.byteLength > 0) this.socket.write(payload);
    this.socket.uncork();
  }

  /**
   * spec: advanced/transport_rawsocket.md#serialization — the router must not send a message
   * longer than the client announced. For now the session ends: this message and any after it
   * are dropped, and once the current dispatch has finished (never in the middle of a broker or
   * dealer loop) the session gets ABORT wamp.error.payload_size_exceeded.
   */
  private refuseOversize(size: number): void {
    this.blocked = true;
    const message = `a ${size}-octet message exceeds the ${this.clientMaxLength}-octet limit this client announced in its RawSocket handshake`;
    this.logger.warn({ transport: 'rawsocket', remote: this.remoteAddress, size, limit: this.clientMaxLength }, `closing session: ${message}`);
    setImmediate(() => {
      if (this.closing || this.socket.destroyed) return;
      this.blocked = false;
      this.handler?.close('abort', PAYLOAD_SIZE_EXCEEDED, message);
    });
  }

  close(_code: number, _reason: string): void {
    if (this.closing) return;
    this.closing = true;
    // RawSocket has no close frame: flush what was written, then FIN.
    this.socket.end();
    // A client that never closes its side must not hold the socket open.
    const timer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    timer.unref();
    this.socket.once('close', () => clearTimeout(timer));
  }

  bufferedBytes(): number {
    return this.socket.writableLength;
  }
}

function remoteOf(socket: Socket, unixPath: string | undefined): string {
  if (socket.remoteAddress === undefined) return `unix:${unixPath ?? '?'}`;
  return `${socket.remoteAddress}:${socket.remotePort ?? '?'}`;
}

/**
 * Creates the RawSocket endpoint (net or tls server, not yet listening). `unixPath` only labels
 * remote addresses in logs and session details.
 */
export function createRawSocketEndpoint(options: RawSocketEndpointOptions, unixPath?: string): RawSocketEndpoint {
  // The router announces a power of two not above its configured limit, and enforces what it announced.
  const routerMaxLength = maxLengthOf(lengthExponentFor(Math.min(options.maxMessageSize, MAX_MAX_LENGTH)));
  const minClientLength = options.minClientMessageSize ?? 0;
  const sockets = new Set<Socket>();
  let accepted = 0;
  const log = options.logger.child({ transport: 'rawsocket' });

  const onSocket = (socket: Socket): void => {
    const remote = remoteOf(socket, unixPath);
    let peer: RawSocketPeer | undefined;
    let handler: RawSocketHandler | undefined;

    const refuse = (code: HandshakeErrorCode, detail: string): void => {
      log.debug({ remote, code, detail }, `RawSocket handshake refused: ${handshakeErrorText(code)}`);
      decoder.stop();
      socket.end(encodeHandshakeError(code));
      const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
    };

    const sink: FrameSink = {
      handshake(octets) {
        clearTimeout(handshakeTimer);
        const request = parseHandshakeRequest(octets);
        if (!request.ok) {
          if (request.badMagic) {
            // spec: not a RawSocket request — fail the connection, no reply
            log.debug({ remote, detail: request.message }, 'RawSocket handshake failed');
            decoder.stop();
            socket.destroy();
            return;
          }
          return refuse(request.error, request.message);
        }
        const serializer = serializerByRawSocketId(request.serializerId);
        if (serializer === undefined) return refuse(HandshakeError.serializerUnsupported, `serializer id ${request.serializerId}`);
        if (request.maxLength < minClientLength) {
          return refuse(HandshakeError.maxLengthUnacceptable, `client limit ${request.maxLength} < ${minClientLength}`);
        }
        if (options.maxConnections !== undefined && accepted >= options.maxConnections) {
          return refuse(HandshakeError.maxConnectionsReached, `${accepted} of ${options.maxConnections} connections open`);
        }
        accepted++;
        socket.write(encodeHandshake(serializer.rawSocketId, routerMaxLength));
        peer = new RawSocketPeer(socket, serializer, remote, request.maxLength, log);
        handler = options.onConnection(peer);
        peer.handler = handler;
      },
      frame(type, payload) {
        if (peer === undefined || handler === undefined) return;
        switch (type) {
          case FrameType.message:
            // RawSocket frames are bytes for every serializer; the JSON serializer decodes UTF-8 bytes.
            handler.receive(payload, peer.serializer.binary);
            return;
          case FrameType.ping:
            // spec: exactly one PONG, immediately, echoing the payload
            peer.pong(payload);
            return;
          case FrameType.pong:
            return; // the router sends no PINGs yet; an unsolicited PONG is ignored
        }
      },
      failed(failure: FrameFailure) {
        log.debug({ remote, code: failure.code }, `RawSocket connection failed: ${failure.message}`);
        // spec: a frame over the limit (or otherwise illegal) fails the connection; ABORT says why.
        if (handler !== undefined) handler.close('abort', PROTOCOL_VIOLATION, failure.message);
        else socket.destroy();
      },
    };
    const decoder = new RawSocketDecoder(sink, routerMaxLength, { handshake: true });

    socket.setNoDelay?.(true);
    // No complete handshake in time (however slowly its octets trickle in): drop the connection.
    // After the handshake, the session's HELLO timer takes over.
    const handshakeTimer = setTimeout(() => socket.destroy(), options.handshakeTimeoutMs);
    socket.on('data', (chunk: Buffer) => {
      if (!decoder.stopped) decoder.push(chunk);
    });
    socket.on('error', (error: Error) => log.debug({ remote, err: error.message }, 'RawSocket socket error'));
    socket.on('close', () => {
      clearTimeout(handshakeTimer);
      decoder.stop();
      if (peer !== undefined) accepted--;
      handler?.transportClosed();
    });
  };

  let server: Server;
  if (options.tls !== undefined) {
    server = createTlsServer({ ...options.tls, handshakeTimeout: options.handshakeTimeoutMs }, onSocket);
    server.on('tlsClientError', (error: Error, socket: Socket) => {
      log.debug({ remote: remoteOf(socket, unixPath), err: error.message }, 'TLS handshake failed');
      // Node reports a TLS handshake timeout here but leaves the connection open.
      socket.destroy();
    });
  } else {
    server = createNetServer(onSocket);
  }
  // Every connection, from accept on (for TLS: before its handshake), so close() can drop them all.
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  return {
    server,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        sockets.clear();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      }),
  };
}

/**
 * Listens on a Unix domain socket path. A stale socket file left by a process that died is
 * removed (nothing answers on it); a path some live process serves is refused.
 */
export async function listenUnix(server: Server, path: string): Promise<void> {
  const attempt = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await attempt();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const live = await new Promise<boolean>((resolve) => {
      const probe = connect(path);
      probe.once('connect', () => {
        probe.destroy();
        resolve(true);
      });
      probe.once('error', () => resolve(false));
    });
    if (live) throw new Error(`Unix socket ${path} is in use by another process`);
    unlinkSync(path);
    await attempt();
  }
}
