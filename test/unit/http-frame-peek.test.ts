// peekInts (router/http/frame-peek.ts): the leading integers of an encoded WAMP message, read
// without decoding it, for every serializer and integer width.
import { describe, expect, it } from 'vitest';
import { encode as encodeMsgpack } from 'msgpackr';
import { encode as encodeCbor } from 'cbor-x';
import { peekInts } from '../../router/http/frame-peek.js';
import { cborSerializer, jsonSerializer, msgpackSerializer } from '../../router/serializers/index.js';

function peek(frame: string | Uint8Array, format: 'json' | 'msgpack' | 'cbor', n = 3): number[] {
  const out = new Array<number>(n).fill(-1);
  return out.slice(0, peekInts(frame, format, out));
}

const IDS = [0, 1, 23, 24, 127, 128, 255, 256, 65535, 65536, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1];

describe('peekInts', () => {
  it.each(IDS)('request id %i: [48, id, {}, "p"] → [48, id] in json, msgpack and cbor (router serializers and client libraries)', (id) => {
    const list = [48, id, {}, 'com.example.p', [1, 'x']];
    for (const serializer of [jsonSerializer, msgpackSerializer, cborSerializer]) {
      expect(peek(serializer.encode(list), serializer.name, 2)).toEqual([48, id]);
    }
    expect(peek(encodeMsgpack(list), 'msgpack', 2)).toEqual([48, id]);
    expect(peek(encodeCbor(list), 'cbor', 2)).toEqual([48, id]);
  });

  it('ERROR [8, 48, request, {}, uri] → the first three integers', () => {
    const list = [8, 48, 77, {}, 'wamp.error.no_such_procedure'];
    expect(peek(JSON.stringify(list), 'json')).toEqual([8, 48, 77]);
    expect(peek(encodeMsgpack(list), 'msgpack')).toEqual([8, 48, 77]);
    expect(peek(encodeCbor(list), 'cbor')).toEqual([8, 48, 77]);
  });

  it('stops at the first non-integer element', () => {
    expect(peek('[1, "realm1", {}]', 'json')).toEqual([1]);
    expect(peek(encodeMsgpack([1, 'realm1', {}]), 'msgpack')).toEqual([1]);
    expect(peek(encodeCbor([1, 'realm1', {}]), 'cbor')).toEqual([1]);
    expect(peek('[48, 1.5, {}]', 'json')).toEqual([48]);
    expect(peek('[48, 1e3, {}]', 'json')).toEqual([48]);
    expect(peek('[48, -1, {}]', 'json')).toEqual([48]);
    expect(peek(encodeMsgpack([48, -1]), 'msgpack')).toEqual([48]);
    expect(peek(new Uint8Array([0x92, 0x30, 0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]), 'msgpack')).toEqual([48]);
    expect(peek(new Uint8Array([0x92, 0x30, 0xd0, 0x05]), 'msgpack')).toEqual([48, 5]);
    expect(peek(encodeCbor([48, 1.5]), 'cbor')).toEqual([48]);
  });

  it('whitespace in JSON and a JSON frame as bytes (RawSocket) are fine', () => {
    expect(peek(' [ 36 ,\n 5 , 6 , {} ] ', 'json')).toEqual([36, 5, 6]);
    expect(peek(new TextEncoder().encode('[36,5,6,{}]'), 'json')).toEqual([36, 5, 6]);
    expect(peek('[6]', 'json')).toEqual([6]);
  });

  it('garbage, empty and truncated frames → fewer or no integers, never a throw', () => {
    expect(peek('', 'json')).toEqual([]);
    expect(peek('{"a":1}', 'json')).toEqual([]);
    expect(peek('[', 'json')).toEqual([]);
    expect(peek('[48', 'json')).toEqual([]);
    expect(peek(new Uint8Array(), 'msgpack')).toEqual([]);
    expect(peek(new Uint8Array(), 'cbor')).toEqual([]);
    expect(peek(new Uint8Array([0x93, 0xcd]), 'msgpack')).toEqual([]);
    expect(peek(new Uint8Array([0x83, 0x19, 0x01]), 'cbor')).toEqual([]);
    expect(peek('not-bytes', 'msgpack')).toEqual([]);
    expect(peek(new Uint8Array([0x80]), 'cbor')).toEqual([]);
  });

  it('a long msgpack array (array16 header) and an indefinite-length CBOR array', () => {
    const long = [50, 9, {}, ...new Array(20).fill(0)];
    expect(peek(encodeMsgpack(long), 'msgpack', 2)).toEqual([50, 9]);
    expect(peek(new Uint8Array([0x9f, 0x18, 0x24, 0x05, 0xa0, 0xff]), 'cbor', 3)).toEqual([36, 5]);
  });
});
