import { cborSerializer } from './cbor.js';
import { jsonSerializer } from './json.js';
import { msgpackSerializer } from './msgpack.js';
import type { Serializer } from './serializer.js';

export { SerializationError, type Frame, type Serializer, type SerializerName } from './serializer.js';
export { cborSerializer, jsonSerializer, msgpackSerializer };

/** Every serializer Sprocket speaks, in the router's order of preference. */
export const SERIALIZERS: readonly Serializer[] = [jsonSerializer, msgpackSerializer, cborSerializer];

/** The WebSocket subprotocols, in the same order. */
export const SUPPORTED_SUBPROTOCOLS: string[] = SERIALIZERS.map((s) => s.subprotocol);

const bySubprotocol = new Map(SERIALIZERS.map((s) => [s.subprotocol, s]));
const byRawSocketId = new Map(SERIALIZERS.map((s) => [s.rawSocketId, s]));

/** The serializer for a WebSocket subprotocol such as `wamp.2.json`; names match exactly. */
export function serializerBySubprotocol(name: string): Serializer | undefined {
  return bySubprotocol.get(name);
}

/** The serializer for a RawSocket handshake serializer id (advanced/transport_rawsocket.md). */
export function serializerByRawSocketId(id: number): Serializer | undefined {
  return byRawSocketId.get(id);
}
