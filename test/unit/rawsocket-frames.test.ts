// The pure RawSocket framing (router/transports/rawsocket-frames.ts), without sockets.
// spec: advanced/transport_rawsocket.md
import { describe, expect, it } from 'vitest';
import {
  FrameType,
  HandshakeError,
  RawSocketDecoder,
  encodeFrame,
  encodeFrameHeader,
  encodeHandshake,
  encodeHandshakeError,
  lengthExponentFor,
  maxLengthOf,
  parseHandshakeReply,
  parseHandshakeRequest,
  type FrameFailure,
} from '../../router/transports/rawsocket-frames.js';

type Event = { kind: 'handshake'; octets: number[] } | { kind: 'frame'; type: number; payload: number[] } | { kind: 'failed'; failure: FrameFailure };

function collector(maxLength: number, handshake = true): { decoder: RawSocketDecoder; events: Event[] } {
  const events: Event[] = [];
  const decoder = new RawSocketDecoder(
    {
      handshake: (octets) => events.push({ kind: 'handshake', octets: [...octets] }),
      frame: (type, payload) => events.push({ kind: 'frame', type, payload: [...payload] }),
      failed: (failure) => events.push({ kind: 'failed', failure }),
    },
    maxLength,
    { handshake },
  );
  return { decoder, events };
}

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const text = (value: string): Uint8Array => new TextEncoder().encode(value);

describe('handshake octets', () => {
  it('request 0x7F 0xF1 0 0 → json (1), client limit 2^24', () => {
    expect(parseHandshakeRequest(bytes(0x7f, 0xf1, 0, 0))).toEqual({ ok: true, serializerId: 1, maxLength: 2 ** 24 });
  });

  it('request with LLLL=0 and msgpack (2) → limit 512', () => {
    expect(parseHandshakeRequest(bytes(0x7f, 0x02, 0, 0))).toEqual({ ok: true, serializerId: 2, maxLength: 512 });
  });

  it('first octet not 0x7F → bad magic (fail the connection, no reply)', () => {
    const result = parseHandshakeRequest(text('GET '));
    expect(result).toMatchObject({ ok: false, badMagic: true });
  });

  it('reserved third or fourth octet set → error 3 (use of reserved bits)', () => {
    expect(parseHandshakeRequest(bytes(0x7f, 0xf1, 0x01, 0))).toMatchObject({ ok: false, badMagic: false, error: HandshakeError.reservedBitsUsed });
    expect(parseHandshakeRequest(bytes(0x7f, 0xf1, 0, 0x80))).toMatchObject({ ok: false, error: 3 });
  });

  it('serializer id 0 is passed through for the caller to refuse (error 1)', () => {
    expect(parseHandshakeRequest(bytes(0x7f, 0xf0, 0, 0))).toEqual({ ok: true, serializerId: 0, maxLength: 2 ** 24 });
  });

  it('success reply echoes the serializer and carries the router limit', () => {
    expect([...encodeHandshake(3, 2 ** 20)]).toEqual([0x7f, 0xb3, 0, 0]);
    expect(parseHandshakeReply(bytes(0x7f, 0xb3, 0, 0))).toEqual({ ok: true, serializerId: 3, maxLength: 2 ** 20 });
  });

  it('error replies are 0x7F, EEEE 0000, 0, 0 for codes 1..4', () => {
    expect([...encodeHandshakeError(HandshakeError.serializerUnsupported)]).toEqual([0x7f, 0x10, 0, 0]);
    expect([...encodeHandshakeError(HandshakeError.maxLengthUnacceptable)]).toEqual([0x7f, 0x20, 0, 0]);
    expect([...encodeHandshakeError(HandshakeError.reservedBitsUsed)]).toEqual([0x7f, 0x30, 0, 0]);
    expect([...encodeHandshakeError(HandshakeError.maxConnectionsReached)]).toEqual([0x7f, 0x40, 0, 0]);
    expect(parseHandshakeReply(bytes(0x7f, 0x40, 0, 0))).toEqual({ ok: false, error: 4, message: 'maximum connection count reached' });
  });

  it('a limit is announced as the largest power of two not above it, 512 .. 2^24', () => {
    expect(lengthExponentFor(512)).toBe(0);
    expect(lengthExponentFor(1000)).toBe(0);
    expect(lengthExponentFor(1024)).toBe(1);
    expect(lengthExponentFor(1_000_000)).toBe(10); // 2^19 = 524288
    expect(maxLengthOf(lengthExponentFor(16 * 1024 * 1024))).toBe(2 ** 24);
    expect(lengthExponentFor(2 ** 30)).toBe(15);
    expect(lengthExponentFor(100)).toBe(0);
  });
});

describe('frame header', () => {
  it('message, PING and PONG headers carry type and 24-bit length', () => {
    expect([...encodeFrameHeader(FrameType.message, 0x112233)]).toEqual([0x00, 0x11, 0x22, 0x33]);
    expect([...encodeFrameHeader(FrameType.ping, 5)]).toEqual([0x01, 0, 0, 5]);
    expect([...encodeFrameHeader(FrameType.pong, 0)]).toEqual([0x02, 0, 0, 0]);
  });

  it('exactly 2^24 octets sets the X bit with the L bits clear; 2^24-1 does not', () => {
    expect([...encodeFrameHeader(FrameType.message, 2 ** 24)]).toEqual([0x08, 0, 0, 0]);
    expect([...encodeFrameHeader(FrameType.message, 2 ** 24 - 1)]).toEqual([0x00, 0xff, 0xff, 0xff]);
    expect(() => encodeFrameHeader(FrameType.message, 2 ** 24 + 1)).toThrow(RangeError);
  });
});

describe('RawSocketDecoder', () => {
  const stream = (): Uint8Array => {
    const parts = [bytes(0x7f, 0xf1, 0, 0), encodeFrame(FrameType.message, text('[1,"realm1",{}]')), encodeFrame(FrameType.ping, text('hi')), encodeFrame(FrameType.message, text('[6,{},"x"]'))];
    return Buffer.concat(parts);
  };
  const expected: Event[] = [
    { kind: 'handshake', octets: [0x7f, 0xf1, 0, 0] },
    { kind: 'frame', type: 0, payload: [...text('[1,"realm1",{}]')] },
    { kind: 'frame', type: 1, payload: [...text('hi')] },
    { kind: 'frame', type: 0, payload: [...text('[6,{},"x"]')] },
  ];

  it('a whole stream in one chunk → handshake then every frame in order', () => {
    const { decoder, events } = collector(1024);
    decoder.push(stream());
    expect(events).toEqual(expected);
  });

  it('fed one byte at a time → the same events', () => {
    const { decoder, events } = collector(1024);
    for (const byte of stream()) decoder.push(bytes(byte));
    expect(events).toEqual(expected);
  });

  it('split at every possible point (headers and payloads cut in two) → the same events', () => {
    const all = stream();
    for (let cut = 1; cut < all.length; cut++) {
      const { decoder, events } = collector(1024);
      decoder.push(all.subarray(0, cut));
      decoder.push(all.subarray(cut));
      expect(events, `cut at ${cut}`).toEqual(expected);
    }
  });

  it('split into chunks of 3 (headers straddle chunks) → the same events', () => {
    const all = stream();
    const { decoder, events } = collector(1024);
    for (let i = 0; i < all.length; i += 3) decoder.push(all.subarray(i, i + 3));
    expect(events).toEqual(expected);
  });

  it('a zero-length frame is delivered with an empty payload', () => {
    const { decoder, events } = collector(1024, false);
    decoder.push(bytes(0x01, 0, 0, 0));
    expect(events).toEqual([{ kind: 'frame', type: 1, payload: [] }]);
  });

  it('a frame exactly at the limit is accepted', () => {
    const { decoder, events } = collector(512, false);
    decoder.push(encodeFrame(FrameType.message, new Uint8Array(512)));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'frame', type: 0 });
  });

  it('a header announcing one octet over the limit → failed "oversize" before any payload arrives', () => {
    const { decoder, events } = collector(512, false);
    decoder.push(encodeFrameHeader(FrameType.message, 513));
    expect(events).toEqual([
      { kind: 'failed', failure: { code: 'oversize', message: 'frame of 513 octets exceeds the negotiated limit of 512 octets', length: 513, limit: 512 } },
    ]);
    expect(decoder.stopped).toBe(true);
  });

  it('oversize header split across chunks → failed "oversize" once the 4th octet arrives', () => {
    const { decoder, events } = collector(1024, false);
    const header = encodeFrameHeader(FrameType.message, 2000);
    decoder.push(header.subarray(0, 2));
    expect(events).toEqual([]);
    decoder.push(header.subarray(2));
    expect(events).toMatchObject([{ kind: 'failed', failure: { code: 'oversize', length: 2000 } }]);
  });

  it('the X bit means 2^24 (+ L): over any smaller limit → "oversize"', () => {
    const { decoder, events } = collector(2 ** 20, false);
    decoder.push(bytes(0x08, 0, 0, 0));
    expect(events).toMatchObject([{ kind: 'failed', failure: { code: 'oversize', length: 2 ** 24 } }]);
  });

  it('reserved bits in the header (RRRR) → failed "reserved_bits"', () => {
    const { decoder, events } = collector(1024, false);
    decoder.push(bytes(0x10, 0, 0, 1, 0x20));
    expect(events).toMatchObject([{ kind: 'failed', failure: { code: 'reserved_bits' } }]);
  });

  it.each([3, 4, 5, 6, 7])('frame type %i (reserved) → failed "unknown_type"', (type) => {
    const { decoder, events } = collector(1024, false);
    decoder.push(bytes(type, 0, 0, 0));
    expect(events).toMatchObject([{ kind: 'failed', failure: { code: 'unknown_type', frameType: type } }]);
  });

  it('after a failure further bytes are ignored', () => {
    const { decoder, events } = collector(1024, false);
    decoder.push(bytes(0x07, 0, 0, 0));
    decoder.push(encodeFrame(FrameType.message, text('[]')));
    expect(events).toHaveLength(1);
  });

  it('stop() from inside a callback ends decoding of the same chunk', () => {
    const events: string[] = [];
    const decoder: RawSocketDecoder = new RawSocketDecoder(
      {
        handshake: () => {
          events.push('handshake');
          decoder.stop();
        },
        frame: () => events.push('frame'),
        failed: () => events.push('failed'),
      },
      1024,
    );
    decoder.push(Buffer.concat([bytes(0x7f, 0x11, 0, 0), encodeFrame(FrameType.message, text('[1]'))]));
    expect(events).toEqual(['handshake']);
  });

  it('a payload spread over many chunks is assembled intact', () => {
    const payload = Uint8Array.from({ length: 5000 }, (_, i) => i % 251);
    const { decoder, events } = collector(8192, false);
    const frame = encodeFrame(FrameType.message, payload);
    for (let i = 0; i < frame.length; i += 700) decoder.push(frame.subarray(i, i + 700));
    expect(events).toEqual([{ kind: 'frame', type: 0, payload: [...payload] }]);
  });
});
