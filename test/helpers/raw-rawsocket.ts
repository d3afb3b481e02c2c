// The project's own raw WAMP-over-RawSocket client: TCP, TLS or a Unix domain socket, any
// serializer id, any handshake octets, any frame. No client library between the test and the
// router, so it can send what a correct client never would. Built on the router's pure decoder
// (router/transports/rawsocket-frames.ts); reusable by conformance runs.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { encode as encodeMsgpack, decode as decodeMsgpack } from 'msgpackr';
import { encode as encodeCbor, decode as decodeCbor } from 'cbor-x';
import {
  FrameType,
  RawSocketDecoder,
  encodeFrame,
  encodeHandshake,
  maxLengthOf,
  parseHandshakeReply,
  type FrameFailure,
  type FrameTypeValue,
  type HandshakeReply,
} from '../../router/transports/rawsocket-frames.js';
import type { SerializerName } from './clients.js';

export const RAWSOCKET_SERIALIZER_IDS: Record<SerializerName, number> = { json: 1, msgpack: 2, cbor: 3 };

/** Where to connect: TCP `host`/`port`, or a Unix socket `path`; `tls` wraps the TCP connection. */
export interface RawSocketTarget {
  host?: string;
  port?: number;
  path?: string;
  /** tls.connect options (ca, servername, cert, key …); TCP only. */
  tls?: ConnectionOptions;
}

/** Opens the byte stream (plain, TLS or Unix) and resolves once it can carry data. */
export function openStream(target: RawSocketTarget): Promise<Socket> {
  return new Promise((resolve, reject) => {
    let socket: Socket;
    if (target.path !== undefined) socket = netConnect({ path: target.path });
    else if (target.tls !== undefined) socket = tlsConnect({ host: target.host ?? '127.0.0.1', port: target.port, ...target.tls });
    else socket = netConnect({ host: target.host ?? '127.0.0.1', port: target.port ?? 0 });
    const ready = target.tls !== undefined && target.path === undefined ? 'secureConnect' : 'connect';
    socket.once(ready, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** What came back from a handshake that the test drives octet by octet. */
export interface RawExchange {
  /** Every octet the router sent before it closed the connection (or before the timeout). */
  bytes: Buffer;
  /** Whether the router closed the connection within the wait. */
  closed: boolean;
}

/**
 * Sends `octets` (a handshake, valid or not, maybe followed by frames) and collects everything
 * the router sends until it closes the connection or `ms` passes; then closes our side.
 */
export async function exchange(target: RawSocketTarget, octets: Uint8Array, ms = 2000): Promise<RawExchange> {
  const socket = await openStream(target);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  const closed = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.write(octets);
  });
  socket.destroy();
  return { bytes: Buffer.concat(chunks), closed };
}

export interface RawSocketClientOptions extends RawSocketTarget {
  serializer?: SerializerName;
  /** Receive limit this client announces (rounded down to a power of two, 512 .. 16 MiB); default 16 MiB. */
  maxLength?: number;
}

export interface RawSocketClient {
  socket: Socket;
  serializer: SerializerName;
  /** The router's handshake reply. */
  reply: HandshakeReply & { ok: true };
  /** Messages received so far, decoded. */
  received: unknown[][];
  /** Payloads of PONG frames received so far. */
  pongs: Buffer[];
  /** Set if the router sent a frame this client's decoder refused (e.g. over the announced limit). */
  failure: FrameFailure | undefined;
  /** Sends a message list with the connection's serializer. */
  send(list: unknown[]): void;
  /** Sends one frame of any type with the payload as given. */
  sendFrame(type: FrameTypeValue | number, payload: Uint8Array): void;
  /** Writes octets as they are. */
  sendRaw(octets: Uint8Array): void;
  /** Resolves with the next message (or one already received and not yet taken). */
  next(ms?: number): Promise<unknown[]>;
  /** Resolves with the next PONG payload. */
  nextPong(ms?: number): Promise<Buffer>;
  /** Resolves once the router has closed the connection. */
  closed: Promise<void>;
  isClosed(): boolean;
  /** HELLO + the answer (WELCOME or ABORT). */
  join(realm?: string, roles?: Record<string, unknown>): Promise<unknown[]>;
  /** GOODBYE, the router's GOODBYE reply, then the connection closes. */
  leave(): Promise<void>;
  /** Closes our side and waits for the close. */
  close(): Promise<void>;
}

const DEFAULT_ROLES = { publisher: {}, subscriber: {}, caller: {}, callee: {} };

function encodeMessage(serializer: SerializerName, list: unknown[]): Uint8Array {
  if (serializer === 'json') return Buffer.from(JSON.stringify(list), 'utf8');
  return serializer === 'msgpack' ? encodeMsgpack(list) : encodeCbor(list);
}

function decodeMessage(serializer: SerializerName, payload: Uint8Array): unknown[] {
  if (serializer === 'json') return JSON.parse(Buffer.from(payload).toString('utf8')) as unknown[];
  return (serializer === 'msgpack' ? decodeMsgpack(payload) : decodeCbor(payload)) as unknown[];
}

/** Connects, does the RawSocket handshake, and rejects if the router refuses it. */
export async function connectRawSocket(options: RawSocketClientOptions): Promise<RawSocketClient> {
  const serializer = options.serializer ?? 'json';
  const maxLength = options.maxLength ?? maxLengthOf(15);
  const socket = await openStream(options);
  const received: unknown[][] = [];
  const pongs: Buffer[] = [];
  const waiters: Array<() => void> = [];
  const wake = (): void => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  let taken = 0;
  let pongsTaken = 0;
  let isClosed = false;
  let onReply: (reply: HandshakeReply) => void = () => undefined;
  const replied = new Promise<HandshakeReply>((resolve) => (onReply = resolve));

  const client = {} as RawSocketClient;
  const decoder = new RawSocketDecoder(
    {
      handshake: (octets) => onReply(parseHandshakeReply(octets)),
      frame: (type, payload) => {
        if (type === FrameType.message) received.push(decodeMessage(serializer, payload));
        else if (type === FrameType.pong) pongs.push(Buffer.from(payload));
        else if (type === FrameType.ping) client.sendFrame(FrameType.pong, payload);
        wake();
      },
      failed: (failure) => {
        client.failure = failure;
        wake();
      },
    },
    maxLength,
    { handshake: true },
  );
  socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      isClosed = true;
      onReply({ ok: false, error: 0, message: 'connection closed before the handshake reply' });
      resolve();
      wake();
    }),
  );

  async function waitFor(ready: () => boolean, ms: number, what: string): Promise<void> {
    const deadline = Date.now() + ms;
    while (!ready()) {
      if (isClosed) throw new Error(`connection closed while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  Object.assign(client, {
    socket,
    serializer,
    received,
    pongs,
    failure: undefined,
    closed,
    isClosed: () => isClosed,
    send(list: unknown[]) {
      client.sendFrame(FrameType.message, encodeMessage(serializer, list));
    },
    sendFrame(type: number, payload: Uint8Array) {
      if (!socket.destroyed) socket.write(encodeFrame(type as FrameTypeValue, payload));
    },
    sendRaw(octets: Uint8Array) {
      socket.write(octets);
    },
    async next(ms = 2000) {
      await waitFor(() => taken < received.length, ms, 'message');
      return received[taken++];
    },
    async nextPong(ms = 2000) {
      await waitFor(() => pongsTaken < pongs.length, ms, 'PONG');
      return pongs[pongsTaken++];
    },
    async join(realm = 'realm1', roles = DEFAULT_ROLES) {
      client.send([1, realm, { roles }]);
      return client.next();
    },
    async leave() {
      client.send([6, {}, 'wamp.close.close_realm']);
      const reply = await client.next();
      if (reply[0] !== 6) throw new Error(`expected GOODBYE, got ${JSON.stringify(reply)}`);
      await closed;
    },
    async close() {
      if (!isClosed) socket.end();
      const timer = setTimeout(() => socket.destroy(), 1000);
      await closed;
      clearTimeout(timer);
    },
  } satisfies Omit<RawSocketClient, 'reply'>);

  socket.write(encodeHandshake(RAWSOCKET_SERIALIZER_IDS[serializer], maxLength));
  const reply = await replied;
  if (!reply.ok) {
    socket.destroy();
    throw Object.assign(new Error(`RawSocket handshake refused: ${reply.message}`), { code: reply.error });
  }
  client.reply = reply;
  return client;
}
