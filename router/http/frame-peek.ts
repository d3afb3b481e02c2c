// Reads the leading integers of an encoded WAMP message ([type, n1, n2, ...]) without decoding
// the rest, for the metrics at the transport edge: message type, CALL/RESULT request ids.
// Pure, allocation-free (results land in a caller's array); stops at the first element that is
// not a non-negative integer. Tested in test/unit/http-frame-peek.test.ts.
import type { Frame, SerializerName } from '../serializers/serializer.js';

/** Up to `out.length` leading integers of `frame` into `out`; returns how many were read. */
export function peekInts(frame: Frame, format: SerializerName, out: number[]): number {
  if (format === 'json') return peekJson(frame, out);
  const bytes = typeof frame === 'string' ? undefined : frame;
  if (bytes === undefined) return 0;
  return format === 'msgpack' ? peekMsgpack(bytes, out) : peekCbor(bytes, out);
}

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const OPEN_BRACKET = 0x5b;
const COMMA = 0x2c;
const CLOSE_BRACKET = 0x5d;

function codeAt(frame: Frame, index: number): number {
  return typeof frame === 'string' ? frame.charCodeAt(index) : (frame[index] ?? Number.NaN);
}

function skipSpace(frame: Frame, from: number): number {
  let i = from;
  for (;;) {
    const c = codeAt(frame, i);
    if (c !== SPACE && c !== TAB && c !== LF && c !== CR) return i;
    i++;
  }
}

function peekJson(frame: Frame, out: number[]): number {
  const length = frame.length;
  let i = skipSpace(frame, 0);
  if (codeAt(frame, i) !== OPEN_BRACKET) return 0;
  i++;
  let count = 0;
  while (count < out.length && i < length) {
    i = skipSpace(frame, i);
    let value = 0;
    let digits = 0;
    for (;;) {
      const c = codeAt(frame, i);
      if (!(c >= DIGIT_0 && c <= DIGIT_9)) break; // NaN past the end must stop too
      value = value * 10 + (c - DIGIT_0);
      digits++;
      i++;
    }
    if (digits === 0 || digits > 16) return count;
    i = skipSpace(frame, i);
    const next = codeAt(frame, i);
    if (next !== COMMA && next !== CLOSE_BRACKET) return count; // 1.5, 1e3: not an integer
    out[count++] = value;
    if (next === CLOSE_BRACKET) return count;
    i++;
  }
  return count;
}

/** Reads a big-endian unsigned integer of `size` bytes at `at`, or NaN past the end. */
function uint(bytes: Uint8Array, at: number, size: number): number {
  if (at + size > bytes.length) return Number.NaN;
  let value = 0;
  for (let k = 0; k < size; k++) value = value * 256 + bytes[at + k];
  return value;
}

function float(bytes: Uint8Array, at: number, size: 4 | 8): number {
  if (at + size > bytes.length) return Number.NaN;
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, size);
  return size === 4 ? view.getFloat32(0) : view.getFloat64(0);
}

/** Size in bytes of the integer item at `at` (0: not an integer item); its value goes to SCRATCH[0]. */
const SCRATCH = [0];

function msgpackInt(bytes: Uint8Array, at: number): number {
  const b = bytes[at];
  if (b <= 0x7f) return set(b, 1);
  switch (b) {
    case 0xcc:
      return set(uint(bytes, at + 1, 1), 2);
    case 0xcd:
      return set(uint(bytes, at + 1, 2), 3);
    case 0xce:
      return set(uint(bytes, at + 1, 4), 5);
    case 0xcf:
      return set(uint(bytes, at + 1, 8), 9);
    case 0xd0:
      return set(signed(bytes, at + 1, 1), 2);
    case 0xd1:
      return set(signed(bytes, at + 1, 2), 3);
    case 0xd2:
      return set(signed(bytes, at + 1, 4), 5);
    case 0xd3: // msgpackr writes integers past 2^32 as int64
      return set(signed(bytes, at + 1, 8), 9);
    case 0xca:
      return set(float(bytes, at + 1, 4), 5);
    case 0xcb:
      return set(float(bytes, at + 1, 8), 9);
    default:
      return 0;
  }
}

/** A two's-complement integer: its value when non-negative, NaN when negative (never an id). */
function signed(bytes: Uint8Array, at: number, size: number): number {
  return (bytes[at] ?? 0x80) & 0x80 ? Number.NaN : uint(bytes, at, size);
}

function cborInt(bytes: Uint8Array, at: number): number {
  const b = bytes[at];
  if (b <= 0x17) return set(b, 1);
  switch (b) {
    case 0x18:
      return set(uint(bytes, at + 1, 1), 2);
    case 0x19:
      return set(uint(bytes, at + 1, 2), 3);
    case 0x1a:
      return set(uint(bytes, at + 1, 4), 5);
    case 0x1b:
      return set(uint(bytes, at + 1, 8), 9);
    case 0xfa:
      return set(float(bytes, at + 1, 4), 5);
    case 0xfb:
      return set(float(bytes, at + 1, 8), 9);
    default:
      return 0;
  }
}

/** Keeps a value only if it is a non-negative integer; returns `size`, or 0 to stop. */
function set(value: number, size: number): number {
  if (!Number.isInteger(value) || value < 0) return 0;
  SCRATCH[0] = value;
  return size;
}

/** Reads array items at `from` with `item` while they are integers. */
function readItems(bytes: Uint8Array, from: number, items: number, item: (bytes: Uint8Array, at: number) => number, out: number[]): number {
  let i = from;
  let count = 0;
  while (count < out.length && count < items && i < bytes.length) {
    const size = item(bytes, i);
    if (size === 0) return count;
    out[count++] = SCRATCH[0];
    i += size;
  }
  return count;
}

function peekMsgpack(bytes: Uint8Array, out: number[]): number {
  const head = bytes[0];
  if (head >= 0x90 && head <= 0x9f) return readItems(bytes, 1, head & 0x0f, msgpackInt, out);
  if (head === 0xdc) return readItems(bytes, 3, uint(bytes, 1, 2), msgpackInt, out);
  if (head === 0xdd) return readItems(bytes, 5, uint(bytes, 1, 4), msgpackInt, out);
  return 0;
}

function peekCbor(bytes: Uint8Array, out: number[]): number {
  const head = bytes[0];
  if (head >= 0x80 && head <= 0x97) return readItems(bytes, 1, head & 0x1f, cborInt, out);
  if (head === 0x98) return readItems(bytes, 2, uint(bytes, 1, 1), cborInt, out);
  if (head === 0x99) return readItems(bytes, 3, uint(bytes, 1, 2), cborInt, out);
  if (head === 0x9a) return readItems(bytes, 5, uint(bytes, 1, 4), cborInt, out);
  if (head === 0x9f) return readItems(bytes, 1, Number.POSITIVE_INFINITY, cborInt, out); // indefinite length
  return 0;
}
