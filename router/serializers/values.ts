/** Value walks and error wrapping shared by the serializers. */
import { SerializationError } from './serializer.js';

/** Passes our own errors through and wraps a library's, so callers only ever see SerializationError. */
export function serializationError(what: string, err: unknown): SerializationError {
  if (err instanceof SerializationError) return err;
  return new SerializationError(`${what}: ${err instanceof Error ? err.message : String(err)}`);
}

/** Arrays and objects made by JSON.parse, the decoders or literals; never class instances or byte views. */
function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Whether `test` holds for `value` or anything inside its arrays and plain objects. Allocates nothing. */
export function containsValue(value: unknown, test: (item: unknown) => boolean): boolean {
  if (test(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (containsValue(value[i], test)) return true;
    return false;
  }
  if (!isPlainObject(value)) return false;
  for (const key in value) if (containsValue(value[key], test)) return true;
  return false;
}

const INT32_MIN = -0x80000000;
const UINT32_MAX = 0xffffffff;
const INT64_MIN = -(2 ** 63);
const UINT64_END = 2 ** 64;

/** msgpackr and cbor-x write an integer as an integer only inside the 32-bit range, else as a float64. */
function isWideInteger(n: number): boolean {
  return (n > UINT32_MAX || n < INT32_MIN) && n >= INT64_MIN && n < UINT64_END && Number.isInteger(n);
}

/**
 * Prepares a message list for msgpackr / cbor-x:
 * - integers outside 32 bits (WAMP IDs go up to 2^53) become BigInt, which both libraries write as
 *   (u)int64. As float64 a strictly typed peer rejects them, e.g. autobahn-python's ID checks.
 * - `undefined` is treated as JSON.stringify does (object key left out, array slot null): WAMP has no
 *   undefined, and msgpack has no standard one.
 * Returns `value` itself when nothing changes; otherwise copies only the containers on the way to a change.
 */
export function forBinaryEncoder(value: unknown): unknown {
  if (typeof value === 'number') return isWideInteger(value) ? BigInt(value) : value;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = item === undefined ? null : forBinaryEncoder(item);
      if (next !== item) (copy ??= value.slice())[i] = next;
    }
    return copy ?? value;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    const item = value[key];
    if (item === undefined) {
      delete (copy ??= { ...value })[key];
      continue;
    }
    const next = forBinaryEncoder(item);
    // The spread copy holds `__proto__` as an own data property, so this assignment cannot reach a prototype.
    if (next !== item) (copy ??= { ...value })[key] = next;
  }
  return copy ?? value;
}
