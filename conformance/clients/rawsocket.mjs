// A minimal WAMP-over-RawSocket client for the transport rows (transports.mjs): TCP, TLS or a Unix
// socket, json/msgpack/cbor, built on the router's pure frame codec (dist/router/transports/rawsocket-frames.js).
// It speaks just what those rows need: HELLO/WELCOME, SUBSCRIBE/EVENT, PUBLISH(acknowledge), REGISTER/
// INVOCATION/YIELD, CALL/RESULT, GOODBYE. Same shape as the matrix client interface (subset).
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { encode as encodeMsgpack, decode as decodeMsgpack } from 'msgpackr';
import { encode as encodeCbor, decode as decodeCbor } from 'cbor-x';
import { FrameType, RawSocketDecoder, encodeFrame, encodeHandshake, parseHandshakeReply } from '../../dist/router/transports/rawsocket-frames.js';
import { WampCallError } from './wamp-error.mjs';

const SERIALIZER_IDS = { json: 1, msgpack: 2, cbor: 3 };
const MAX_LENGTH = 2 ** 16;
const ROLES = { publisher: {}, subscriber: {}, caller: {}, callee: {} };

/** msgpackr decodes 64-bit integers as BigInt; IDs are < 2^53, so make them numbers again. */
function unBig(value) {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(unBig);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unBig(v)]));
  return value;
}
const encode = (serializer, list) =>
  serializer === 'json' ? Buffer.from(JSON.stringify(list)) : serializer === 'msgpack' ? encodeMsgpack(list) : encodeCbor(list);
const decode = (serializer, payload) =>
  unBig(serializer === 'json' ? JSON.parse(Buffer.from(payload).toString('utf8')) : serializer === 'msgpack' ? decodeMsgpack(payload) : decodeCbor(payload));

/** `target`: { host, port } | { path } (Unix) | { host, port, tls: tls.connect options }. */
export function connectRawSocket(target, serializer, realm = 'realm1') {
  return new Promise((resolve, reject) => {
    const socket = target.path !== undefined
      ? netConnect({ path: target.path })
      : target.tls !== undefined
        ? tlsConnect({ host: target.host, port: target.port, ...target.tls })
        : netConnect({ host: target.host, port: target.port });
    let nextId = 1;
    const pending = new Map(); // request id → { resolve, reject, map }
    const handlers = new Map(); // subscription / registration id → handler
    let goodbyeReason;
    let session;
    const closed = new Promise((resolveClosed) => socket.once('close', () => resolveClosed()));
    closed.then(() => {
      for (const { reject: fail } of pending.values()) fail(new Error('connection closed'));
      pending.clear();
      if (!session) reject(new Error('connection closed before WELCOME'));
    });
    socket.on('error', (error) => reject(error));
    const send = (list) => socket.write(encodeFrame(FrameType.message, encode(serializer, list)));
    const request = (list, map) =>
      new Promise((resolveRequest, rejectRequest) => {
        const id = nextId++;
        pending.set(id, { resolve: resolveRequest, reject: rejectRequest, map });
        send([list[0], id, ...list.slice(1)]);
      });

    const onMessage = async (msg) => {
      const [code] = msg;
      if (code === 2) {
        session = wrap(msg[1], msg[2]);
        resolve(session);
      } else if (code === 3) {
        reject(new WampCallError(msg[2], [msg[1]?.message ?? '']));
        socket.end();
      } else if (code === 6) {
        goodbyeReason = msg[2];
        if (!closing) send([6, {}, 'wamp.close.goodbye_and_out']);
        socket.end();
      } else if (code === 8) {
        const entry = pending.get(msg[2]);
        pending.delete(msg[2]);
        entry?.reject(new WampCallError(msg[4], msg[5] ?? [], msg[6] ?? {}));
      } else if (code === 36) {
        handlers.get(msg[1])?.({ args: msg[4] ?? [], kwargs: msg[5] ?? {}, details: msg[3] });
      } else if (code === 68) {
        const [, requestId, registration, details, args = [], kwargs = {}] = msg;
        try {
          const result = (await handlers.get(registration)({ args, kwargs, details })) ?? {};
          send([70, requestId, {}, result.args ?? [], result.kwargs ?? {}]);
        } catch (error) {
          send([8, 68, requestId, {}, error.uri ?? 'wamp.error.runtime_error', error.args ?? [String(error)], error.kwargs ?? {}]);
        }
      } else if ([17, 33, 50, 65].includes(code)) {
        const entry = pending.get(msg[1]);
        pending.delete(msg[1]);
        entry?.resolve(entry.map(msg));
      }
    };

    let closing = false;
    const wrap = (sessionId, welcome) => ({
      kind: 'raw',
      sessionId,
      welcome,
      subscribe: (topic, onEvent) =>
        request([32, {}, topic], (m) => (handlers.set(m[2], onEvent), { id: m[2] })),
      publish: (topic, args = [], kwargs = {}, options = {}) =>
        options.acknowledge
          ? request([16, { acknowledge: true }, topic, args, kwargs], (m) => ({ publicationId: m[2] }))
          : (send([16, nextId++, {}, topic, args, kwargs]), Promise.resolve({})),
      register: (procedure, handler) =>
        request([64, {}, procedure], (m) => (handlers.set(m[2], handler), { id: m[2] })),
      call: (procedure, args = [], kwargs = {}) =>
        request([48, {}, procedure, args, kwargs], (m) => ({ args: m[3] ?? [], kwargs: m[4] ?? {} })),
      async close() {
        if (!socket.destroyed && !closing) {
          closing = true;
          send([6, {}, 'wamp.close.close_realm']);
          const timer = setTimeout(() => socket.destroy(), 1000);
          await closed;
          clearTimeout(timer);
        }
        await closed;
        return { clean: goodbyeReason !== undefined, goodbyeReason };
      },
    });

    const decoder = new RawSocketDecoder(
      {
        handshake: (octets) => {
          const reply = parseHandshakeReply(octets);
          if (!reply.ok) return reject(new Error(`RawSocket handshake refused: ${reply.message ?? reply.error}`));
          send([1, realm, { roles: ROLES }]);
        },
        frame: (type, payload) => {
          if (type === FrameType.message) onMessage(decode(serializer, payload)).catch(reject);
          else if (type === FrameType.ping) socket.write(encodeFrame(FrameType.pong, payload));
        },
        failed: (failure) => {
          reject(new Error(`RawSocket frame refused: ${JSON.stringify(failure)}`));
          socket.destroy();
        },
      },
      MAX_LENGTH,
      { handshake: true },
    );
    socket.on('data', (chunk) => decoder.push(chunk));
    socket.once(target.tls !== undefined && target.path === undefined ? 'secureConnect' : 'connect', () =>
      socket.write(encodeHandshake(SERIALIZER_IDS[serializer], MAX_LENGTH)),
    );
  });
}
