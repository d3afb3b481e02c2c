/** The names of the serializers Sprocket speaks. */
export type SerializerName = 'json' | 'msgpack' | 'cbor';

/** What a transport hands a serializer: a text frame (string) or a binary frame (bytes). */
export type Frame = string | Uint8Array;

/**
 * Turns a WAMP message list into a frame and back. Serializers know encoding, not routing:
 * they never look inside the list beyond what their format needs.
 */
export interface Serializer {
  readonly name: SerializerName;
  /** The WebSocket subprotocol, e.g. `wamp.2.json`. */
  readonly subprotocol: string;
  /** RawSocket serializer id: json=1, msgpack=2, cbor=3 (advanced/transport_rawsocket.md). */
  readonly rawSocketId: number;
  /** Binary frames (msgpack, cbor) or text frames (json). */
  readonly binary: boolean;
  /** Decodes one frame; throws SerializationError when the bytes are not valid for the format. */
  decode(frame: Frame): unknown;
  /** Encodes one message list; throws SerializationError when a value cannot be encoded. */
  encode(list: unknown[]): Frame;
}

/** A frame that could not be decoded or a value that could not be encoded. */
export class SerializationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SerializationError';
  }
}
