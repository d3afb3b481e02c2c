// A raw `ws` WAMP peer for malformed input and exact wire checks: no client library between
// the test and the router.
import WebSocket from 'ws';
import { encode as encodeMsgpack, decode as decodeMsgpack } from 'msgpackr';
import { encode as encodeCbor, decode as decodeCbor } from 'cbor-x';
import type { SerializerName } from './clients.js';

export interface RawPeer {
  socket: WebSocket;
  /** Messages received so far, decoded. */
  received: unknown[][];
  /** Sends a message list with the connection's serializer. */
  send(list: unknown[]): void;
  /** Sends raw bytes or text as they are. */
  sendRaw(data: string | Buffer, binary: boolean): void;
  /** Resolves with the next message (or one already received and not yet taken). */
  next(ms?: number): Promise<unknown[]>;
  /** Resolves with the close code and reason once the socket closes. */
  closed: Promise<{ code: number; reason: string }>;
  /** HELLO + WELCOME; returns the WELCOME. */
  join(realm?: string, roles?: Record<string, unknown>): Promise<unknown[]>;
  close(): Promise<void>;
}

const DEFAULT_ROLES = { publisher: {}, subscriber: {}, caller: {}, callee: {} };

export function openRaw(url: string, serializer: SerializerName = 'json'): Promise<RawPeer> {
  const socket = new WebSocket(url, [`wamp.2.${serializer}`]);
  const received: unknown[][] = [];
  let taken = 0;
  const waiters: Array<() => void> = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const wake of waiters.splice(0)) wake();
    }),
  );
  socket.on('message', (data: Buffer, isBinary) => {
    const list =
      serializer === 'json'
        ? (JSON.parse(isBinary ? data.toString('utf8') : data.toString()) as unknown[])
        : ((serializer === 'msgpack' ? decodeMsgpack(data) : decodeCbor(data)) as unknown[]);
    received.push(list);
    for (const wake of waiters.splice(0)) wake();
  });
  const peer: RawPeer = {
    socket,
    received,
    closed,
    send(list) {
      if (serializer === 'json') socket.send(JSON.stringify(list));
      else socket.send(serializer === 'msgpack' ? encodeMsgpack(list) : encodeCbor(list));
    },
    sendRaw(data, binary) {
      socket.send(data, { binary });
    },
    async next(ms = 2000) {
      const deadline = Date.now() + ms;
      while (taken >= received.length) {
        if (socket.readyState === WebSocket.CLOSED) throw new Error('socket closed before the next message');
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no message within ${ms} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received[taken++];
    },
    async join(realm = 'realm1', roles = DEFAULT_ROLES) {
      peer.send([1, realm, { roles }]);
      return peer.next();
    },
    async close() {
      if (socket.readyState !== WebSocket.CLOSED) socket.close();
      await closed;
    },
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(peer));
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
  });
}
