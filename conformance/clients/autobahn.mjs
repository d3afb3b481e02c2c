// AutobahnJS behind the common client interface (see ../clients.mjs).
import { createRequire } from 'node:module';
import autobahn from 'autobahn';
import { WampCallError, NotApplicable, clientError, deferred } from './wamp-error.mjs';
import { autobahnLoginOptions } from './auth.mjs';

// autobahn console.warn()s every connection close; that chatter would drown the table.
createRequire(import.meta.url)('autobahn/lib/log.js').warn = () => undefined;

const SERIALIZERS = { json: 'JSONSerializer', msgpack: 'MsgpackSerializer', cbor: 'CBORSerializer' };

/** What AutobahnJS cannot express; a scenario needing one of these is `n/a` in autobahn cells. */
const CANCEL_LOCALLY =
  'AutobahnJS 26 rejects the call itself on CANCEL with mode skip/killnowait, then treats the dealer\'s ' +
  'ERROR wamp.error.canceled as a protocol violation ("CALL-ERROR received for non-pending request ID") ' +
  'and closes its session; only mode kill works';
export const AUTOBAHN_LIMITS = {
  'caller.cancel.skip': CANCEL_LOCALLY,
  'caller.cancel.killnowait': CANCEL_LOCALLY,
};

/** autobahn.Error → WampCallError; anything else (thrown strings, TypeErrors) → client:<name>. */
function normalizeError(error) {
  if (error instanceof NotApplicable) return error; // the cell is n/a, not a client error
  if (error instanceof autobahn.Error) return new WampCallError(error.error, error.args, error.kwargs);
  return clientError(error);
}

/** autobahn collapses a single positional result to a bare value; undo that. */
function normalizeResult(result) {
  if (result instanceof autobahn.Result) return { args: result.args, kwargs: result.kwargs };
  if (result === null || result === undefined) return { args: [], kwargs: {} };
  return { args: [result], kwargs: {} };
}

/** `options` without undefined values (autobahn's msgpack encoder cannot carry `undefined`); undefined if empty. */
function defined(options = {}) {
  const entries = Object.entries(options).filter(([, value]) => value !== undefined);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/** autobahn's Event → the EVENT.Details keys it carries (autobahn fills in `topic` for exact subscriptions too). */
function eventDetails(event) {
  const { publication, topic, publisher, publisher_authid, publisher_authrole, retained } = event ?? {};
  return defined({ publication, topic, publisher, publisher_authid, publisher_authrole, retained: retained || undefined }) ?? {};
}

/** autobahn's Invocation → the INVOCATION.Details keys it carries (`procedure` falls back to the registered URI). */
function invocationDetails(invocation) {
  const { procedure, caller, caller_authid, caller_authrole } = invocation ?? {};
  return defined({ procedure, caller, caller_authid, caller_authrole }) ?? {};
}

/** Calls `fn`, turning any rejection into a WampCallError. */
async function op(fn) {
  try {
    return await fn();
  } catch (error) {
    throw normalizeError(error);
  }
}

export function connectAutobahn(url, serializer, realm, login) {
  return new Promise((resolve, reject) => {
    const closed = deferred();
    // `url`: a WebSocket URL, or a transport object (transports.mjs: `{ type: 'rawsocket', host, port }` or
    // `{ type: 'rawsocket', path }`; autobahn's Node RawSocket transport speaks JSON only).
    const connection = new autobahn.Connection({
      ...(typeof url === 'string' ? { url, serializers: [new autobahn.serializer[SERIALIZERS[serializer]]()] } : { transports: [url] }),
      realm,
      max_retries: 0,
      ...autobahnLoginOptions(login), // auth rows (scenarios-auth.mjs)
      // A callee raising autobahn.Error is normal here; report only real bugs.
      on_user_error: (error, message) => {
        if (!(error instanceof autobahn.Error)) console.error('autobahn:', message, error);
      },
    });
    let opened = false;
    connection.onopen = (session, details) => {
      opened = true;
      resolve(wrap(connection, session, details, closed.promise));
    };
    connection.onclose = (reason, details) => {
      // reason "closed" = clean WebSocket close; details.reason = the peer's GOODBYE reason.
      closed.resolve({ clean: reason === 'closed', goodbyeReason: details?.reason ?? undefined });
      // An ABORT (auth rows) carries the router's reason and message.
      if (!opened) reject(details?.reason ? new WampCallError(details.reason, [details.message ?? '']) : clientError(new Error(`connection ${reason}`)));
      return true; // never reconnect
    };
    connection.open();
  });
}

function wrap(connection, session, welcome, closed) {
  return {
    kind: 'autobahn',
    sessionId: session.id,
    welcome,
    subscribe: (topic, onEvent, options) =>
      op(() => session.subscribe(topic, (args, kwargs, event) => onEvent({ args, kwargs, details: eventDetails(event) }), defined(options))),
    unsubscribe: (subscription) => op(() => session.unsubscribe(subscription)),
    publish: (topic, args, kwargs, { acknowledge = false, ...options } = {}) =>
      op(async () => {
        const publication = await session.publish(topic, args, kwargs, defined({ ...options, acknowledge: acknowledge || undefined }));
        return { publicationId: publication?.id };
      }),
    register: (procedure, handler, options) =>
      op(() =>
        session.register(
          procedure,
          async (args, kwargs, invocation) => {
            try {
              const progress = typeof invocation?.progress === 'function' ? (a, kw) => invocation.progress(a ?? [], kw) : null;
              const result = await handler({ args, kwargs, details: invocationDetails(invocation), progress });
              return new autobahn.Result(result?.args ?? [], result?.kwargs ?? {});
            } catch (error) {
              if (error instanceof WampCallError) throw new autobahn.Error(error.uri, error.args, error.kwargs);
              throw error;
            }
          },
          defined(options),
        ),
      ),
    unregister: (registration) => op(() => session.unregister(registration)),
    call(procedure, args, kwargs, { timeout, disclose_me, onProgress } = {}) {
      let pending;
      const result = op(async () => {
        // autobahn 26 returns a when.js promise: progressive results arrive through then()'s third callback.
        pending = session.call(procedure, args, kwargs, defined({ timeout, disclose_me, receive_progress: onProgress ? true : undefined }));
        const value = await new Promise((resolve, reject) =>
          pending.then(resolve, reject, onProgress ? (progress) => onProgress(normalizeResult(progress)) : undefined),
        );
        return normalizeResult(value);
      });
      result.cancel = (mode) => {
        const limit = AUTOBAHN_LIMITS[`caller.cancel.${mode ?? 'killnowait'}`]; // the spec's default mode
        if (limit) throw new NotApplicable(limit);
        try {
          pending.cancel(defined({ mode }) ?? {});
        } catch (error) {
          throw normalizeError(error);
        }
      };
      return result;
    },
    close() {
      try {
        connection.close();
      } catch {
        // already closed
      }
      return closed;
    },
  };
}
