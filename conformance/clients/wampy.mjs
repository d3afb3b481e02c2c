// wampy behind the common client interface (see ../clients.mjs).
import { Wampy, Errors } from 'wampy';
import { JsonSerializer } from 'wampy/JsonSerializer.js';
import { MsgpackSerializer } from 'wampy/MsgpackSerializer.js';
import { CborSerializer } from 'wampy/CborSerializer.js';
import WebSocket from 'ws';
import { WampCallError, NotApplicable, clientError, deferred } from './wamp-error.mjs';
import { wampyLoginOptions } from './auth.mjs';

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

/** What wampy cannot express; a scenario needing one of these is `n/a` in wampy cells. */
export const WAMPY_LIMITS = {
  'callee.progressive_call_results':
    'wampy 8.0.2 does not announce callee.progressive_call_results in HELLO (though it can send YIELD progress), ' +
    'so the dealer forwards no receive_progress to it and drops its progressive YIELDs',
  'publisher.retain': 'wampy 8.0.2 accepts publish(..., {retain: true}) but leaves `retain` out of PUBLISH.Options',
};
const GOODBYE = 6;

/** wampy's WampError family → WampCallError; its local errors (UriError, WebsocketError, ...) → client:<name>. */
function normalizeError(error) {
  // ABORT (auth rows): the router's reason and message.
  if (error instanceof Errors.AbortError) return new WampCallError(error.errorUri, [error.details?.message ?? '']);
  if (error instanceof NotApplicable) return error; // the cell is n/a, not a client error
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

/** `options` without undefined values; undefined if empty. */
function defined(options = {}) {
  const entries = Object.entries(options).filter(([, value]) => value !== undefined);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/** wampy's payload convention: an array is args; {argsList, argsDict} carries kwargs too. */
function toPayload(args, kwargs) {
  if (kwargs === undefined || Object.keys(kwargs).length === 0) return args ?? [];
  return { argsList: args ?? [], argsDict: kwargs };
}

/** The {argsList, argsDict} object form, for result_handler(). */
function toPayloadObject(args, kwargs) {
  return defined({ argsList: args ?? [], argsDict: kwargs && Object.keys(kwargs).length ? kwargs : undefined });
}

export async function connectWampy(url, serializer, realm, login) {
  const closed = deferred();
  const client = new Wampy(url, { realm, ws: WebSocket, serializer: new SERIALIZERS[serializer](), autoReconnect: false, ...wampyLoginOptions(login) });

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
    subscribe: (topic, onEvent, options) =>
      op(async () => {
        const { subscriptionId } = await client.subscribe(
          topic,
          ({ details, argsList, argsDict }) => onEvent({ args: argsList ?? [], kwargs: argsDict ?? {}, details: details ?? {} }),
          defined(options),
        );
        return { id: subscriptionId };
      }),
    unsubscribe: (handle) => op(() => client.unsubscribe(handle.id)),
    // Quirk: wampy always publishes with acknowledge: true, so `acknowledge` is ignored here.
    publish: (topic, args, kwargs, { acknowledge: _ignored, retain, ...options } = {}) =>
      op(async () => {
        if (retain) throw new NotApplicable(WAMPY_LIMITS['publisher.retain']);
        const { publicationId } = await client.publish(topic, toPayload(args, kwargs), defined(options));
        return { publicationId };
      }),
    register: (procedure, handler, options) =>
      op(async () => {
        const { registrationId } = await client.register(
          procedure,
          async ({ details, argsList, argsDict, result_handler }) => {
            try {
              // Only if the dealer asked for progress (it does not: see WAMPY_LIMITS).
              const progress = details?.receive_progress
                ? (args, kwargs) => result_handler({ ...toPayloadObject(args, kwargs), options: { progress: true } })
                : null;
              const result = await handler({ args: argsList ?? [], kwargs: argsDict ?? {}, details: details ?? {}, progress });
              return toPayload(result?.args, result?.kwargs);
            } catch (error) {
              // wampy turns a thrown {error, argsList, argsDict} into ERROR(INVOCATION).
              if (error instanceof WampCallError) {
                throw Object.assign(new Error(error.uri), { error: error.uri, argsList: error.args, argsDict: error.kwargs });
              }
              throw error;
            }
          },
          defined(options),
        );
        return { id: registrationId, procedure }; // wampy unregisters by URI
      }),
    unregister: (handle) => op(() => client.unregister(handle.procedure)),
    call(procedure, args, kwargs, { timeout, disclose_me, onProgress } = {}) {
      const progress_callback = onProgress ? ({ argsList, argsDict }) => onProgress({ args: argsList ?? [], kwargs: argsDict ?? {} }) : undefined;
      const pending = client.call(procedure, toPayload(args, kwargs), defined({ timeout, disclose_me, progress_callback }));
      const requestId = client.getOpStatus().reqId; // call() sent the CALL synchronously
      const result = op(async () => {
        const { argsList, argsDict } = await pending;
        return { args: argsList ?? [], kwargs: argsDict ?? {} };
      });
      result.cancel = (mode) => {
        try {
          client.cancel(requestId, defined({ mode }));
        } catch (error) {
          throw normalizeError(error);
        }
      };
      return result;
    },
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
