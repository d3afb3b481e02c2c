// AutobahnJS behind the common client interface (see ../clients.mjs).
import { createRequire } from 'node:module';
import autobahn from 'autobahn';
import { WampCallError, clientError, deferred } from './wamp-error.mjs';

// autobahn console.warn()s every connection close; that chatter would drown the table.
createRequire(import.meta.url)('autobahn/lib/log.js').warn = () => undefined;

const SERIALIZERS = { json: 'JSONSerializer', msgpack: 'MsgpackSerializer', cbor: 'CBORSerializer' };

/** autobahn.Error → WampCallError; anything else (thrown strings, TypeErrors) → client:<name>. */
function normalizeError(error) {
  if (error instanceof autobahn.Error) return new WampCallError(error.error, error.args, error.kwargs);
  return clientError(error);
}

/** autobahn collapses a single positional result to a bare value; undo that. */
function normalizeResult(result) {
  if (result instanceof autobahn.Result) return { args: result.args, kwargs: result.kwargs };
  if (result === null || result === undefined) return { args: [], kwargs: {} };
  return { args: [result], kwargs: {} };
}

/** Calls `fn`, turning any rejection into a WampCallError. */
async function op(fn) {
  try {
    return await fn();
  } catch (error) {
    throw normalizeError(error);
  }
}

export function connectAutobahn(url, serializer, realm) {
  return new Promise((resolve, reject) => {
    const closed = deferred();
    const connection = new autobahn.Connection({
      url,
      realm,
      max_retries: 0,
      serializers: [new autobahn.serializer[SERIALIZERS[serializer]]()],
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
      if (!opened) reject(clientError(new Error(`connection ${reason}`)));
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
    subscribe: (topic, onEvent) =>
      op(() => session.subscribe(topic, (args, kwargs) => onEvent({ args, kwargs }))),
    unsubscribe: (subscription) => op(() => session.unsubscribe(subscription)),
    publish: (topic, args, kwargs, { acknowledge = false } = {}) =>
      op(async () => {
        const publication = await session.publish(topic, args, kwargs, acknowledge ? { acknowledge } : undefined);
        return { publicationId: publication?.id };
      }),
    register: (procedure, handler) =>
      op(() =>
        session.register(procedure, async (args, kwargs) => {
          try {
            const result = await handler({ args, kwargs });
            return new autobahn.Result(result?.args ?? [], result?.kwargs ?? {});
          } catch (error) {
            if (error instanceof WampCallError) throw new autobahn.Error(error.uri, error.args, error.kwargs);
            throw error;
          }
        }),
      ),
    unregister: (registration) => op(() => session.unregister(registration)),
    call: (procedure, args, kwargs) => op(async () => normalizeResult(await session.call(procedure, args, kwargs))),
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
