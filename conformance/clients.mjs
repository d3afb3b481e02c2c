// One small interface over AutobahnJS and wampy, so a scenario is written once for both.
//
//   const client = await connect('wampy', 'cbor', url);
//   client.kind, client.sessionId, client.welcome        // WELCOME.Details
//   await client.subscribe(topic, ({ args, kwargs, details }) => ..., { match, get_retained })  → handle {id}
//   await client.publish(topic, args, kwargs, { acknowledge, exclude_me, exclude, eligible, disclose_me, retain })
//                                                                  → { publicationId }
//   await client.register(procedure, async ({ args, kwargs, details, progress }) => ({ args, kwargs }),
//                         { match, invoke, disclose_caller })    → handle {id}
//   const pending = client.call(procedure, args, kwargs, { timeout, disclose_me, onProgress: ({ args, kwargs }) => ... })
//   await pending                                                 → { args, kwargs }
//   pending.cancel(mode)                                          // CANCEL {mode}: 'skip' | 'kill' | 'killnowait'
//   await client.unsubscribe(handle); await client.unregister(handle)
//   await client.close()                                           → { clean, goodbyeReason }
//
// `details` is EVENT.Details / INVOCATION.Details (topic, publisher*, retained / procedure, caller*);
// `progress` is a function(args, kwargs) sending a progressive YIELD when the call asked for progress, else null.
// Every rejection is a WampCallError {uri, args, kwargs}; a handler throws one to raise an application error.
// What a library cannot express is listed in its adapter's LIMITS; asking for it throws NotApplicable.
import { connectAutobahn, AUTOBAHN_LIMITS } from './clients/autobahn.mjs';
import { connectWampy, WAMPY_LIMITS } from './clients/wampy.mjs';
import { NotApplicable } from './clients/wamp-error.mjs';

export { WampCallError, NotApplicable } from './clients/wamp-error.mjs';

export const CLIENT_KINDS = ['autobahn', 'wampy'];
export const SERIALIZERS = ['json', 'msgpack', 'cbor'];

const CONNECTORS = { autobahn: connectAutobahn, wampy: connectWampy };
const LIMITS = { autobahn: AUTOBAHN_LIMITS, wampy: WAMPY_LIMITS };

/**
 * Opens a session of `kind` over `serializer`; rejects if the router does not WELCOME it (with the
 * ABORT reason as a WampCallError). `login` (auth rows): see clients/auth.mjs.
 */
export function connect(kind, serializer, url, realm = 'realm1', login = undefined) {
  const connector = CONNECTORS[kind];
  if (!connector) throw new Error(`unknown client kind "${kind}"`);
  return connector(url, serializer, realm, login);
}

/**
 * Throws NotApplicable (the cell becomes `n/a`) if client library `kind` cannot express `feature`,
 * e.g. 'callee.progressive_call_results', 'publisher.retain', 'caller.cancel.skip'.
 */
export function requireFeature(kind, feature) {
  const reason = LIMITS[kind]?.[feature];
  if (reason) throw new NotApplicable(reason);
}
