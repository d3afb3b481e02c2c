// One small interface over AutobahnJS and wampy, so a scenario is written once for both.
//
//   const client = await connect('wampy', 'cbor', url);
//   client.kind, client.sessionId, client.welcome        // WELCOME.Details
//   await client.subscribe(topic, ({ args, kwargs }) => ...)      → subscription handle
//   await client.publish(topic, args, kwargs, { acknowledge })    → { publicationId }
//   await client.register(procedure, async ({ args, kwargs }) => ({ args, kwargs }))  → registration handle
//   await client.call(procedure, args, kwargs)                     → { args, kwargs }
//   await client.unsubscribe(handle); await client.unregister(handle)
//   await client.close()                                           → { clean, goodbyeReason }
//
// Every rejection is a WampCallError {uri, args, kwargs}; a handler throws one to raise an application error.
import { connectAutobahn } from './clients/autobahn.mjs';
import { connectWampy } from './clients/wampy.mjs';

export { WampCallError } from './clients/wamp-error.mjs';

export const CLIENT_KINDS = ['autobahn', 'wampy'];
export const SERIALIZERS = ['json', 'msgpack', 'cbor'];

const CONNECTORS = { autobahn: connectAutobahn, wampy: connectWampy };

/** Opens a session of `kind` over `serializer`; rejects if the router does not WELCOME it. */
export function connect(kind, serializer, url, realm = 'realm1') {
  const connector = CONNECTORS[kind];
  if (!connector) throw new Error(`unknown client kind "${kind}"`);
  return connector(url, serializer, realm);
}
