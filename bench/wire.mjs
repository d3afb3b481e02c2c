// Hand-built WAMP frames for the load generator (json and msgpack), the few reads the hot path
// needs, and a latency histogram. No WAMP client library: frames are templates patched in place.
import { unpack } from 'msgpackr';

export const PROTOCOL = { json: 'wamp.2.json', msgpack: 'wamp.2.msgpack' };
export const MSG = { HELLO: 1, WELCOME: 2, ABORT: 3, ERROR: 8, PUBLISH: 16, SUBSCRIBE: 32, SUBSCRIBED: 33, EVENT: 36, CALL: 48, RESULT: 50, REGISTER: 64, REGISTERED: 65, INVOCATION: 68, YIELD: 70 };

// ── a minimal msgpack writer (setup messages and templates) ──
function mp(value, out) {
  if (value === null || value === undefined) out.push(0xc0);
  else if (typeof value === 'boolean') out.push(value ? 0xc3 : 0xc2);
  else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value < 128) out.push(value);
    else if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff) out.push(0xce, ...u32(value));
    else out.push(0xcb, ...f64(value));
  } else if (typeof value === 'string') {
    const bytes = Buffer.from(value);
    if (bytes.length < 32) out.push(0xa0 | bytes.length);
    else if (bytes.length < 256) out.push(0xd9, bytes.length);
    else out.push(0xda, bytes.length >> 8, bytes.length & 0xff);
    out.push(...bytes);
  } else if (Array.isArray(value)) {
    if (value.length >= 16) throw new Error('bench msgpack writer: array too long');
    out.push(0x90 | value.length);
    for (const item of value) mp(item, out);
  } else {
    const keys = Object.keys(value);
    if (keys.length >= 16) throw new Error('bench msgpack writer: map too large');
    out.push(0x80 | keys.length);
    for (const key of keys) mp(key, out), mp(value[key], out);
  }
  return out;
}
const u32 = (n) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
function f64(x) {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return [...b];
}

/** Encodes a message list: a string for json (text frame), bytes for msgpack. */
export function encode(ser, list) {
  return ser === 'json' ? JSON.stringify(list) : Buffer.from(mp(list, []));
}

/** Full decode, for setup messages only. */
export function decode(ser, data) {
  return ser === 'json' ? JSON.parse(data.toString('utf8')) : unpack(data);
}

/** The message type of a frame, read without decoding it. */
export function typeOf(ser, data) {
  if (ser === 'msgpack') return data[1];
  let n = 0;
  for (let i = 1; data[i] >= 0x30 && data[i] <= 0x39; i++) n = n * 10 + data[i] - 0x30;
  return n;
}

const PAD = (bytes) => 'x'.repeat(bytes);

/**
 * PUBLISH [16, Request, {}, Topic, [pad, seq, ts]]. The timestamp is the last element, so in
 * the EVENT (and in the baseline's forwarded PUBLISH) it ends the frame: see readTs.
 */
export function publishFrame(ser, topic, payloadBytes) {
  const pad = PAD(payloadBytes);
  if (ser === 'json') return (req, seq, ts) => `[16,${req},{},"${topic}",["${pad}",${seq},${ts}]]`;
  const template = encode(ser, [16, 0x10000000, {}, topic, [pad, 0x10000000, 0.5]]);
  return (req, seq, ts) => {
    const frame = Buffer.from(template); // a new buffer each time: ws may still hold the last one
    frame.writeUInt32BE(req >>> 0, 3);
    frame.writeUInt32BE(seq >>> 0, frame.length - 13);
    frame.writeDoubleBE(ts, frame.length - 8);
    return frame;
  };
}

/** The publish timestamp at the end of an EVENT or forwarded PUBLISH frame. */
export function readTs(ser, data) {
  const end = data.length;
  if (ser === 'msgpack') {
    if (data[end - 9] === 0xcb) return data.readDoubleBE(end - 8);
    const list = unpack(data); // an integral timestamp was packed as an integer: rare
    return list.at(-1).at(-1);
  }
  const comma = data.lastIndexOf(0x2c);
  return Number(data.latin1Slice(comma + 1, end - 2));
}

/** CALL [48, Request, {}, Procedure, [pad]]. */
export function callFrame(ser, procedure, payloadBytes) {
  const pad = PAD(payloadBytes);
  if (ser === 'json') return (req) => `[48,${req},{},"${procedure}",["${pad}"]]`;
  const template = encode(ser, [48, 0x10000000, {}, procedure, [pad]]);
  return (req) => {
    const frame = Buffer.from(template);
    frame.writeUInt32BE(req >>> 0, 3);
    return frame;
  };
}

/**
 * YIELD [70, Request, {}, [pad]] answering an INVOCATION (or, on the baseline, the forwarded
 * CALL): the request id is copied as it was encoded, no decode needed.
 */
export function yieldFrame(ser, payloadBytes) {
  const pad = PAD(payloadBytes);
  if (ser === 'json') {
    const tail = `,{},["${pad}"]]`;
    return (data) => {
      const start = data.indexOf(0x2c) + 1;
      return `[70,${data.latin1Slice(start, data.indexOf(0x2c, start))}${tail}`;
    };
  }
  const tail = encode(ser, [pad]);
  const width = { 0xcc: 2, 0xcd: 3, 0xce: 5, 0xcf: 9 };
  return (data) => {
    const idLength = width[data[2]] ?? 1; // positive fixint otherwise
    const frame = Buffer.allocUnsafe(2 + idLength + 1 + tail.length);
    frame[0] = 0x94;
    frame[1] = 70;
    data.copy(frame, 2, 2, 2 + idLength);
    frame[2 + idLength] = 0x80;
    tail.copy(frame, 3 + idLength);
    return frame;
  };
}

/** Latency histogram: 1 % wide log buckets over microseconds, fixed size. */
export class Histogram {
  static STEP = Math.log(1.01);
  counts = new Uint32Array(2400); // up to ~ 1.01^2400 µs, far beyond any run
  total = 0;
  add(micros) {
    const i = micros <= 1 ? 0 : Math.min(2399, Math.ceil(Math.log(micros) / Histogram.STEP));
    this.counts[i]++;
    this.total++;
  }
  reset() {
    this.counts.fill(0);
    this.total = 0;
  }
  /** The p-th percentile in milliseconds (bucket upper bound). */
  percentile(p) {
    if (this.total === 0) return 0;
    let seen = 0;
    const rank = Math.ceil((p / 100) * this.total);
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.exp(i * Histogram.STEP) / 1000;
    }
    return Infinity;
  }
}
