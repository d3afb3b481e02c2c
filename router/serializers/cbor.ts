import { Decoder, Encoder, addExtension, type Options } from 'cbor-x';
import { SerializationError, type Frame, type Serializer } from './serializer.js';
import { forBinaryEncoder, serializationError } from './values.js';

/*
 * Decision: client bytes decode to plain data only, and anything else is refused with SerializationError.
 * cbor-x turns tags into Dates (0, 1), BigInts (2, 3), Errors and RegExps (27), shared references that
 * can form cycles (28, 29), packed values (6, 51), records (105, 0xdff9..0xffff), Sets (258), Maps (259) or
 * `Tag` instances for any tag it does not know. Tag numbers are unbounded, so no table of blocked tags
 * can be complete; instead `checkItems` walks the item headers first and lets through only:
 * - tags 64..87 (RFC 8746 typed arrays) on a byte string, which come out as the plain bytes;
 * - simple values false, true, null and undefined (which decodes to `undefined`: treat it as absent).
 */

/** Gives the bytes of a typed-array tag as they are: WAMP knows binary, not element types or byte order. */
function typedArrayBytes(item: unknown): Uint8Array {
  if (item instanceof Uint8Array) return item;
  throw notBytes();
}
function notBytes(): SerializationError {
  return new SerializationError('invalid CBOR: a typed-array tag must wrap a byte string');
}
// The typings ask for an encoder side too; without `Class` cbor-x registers only the decoder.
const addTagDecoder = addExtension as unknown as (extension: { tag: number; decode(item: unknown): unknown }) => void;
// cbor-x keeps one process-wide tag table, so this also applies to any other cbor-x user in the process.
for (let tag = 64; tag <= 87; tag++) addTagDecoder({ tag, decode: typedArrayBytes });

// int64AsNumber is read by cbor-x but missing from its typings.
const decoderOptions: Options & { int64AsNumber: boolean } = {
  useRecords: false,
  mapsAsObjects: true,
  int64AsNumber: true,
  // Binary values do not pin, or change with, a transport buffer that is reused.
  copyBuffers: true,
};
const decoder = new Decoder(decoderOptions);
// tagUint8Array: false writes bytes as a plain byte string; tag 64 is unknown to many CBOR peers.
const encoder = new Encoder({ useRecords: false, mapsAsObjects: true, variableMapSize: true, tagUint8Array: false });

export const cborSerializer: Serializer = {
  name: 'cbor',
  subprotocol: 'wamp.2.cbor',
  rawSocketId: 3,
  binary: true,

  decode(frame: Frame): unknown {
    if (typeof frame === 'string') throw new SerializationError('invalid CBOR: expected a binary frame, got text');
    checkItems(frame);
    try {
      return decoder.decode(frame);
    } catch (err) {
      throw serializationError('invalid CBOR', err);
    }
  },

  encode(list: unknown[]): Frame {
    try {
      return encoder.encode(forBinaryEncoder(list));
    } catch (err) {
      throw serializationError('cannot encode CBOR', err);
    }
  },
};

const MAJOR_BYTES = 2;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;
const MAJOR_TAG = 6;
const MAJOR_SIMPLE = 7;
const INDEFINITE = 31;

/**
 * Checks that `bytes` hold exactly one CBOR data item made of what the comment at the top allows.
 * Reads headers only (strings are skipped by length) and builds nothing.
 */
function checkItems(bytes: Uint8Array): void {
  const end = bytes.length;
  const outer: number[] = []; // `left` of each enclosing container
  let left = 1; // items still to come in the innermost container; Infinity until a break for indefinite length
  let pos = 0;
  for (;;) {
    if (left === 0) {
      if (outer.length === 0) break;
      left = outer.pop() ?? 0;
      continue;
    }
    if (pos >= end) throw truncated();
    const initial = bytes[pos++];
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (info === INDEFINITE) {
      if (major === MAJOR_SIMPLE) {
        if (left !== Infinity) throw new SerializationError('invalid CBOR: break outside an indefinite-length item');
        left = outer.pop() ?? 0;
      } else if (major === MAJOR_ARRAY || major === MAJOR_MAP) {
        outer.push(left - 1);
        left = Infinity;
      } else {
        throw new SerializationError(`invalid CBOR: indefinite length is not supported for major type ${major}`);
      }
      continue;
    }
    let arg = info;
    if (info >= 24) {
      if (info > 27) throw new SerializationError(`invalid CBOR: reserved additional information ${info}`);
      const size = 1 << (info - 24);
      if (pos + size > end) throw truncated();
      arg = 0;
      for (let i = 0; i < size; i++) arg = arg * 256 + bytes[pos++];
    }
    left--;
    switch (major) {
      case MAJOR_BYTES:
      case MAJOR_BYTES + 1: // text
        if (arg > end - pos) throw truncated();
        pos += arg;
        break;
      case MAJOR_ARRAY:
      case MAJOR_MAP:
        outer.push(left);
        left = major === MAJOR_MAP ? arg * 2 : arg;
        break;
      case MAJOR_TAG:
        if (arg < 64 || arg > 87) throw new SerializationError(`CBOR tag ${arg} is not allowed`);
        if (pos < end && bytes[pos] >> 5 !== MAJOR_BYTES) throw notBytes();
        left++; // the tag and the byte string after it are one item
        break;
      case MAJOR_SIMPLE:
        // 20..23 are false/true/null/undefined; 25..27 are floats, their bytes skipped above.
        if (info < 20 || info === 24) throw new SerializationError(`CBOR simple value ${arg} is not allowed`);
        break;
      // 0 and 1 are integers, complete with their header.
    }
  }
  if (pos !== end) throw new SerializationError('invalid CBOR: bytes left after the message');
}

function truncated(): SerializationError {
  return new SerializationError('invalid CBOR: the message ends early');
}
