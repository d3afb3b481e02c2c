// wampy behind the common client interface (see ../clients.mjs).
import { Wampy, Errors } from 'wampy';
import { JsonSerializer } from 'wampy/JsonSerializer.js';
import { MsgpackSerializer } from 'wampy/MsgpackSerializer.js';
import { CborSerializer } from 'wampy/CborSerializer.js';
import WebSocket from 'ws';
import { WampCallError, clientError, deferred } from './wamp-error.mjs';

/** Turns BigInts that fit a JS number back into numbers, anywhere in a decoded message. */
function safeBigIntsToNumbers(value) {
  if (typeof value === 'bigint') return value >= -Number.MAX_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER ? Number(value) : value;
  if (Array.isArray(value)) return value.map(safeBigIntsToNumbers);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, safeBigIntsToNumbers(item)]));
  }
  return value;
}

// Quirk: wampy's msgpack serializer (msgpackr defaults) decodes every 64-bit integer as a BigInt, so
// session/publication IDs and any payload integer >= 2^32 arrive as BigInt. Its CBOR serializer does not.
class MsgpackNumbersSerializer extends MsgpackSerializer {
  decode(data) {
    return safeBigIntsToNumbers(super.decode(data));
  }
}

const SERIALIZERS = { json: JsonSerializer, msgpack: MsgpackNumbersSerializer, cbor: CborSerializer };
const GOODBYE = 6;

/** wampy's WampError family → WampCallError; its local errors (UriError, WebsocketError, ...) → client:<name>. */
function normalizeError(error) {
  if (error instanceof Errors.WampError) return new WampCallError(error.errorUri, error.argsList ?? [], error.argsDict ?? {});
  return clientError(error);
}

async function op(fn) {
  try {
    return await fn();
  } catch (error) {
    throw normalizeError(error);
  }
}

/** wampy's payload convention: an array is args; {argsList, argsDict} carries kwargs too. */
function toPayload(args, kwargs) {
  if (kwargs === undefined || Object.keys(kwargs).length === 0) return args ?? [];
  return { argsList: args ?? [], argsDict: kwargs };
}

export async function connectWampy(url, serializer, realm) {
  const closed = deferred();
  const client = new Wampy(url, { realm, ws: WebSocket, serializer: new SERIALIZERS[serializer](), autoReconnect: false });

  // Quirk workarounds (see README): these hook wampy internals on this one instance.
  // 1. wampy refuses "wamp." URIs before sending; let the router be the one to judge.
  client._validateURI = () => true;
  // 2. wampy exposes neither the GOODBYE reason nor the close event; observe them.
  let goodbyeReason;
  const decode = client._decode.bind(client);
  client._decode = (data) => {
    const message = decode(data);
    if (message[0] === GOODBYE) goodbyeReason = message[2];
    return message;
  };
  const onClose = client._wsOnClose.bind(client);
  client._wsOnClose = async (event) => {
    await onClose(event);
    closed.resolve({ clean: event?.wasClean === true, goodbyeReason });
  };

  const welcome = await op(() => client.connect());
  return {
    kind: 'wampy',
    sessionId: client.getSessionId(),
    welcome,
    subscribe: (topic, onEvent) =>
      op(async () => {
        const { subscriptionId } = await client.subscribe(topic, ({ argsList, argsDict }) =>
          onEvent({ args: argsList ?? [], kwargs: argsDict ?? {} }),
        );
        return subscriptionId;
      }),
    unsubscribe: (subscriptionId) => op(() => client.unsubscribe(subscriptionId)),
    // Quirk: wampy always publishes with acknowledge: true, so `acknowledge` is ignored here.
    publish: (topic, args, kwargs) =>
      op(async () => {
        const { publicationId } = await client.publish(topic, toPayload(args, kwargs));
        return { publicationId };
      }),
    register: (procedure, handler) =>
      op(async () => {
        await client.register(procedure, async ({ argsList, argsDict }) => {
          try {
            const result = await handler({ args: argsList ?? [], kwargs: argsDict ?? {} });
            return toPayload(result?.args, result?.kwargs);
          } catch (error) {
            // wampy turns a thrown {error, argsList, argsDict} into ERROR(INVOCATION).
            if (error instanceof WampCallError) {
              throw Object.assign(new Error(error.uri), { error: error.uri, argsList: error.args, argsDict: error.kwargs });
            }
            throw error;
          }
        });
        return procedure; // wampy unregisters by URI
      }),
    unregister: (procedure) => op(() => client.unregister(procedure)),
    call: (procedure, args, kwargs) =>
      op(async () => {
        const { argsList, argsDict } = await client.call(procedure, toPayload(args, kwargs));
        return { args: argsList ?? [], kwargs: argsDict ?? {} };
      }),
    async close() {
      try {
        await client.disconnect();
      } catch {
        // already closed
      }
      return closed.promise;
    },
  };
}
