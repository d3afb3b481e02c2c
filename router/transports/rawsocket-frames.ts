// WAMP-over-RawSocket framing, pure: the 4-octet handshake, the 4-octet frame header, and an
// incremental decoder fed bytes in chunks of any size. No sockets, no timers, no WAMP semantics;
// the router's transport (rawsocket.ts) and the tests' raw client (test/helpers/raw-rawsocket.ts)
// both drive it.
// spec: advanced/transport_rawsocket.md

/** First octet of every handshake request and reply. */
export const RAWSOCKET_MAGIC = 0x7f;

/** Smallest and largest message length a handshake can announce: 2^9 and 2^24 octets. */
export const MIN_MAX_LENGTH = 2 ** 9;
export const MAX_MAX_LENGTH = 2 ** 24;

/** The `TTT` bits of a frame header. 3..7 are reserved. */
export const FrameType = {
  message: 0,
  ping: 1,
  pong: 2,
} as const;
export type FrameTypeValue = (typeof FrameType)[keyof typeof FrameType];

/** The error codes of a handshake error reply (upper 4 bits of the second octet). */
export const HandshakeError = {
  serializerUnsupported: 1,
  maxLengthUnacceptable: 2,
  reservedBitsUsed: 3,
  maxConnectionsReached: 4,
} as const;
export type HandshakeErrorCode = (typeof HandshakeError)[keyof typeof HandshakeError];

const HANDSHAKE_ERROR_TEXT: Record<number, string> = {
  1: 'serializer unsupported',
  2: 'maximum message length unacceptable',
  3: 'use of reserved bits (unsupported feature)',
  4: 'maximum connection count reached',
};

/** The spec's words for a handshake error code. */
export function handshakeErrorText(code: number): string {
  return HANDSHAKE_ERROR_TEXT[code] ?? `unknown error ${code}`;
}

/** 2^(exponent + 9): the length a handshake's `LLLL` bits stand for. */
export function maxLengthOf(exponent: number): number {
  return 2 ** (exponent + 9);
}

/**
 * The largest `LLLL` (0..15) whose length is at most `maxLength`: a peer that accepts up to
 * `maxLength` octets announces the largest power of two not above it (at least 512, at most 16 MiB).
 */
export function lengthExponentFor(maxLength: number): number {
  let exponent = 0;
  while (exponent < 15 && maxLengthOf(exponent + 1) <= maxLength) exponent++;
  return exponent;
}

/** A client's request as the router reads it. */
export type HandshakeRequest =
  | { ok: true; serializerId: number; maxLength: number }
  | { ok: false; badMagic: true; message: string }
  | { ok: false; badMagic: false; error: HandshakeErrorCode; message: string };

/**
 * Reads a client's 4-octet request. Bad magic: not RawSocket at all, fail the connection without a
 * reply. Reserved octets not zero: error 3. The serializer id is returned as sent (0 included); the
 * caller decides whether it speaks it (error 1 otherwise).
 */
export function parseHandshakeRequest(octets: Uint8Array): HandshakeRequest {
  if (octets[0] !== RAWSOCKET_MAGIC) {
    return { ok: false, badMagic: true, message: `not a RawSocket handshake: first octet 0x${hex(octets[0])}, expected 0x7f` };
  }
  if (octets[2] !== 0 || octets[3] !== 0) {
    return {
      ok: false,
      badMagic: false,
      error: HandshakeError.reservedBitsUsed,
      message: `reserved handshake octets must be zero, got 0x${hex(octets[2])} 0x${hex(octets[3])}`,
    };
  }
  return { ok: true, serializerId: octets[1] & 0x0f, maxLength: maxLengthOf(octets[1] >> 4) };
}

/** A router's reply as a client reads it. */
export type HandshakeReply =
  | { ok: true; serializerId: number; maxLength: number }
  | { ok: false; error: number; message: string };

export function parseHandshakeReply(octets: Uint8Array): HandshakeReply {
  if (octets[0] !== RAWSOCKET_MAGIC) return { ok: false, error: 0, message: `bad magic 0x${hex(octets[0])} in handshake reply` };
  const serializerId = octets[1] & 0x0f;
  if (serializerId === 0) {
    const error = octets[1] >> 4;
    return { ok: false, error, message: handshakeErrorText(error) };
  }
  return { ok: true, serializerId, maxLength: maxLengthOf(octets[1] >> 4) };
}

/** A request (client) or success reply (router): magic, `LLLL SSSS`, two zero octets. */
export function encodeHandshake(serializerId: number, maxLength: number): Uint8Array {
  return Uint8Array.of(RAWSOCKET_MAGIC, (lengthExponentFor(maxLength) << 4) | (serializerId & 0x0f), 0, 0);
}

/** An error reply: magic, `EEEE 0000`, two zero octets. */
export function encodeHandshakeError(code: HandshakeErrorCode): Uint8Array {
  return Uint8Array.of(RAWSOCKET_MAGIC, code << 4, 0, 0);
}

/** The 4-octet prefix of a frame; a length of exactly 2^24 sets the `X` bit. */
export function encodeFrameHeader(type: FrameTypeValue, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > MAX_MAX_LENGTH) throw new RangeError(`RawSocket frame length ${length} out of range 0..2^24`);
  const extra = length === MAX_MAX_LENGTH ? 0x08 : 0;
  return Uint8Array.of(type | extra, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
}

/** Header and payload in one buffer (tests, PONG); the transport writes the two parts corked instead. */
export function encodeFrame(type: FrameTypeValue, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(4 + payload.byteLength);
  frame.set(encodeFrameHeader(type, payload.byteLength), 0);
  frame.set(payload, 4);
  return frame;
}

/** Why the decoder stopped: stable codes, and a text for logs and ABORT details. */
export type FrameFailure =
  | { code: 'oversize'; message: string; length: number; limit: number }
  | { code: 'reserved_bits'; message: string }
  | { code: 'unknown_type'; message: string; frameType: number };

/** What the decoder calls, in wire order. */
export interface FrameSink {
  /** The 4 handshake octets (decoders built with `handshake: true`); interpret them with parseHandshake*. */
  handshake(octets: Uint8Array): void;
  /**
   * A whole frame. The payload may be a view into the chunk passed to push(): keep it only
   * if the caller does not reuse its chunks (Node sockets do not).
   */
  frame(type: FrameTypeValue, payload: Uint8Array): void;
  /** A frame the peer must not send; the decoder has stopped. */
  failed(failure: FrameFailure): void;
}

type DecoderState = 'handshake' | 'header' | 'payload' | 'stopped';

/**
 * Incremental RawSocket decoder. Feed it chunks of any size with push(); it reports the handshake
 * octets (when asked to expect them), then frames, to its sink. A frame larger than `maxLength`,
 * reserved header bits or a reserved frame type stop it for good. The sink may call stop() at
 * any time (e.g. after refusing a handshake); bytes after that are ignored.
 */
export class RawSocketDecoder {
  private state: DecoderState;
  private readonly header = new Uint8Array(4);
  private headerFill = 0;
  private frameType: FrameTypeValue = FrameType.message;
  private payload = new Uint8Array(0);
  private payloadFill = 0;

  constructor(
    private readonly sink: FrameSink,
    /** Largest payload accepted, in octets: the length this side announced in the handshake. */
    private readonly maxLength: number,
    options: { handshake: boolean } = { handshake: true },
  ) {
    this.state = options.handshake ? 'handshake' : 'header';
  }

  get stopped(): boolean {
    return this.state === 'stopped';
  }

  stop(): void {
    this.state = 'stopped';
    this.payload = new Uint8Array(0);
  }

  push(chunk: Uint8Array): void {
    let offset = 0;
    const end = chunk.byteLength;
    while (offset < end && this.state !== 'stopped') {
      if (this.state === 'payload') {
        const take = Math.min(this.payload.byteLength - this.payloadFill, end - offset);
        this.payload.set(chunk.subarray(offset, offset + take), this.payloadFill);
        this.payloadFill += take;
        offset += take;
        if (this.payloadFill === this.payload.byteLength) {
          const payload = this.payload;
          this.payload = new Uint8Array(0);
          this.state = 'header';
          this.sink.frame(this.frameType, payload);
        }
        continue;
      }
      // handshake or header: gather 4 octets, possibly across chunks
      if (this.headerFill === 0 && end - offset >= 4) {
        this.header.set(chunk.subarray(offset, offset + 4));
        this.headerFill = 4;
        offset += 4;
      } else {
        while (this.headerFill < 4 && offset < end) this.header[this.headerFill++] = chunk[offset++];
        if (this.headerFill < 4) return;
      }
      this.headerFill = 0;
      if (this.state === 'handshake') {
        this.state = 'header';
        this.sink.handshake(this.header.slice());
        continue;
      }
      const length = this.readHeader();
      if (length < 0) return;
      if (length === 0) {
        this.sink.frame(this.frameType, new Uint8Array(0));
      } else if (end - offset >= length) {
        // the whole payload is in this chunk: hand out a view, no copy
        const payload = chunk.subarray(offset, offset + length);
        offset += length;
        this.sink.frame(this.frameType, payload);
      } else {
        this.payload = new Uint8Array(length);
        this.payloadFill = 0;
        this.state = 'payload';
      }
    }
  }

  /** Checks the gathered header; returns the payload length, or -1 after failing. */
  private readHeader(): number {
    const first = this.header[0];
    // spec: RRRR XTTT — the four high bits are reserved and must be zero
    if ((first & 0xf0) !== 0) {
      return this.fail({ code: 'reserved_bits', message: `reserved bits set in frame header (first octet 0x${hex(first)})` });
    }
    const type = first & 0x07;
    if (type !== FrameType.message && type !== FrameType.ping && type !== FrameType.pong) {
      return this.fail({ code: 'unknown_type', message: `unknown frame type ${type} (0 message, 1 PING, 2 PONG)`, frameType: type });
    }
    // the X bit is a 25th length bit, legal only for exactly 2^24 (then the L bits are 0)
    const length = (first & 0x08 ? MAX_MAX_LENGTH : 0) + ((this.header[1] << 16) | (this.header[2] << 8) | this.header[3]);
    if (length > this.maxLength) {
      return this.fail({
        code: 'oversize',
        message: `frame of ${length} octets exceeds the negotiated limit of ${this.maxLength} octets`,
        length,
        limit: this.maxLength,
      });
    }
    this.frameType = type as FrameTypeValue;
    return length;
  }

  private fail(failure: FrameFailure): number {
    this.stop();
    this.sink.failed(failure);
    return -1;
  }
}

function hex(value: number | undefined): string {
  return (value ?? 0).toString(16).padStart(2, '0');
}
