import { Buffer, isUtf8 } from 'node:buffer';
import { SerializationError, type Frame, type Serializer } from './serializer.js';
import { containsValue, serializationError } from './values.js';

// spec: advanced/serialization_binary_json.md — binary travels as a string: NUL + base64 (RFC 4648 §4).
const BINARY_PREFIX = '\u0000';
// JSON must escape a NUL inside a string, so a text without this escape holds no binary value.
const ESCAPED_NUL = '\\u0000';
// Standard alphabet; the padding may be left out, as some clients do.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

export const jsonSerializer: Serializer = {
  name: 'json',
  subprotocol: 'wamp.2.json',
  rawSocketId: 1,
  binary: false,

  decode(frame: Frame): unknown {
    const text = typeof frame === 'string' ? frame : utf8Text(frame);
    try {
      // No reviver: the common message without binary values pays for nothing but the parse.
      const value: unknown = JSON.parse(text);
      return text.includes(ESCAPED_NUL) ? bytesFromStrings(value) : value;
    } catch (err) {
      throw serializationError('invalid JSON', err);
    }
  },

  encode(list: unknown[]): Frame {
    try {
      return containsValue(list, isBytes) ? JSON.stringify(list, bytesToString) : JSON.stringify(list);
    } catch (err) {
      throw serializationError('cannot encode JSON', err);
    }
  },
};

function utf8Text(bytes: Uint8Array): string {
  // Buffer#toString would silently replace malformed sequences.
  if (!isUtf8(bytes)) throw new SerializationError('invalid JSON: the frame is not valid UTF-8');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function isBytes(value: unknown): boolean {
  return value instanceof Uint8Array;
}

/** Replaces, in place, the binary strings inside a freshly parsed value with their bytes. */
function bytesFromStrings(value: unknown): unknown {
  if (typeof value === 'string') return value.startsWith(BINARY_PREFIX) ? base64Bytes(value) : value;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = bytesFromStrings(item);
      if (next !== item) value[i] = next;
    }
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    const next = bytesFromStrings(item);
    // defineProperty, not assignment: a `__proto__` key must stay an own property, not set the prototype.
    if (next !== item) Object.defineProperty(record, key, { value: next, writable: true, enumerable: true, configurable: true });
  }
  return value;
}

function base64Bytes(text: string): Uint8Array {
  const base64 = text.slice(BINARY_PREFIX.length);
  if (!BASE64.test(base64)) throw new SerializationError('invalid JSON: a binary string (NUL prefix) is not valid base64');
  return Buffer.from(base64, 'base64');
}

/** JSON.stringify replacer for the binary path. */
function bytesToString(this: unknown, key: string, value: unknown): unknown {
  // Buffer#toJSON has already run on `value`; the holder still has the original.
  const original = (this as Record<string, unknown>)[key];
  if (!(original instanceof Uint8Array)) return value;
  return BINARY_PREFIX + Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString('base64');
}
