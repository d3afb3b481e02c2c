import { Encoder as CborEncoder } from 'cbor-x';
import { Packr, pack as wampyStylePack } from 'msgpackr';
import { describe, expect, test } from 'vitest';
import {
  SERIALIZERS,
  SUPPORTED_SUBPROTOCOLS,
  SerializationError,
  cborSerializer as cbor,
  jsonSerializer as json,
  msgpackSerializer as msgpack,
  serializerByRawSocketId,
  serializerBySubprotocol,
  type Frame,
  type Serializer,
} from '../../router/serializers/index.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);
const toHex = (frame: Frame): string => Buffer.from(frame).toString('hex');

/** Deep copy in which every byte array is a plain Uint8Array, so Buffer and Uint8Array compare equal. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** What a decoder may hand the router: JSON-like values, undefined and byte arrays, nothing else. */
function isPlainData(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return true;
  if (value instanceof Uint8Array) return value.constructor === Uint8Array || value.constructor === Buffer;
  if (Array.isArray(value)) return value.every(isPlainData);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every(isPlainData);
}

function decodeError(serializer: Serializer, frame: Frame): SerializationError {
  try {
    serializer.decode(frame);
  } catch (err) {
    expect(err).toBeInstanceOf(SerializationError);
    return err as SerializationError;
  }
  throw new Error(`${serializer.name} decoded ${typeof frame === 'string' ? frame : toHex(frame)} without an error`);
}

function roundTrip(serializer: Serializer, list: unknown[]): unknown {
  return serializer.decode(serializer.encode(list));
}

/** Seeded PRNG (mulberry32), so that a failing fuzz case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MESSAGES: Record<string, unknown[]> = {
  HELLO: [1, 'com.example.realm', { roles: { caller: { features: { progressive_call_results: true } }, subscriber: {} }, authmethods: ['anonymous'] }],
  PUBLISH: [16, 239714735, { acknowledge: true, exclude: [1, 2 ** 53] }, 'com.example.topic', ['Hello', 42, -7, 3.25, true, false, null], { nested: { deep: [1, { text: 'é ✓ 😀' }] }, empty: {}, list: [] }],
  RESULT: [50, 2 ** 53, {}, [2 ** 53, -(2 ** 53), 2 ** 32, 2 ** 31, -(2 ** 31) - 1, 0, -1, 0.5, -1.5e300]],
  'large values': [36, 1, 2, { ...Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`key${i}`, i])) }, ['x'.repeat(70_000), Array.from({ length: 300 }, (_, i) => i)]],
};

describe('serializer lookup', () => {
  test('SERIALIZERS lists json, msgpack, cbor in that order, with their subprotocols and RawSocket ids', () => {
    expect(SERIALIZERS.map((s) => [s.name, s.subprotocol, s.rawSocketId, s.binary])).toEqual([
      ['json', 'wamp.2.json', 1, false],
      ['msgpack', 'wamp.2.msgpack', 2, true],
      ['cbor', 'wamp.2.cbor', 3, true],
    ]);
    expect(SUPPORTED_SUBPROTOCOLS).toEqual(['wamp.2.json', 'wamp.2.msgpack', 'wamp.2.cbor']);
  });

  test('lookups by subprotocol and by RawSocket id; unknown names and ids give undefined', () => {
    expect(serializerBySubprotocol('wamp.2.json')).toBe(json);
    expect(serializerBySubprotocol('wamp.2.msgpack')).toBe(msgpack);
    expect(serializerBySubprotocol('wamp.2.cbor')).toBe(cbor);
    expect(serializerBySubprotocol('wamp.2.ubjson')).toBeUndefined();
    expect(serializerBySubprotocol('WAMP.2.JSON')).toBeUndefined();
    expect([1, 2, 3].map(serializerByRawSocketId)).toEqual([json, msgpack, cbor]);
    expect(serializerByRawSocketId(0)).toBeUndefined();
    expect(serializerByRawSocketId(4)).toBeUndefined();
  });
});

describe.each(SERIALIZERS.map((s) => [s.name, s] as const))('%s', (_name, serializer) => {
  test.each(Object.keys(MESSAGES))('%s survives encode → decode unchanged', (key) => {
    expect(roundTrip(serializer, MESSAGES[key])).toEqual(MESSAGES[key]);
  });

  test('text frames for json, binary frames for msgpack and cbor', () => {
    const frame = serializer.encode([1, 'realm', {}]);
    if (serializer.binary) expect(frame).toBeInstanceOf(Uint8Array);
    else expect(typeof frame).toBe('string');
  });

  test('bytes inside a message survive encode → decode', () => {
    const list = [48, 1, {}, 'proc', [bytes(0, 1, 2, 255), Buffer.from('hello')], { empty: bytes(), deep: [{ b: bytes(7) }] }];
    expect(plain(roundTrip(serializer, list))).toEqual(plain(list));
  });

  test('integers beyond 2^53 still decode as numbers', () => {
    const decoded = roundTrip(serializer, [2 ** 60, -(2 ** 63), 2 ** 64 - 2 ** 12]);
    expect(decoded).toEqual([2 ** 60, -(2 ** 63), 2 ** 64 - 2 ** 12]);
  });

  test('undefined: object keys are left out, array slots become null, the input is not changed', () => {
    const list = [16, 1, { a: undefined, b: 2, nested: { c: undefined } }, 'topic', [undefined, 3]];
    const snapshot = structuredClone(list);
    const decoded = roundTrip(serializer, list) as [number, number, Record<string, unknown>, string, unknown[]];
    expect(decoded).toEqual([16, 1, { b: 2, nested: {} }, 'topic', [null, 3]]);
    expect('a' in decoded[2]).toBe(false);
    expect(list).toEqual(snapshot);
    expect('a' in (list[2] as object)).toBe(true);
  });

  test('a frame that is a slice of a larger ArrayBuffer decodes (Buffer and Uint8Array views)', () => {
    const list = [36, 5647382910, 2, {}, ['tail string at the end of the frame'.repeat(3), bytes(1, 2, 3)], { k: 'v' }];
    const encoded = serializer.encode(list);
    const body = typeof encoded === 'string' ? Buffer.from(encoded) : encoded;
    const backing = new ArrayBuffer(body.length + 21);
    new Uint8Array(backing).fill(0xc1);
    new Uint8Array(backing).set(body, 13);
    expect(plain(serializer.decode(Buffer.from(backing, 13, body.length)))).toEqual(plain(list));
    expect(plain(serializer.decode(new Uint8Array(backing, 13, body.length)))).toEqual(plain(list));
  });

  test('an encoded frame is not overwritten by the next encode', () => {
    const first = serializer.encode([1, 'first', { a: 1 }]);
    const copy = typeof first === 'string' ? first : Buffer.from(first);
    serializer.encode([2, 'second'.repeat(1000), { b: 2 }]);
    expect(first).toEqual(copy);
  });

  test('an empty frame → SerializationError', () => {
    decodeError(serializer, new Uint8Array(0));
  });

  test('every truncation of a valid frame → SerializationError', () => {
    const frame = serializer.encode([16, 5647382910, { a: [1, 2.5, 'x'] }, 'topic', [bytes(1, 2, 3)], { k: 2 ** 40 }]);
    const full = typeof frame === 'string' ? Buffer.from(frame) : frame;
    for (let length = 0; length < full.length; length++) decodeError(serializer, full.subarray(0, length));
  });

  test('trailing bytes after the message → SerializationError', () => {
    const frame = serializer.encode([1, 'realm', {}]);
    const full = typeof frame === 'string' ? Buffer.from(frame) : frame;
    decodeError(serializer, Buffer.concat([full, Buffer.from(serializer.binary ? [0x00] : '1')]));
  });

  test('random bytes decode to plain data or throw SerializationError, never anything else', () => {
    const next = random(0x5eed + serializer.rawSocketId);
    const valid = Buffer.from(serializer.encode(MESSAGES.PUBLISH));
    for (let round = 0; round < 4000; round++) {
      let input: Uint8Array;
      if (round % 2 === 0) {
        input = Uint8Array.from({ length: Math.floor(next() * 40) }, () => Math.floor(next() * 256));
      } else {
        input = Uint8Array.from(valid); // a valid frame with a few bytes changed
        for (let i = 0; i < 3; i++) input[Math.floor(next() * input.length)] = Math.floor(next() * 256);
      }
      let value: unknown;
      try {
        value = serializer.decode(input);
      } catch (err) {
        if (!(err instanceof SerializationError)) throw new Error(`${toHex(input)} threw ${String(err)}`);
        continue;
      }
      if (!isPlainData(value)) throw new Error(`${toHex(input)} decoded to non-plain data`);
    }
  });

  test('a cyclic list cannot be encoded → SerializationError', () => {
    const list: unknown[] = [1];
    list.push({ self: list });
    expect(() => serializer.encode(list)).toThrow(SerializationError);
  });
});

describe('json', () => {
  test('output is compact JSON.stringify output when there are no bytes', () => {
    expect(json.encode(MESSAGES.PUBLISH)).toBe(JSON.stringify(MESSAGES.PUBLISH));
  });

  test('a "\\u0000"+base64 string decodes to bytes; padding may be left out', () => {
    expect(plain(json.decode('[1,"\\u0000AQID","\\u0000/w==","\\u0000/w","\\u0000"]'))).toEqual([
      1,
      bytes(1, 2, 3),
      bytes(255),
      bytes(255),
      bytes(),
    ]);
  });

  test('bytes (Uint8Array, Buffer, a view with an offset) encode as "\\u0000"+base64 with padding', () => {
    const view = new Uint8Array(new Uint8Array([9, 9, 9, 0xfb, 0xff, 9]).buffer, 3, 2);
    expect(json.encode([bytes(1, 2, 3), Buffer.from([255]), { v: view }])).toBe('["\\u0000AQID","\\u0000/w==",{"v":"\\u0000+/8="}]');
  });

  test('a NUL that does not start the string leaves it a string', () => {
    expect(json.decode('["a\\u0000b","\\\\u0000AQID"]')).toEqual(['a\u0000b', '\\u0000AQID']);
  });

  test('a binary string that is not base64 → SerializationError', () => {
    expect(decodeError(json, '[1,"\\u0000not base64!"]').message).toMatch(/base64/);
    decodeError(json, '[1,"\\u0000A"]');
  });

  test('"__proto__" keys stay own properties and pollute nothing, also when their value is binary', () => {
    const [first, second] = json.decode('[{"__proto__":{"polluted":true}},{"__proto__":"\\u0000AQ=="}]') as Record<string, unknown>[];
    for (const object of [first, second]) expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(Object.getOwnPropertyNames(second)).toEqual(['__proto__']);
    expect(plain(Object.getOwnPropertyDescriptor(second, '__proto__')?.value)).toEqual(bytes(1));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('UTF-8 byte frames decode; frames that are not UTF-8 → SerializationError', () => {
    expect(json.decode(Buffer.from('["é ✓ 😀"]'))).toEqual(['é ✓ 😀']);
    for (const bad of ['5b22ff225d', '5b22c080225d', '5b22eda080225d', '5b22e282225d']) {
      expect(decodeError(json, hex(bad)).message).toMatch(/UTF-8/);
    }
  });

  test('invalid JSON → SerializationError naming JSON', () => {
    for (const bad of ['', '[1,', '{"a":}', "['single']", '[1] x', 'undefined', '[NaN]']) {
      expect(decodeError(json, bad).message).toMatch(/^invalid JSON/);
    }
  });

  test('a BigInt cannot be encoded → SerializationError', () => {
    expect(() => json.encode([1n])).toThrow(SerializationError);
  });
});

describe('binary values across serializers', () => {
  test('bytes from JSON encode as a msgpack bin and a plain CBOR byte string (no tag 64), and come back', () => {
    const list = json.decode('[1,"\\u0000AQID"]') as unknown[];
    expect(toHex(msgpack.encode(list))).toBe('9201c403010203');
    expect(toHex(cbor.encode(list))).toBe('820143010203');
    expect(json.encode(msgpack.decode(msgpack.encode(list)) as unknown[])).toBe('[1,"\\u0000AQID"]');
    expect(json.encode(cbor.decode(cbor.encode(list)) as unknown[])).toBe('[1,"\\u0000AQID"]');
  });

  test('msgpack bin 8/16/32, CBOR byte strings and CBOR tag 64 (what cbor-x clients send) encode as JSON binary strings', () => {
    for (const frame of ['9201c403010203', '9201c50003010203', '9201c600000003010203']) {
      const list = msgpack.decode(hex(frame)) as unknown[];
      expect(json.encode(list)).toBe('[1,"\\u0000AQID"]');
    }
    expect(json.encode(cbor.decode(hex('820143010203')) as unknown[])).toBe('[1,"\\u0000AQID"]');
    expect(json.encode(cbor.decode(new CborEncoder().encode([1, bytes(1, 2, 3)])) as unknown[])).toBe('[1,"\\u0000AQID"]');
  });

  test('decoded bytes are copies: changing the frame afterwards does not change them', () => {
    for (const serializer of [msgpack, cbor]) {
      const frame = Buffer.from(serializer.encode([bytes(1, 2, 3)]));
      const [decoded] = serializer.decode(frame) as Uint8Array[];
      frame.fill(0);
      expect(plain(decoded)).toEqual(bytes(1, 2, 3));
    }
  });
});

describe('msgpack', () => {
  /** The extension of `type` with `size` zero data bytes, in the fixext or ext form that fits. */
  const extension = (type: number, size: number, form: 'fixext' | 'ext8' | 'ext16' | 'ext32'): string => {
    const t = type.toString(16).padStart(2, '0');
    const data = '00'.repeat(size);
    if (form === 'fixext') return `${({ 1: 'd4', 2: 'd5', 4: 'd6', 8: 'd7', 16: 'd8' } as Record<number, string>)[size]}${t}${data}`;
    const width = { ext8: 2, ext16: 4, ext32: 8 }[form];
    return `${{ ext8: 'c7', ext16: 'c8', ext32: 'c9' }[form]}${size.toString(16).padStart(width, '0')}${t}${data}`;
  };
  const EVERY_FORM = [
    ...[1, 2, 4, 8, 16].map((size) => [size, 'fixext'] as const),
    ...(['ext8', 'ext16', 'ext32'] as const).map((form) => [2, form] as const),
  ];

  test('integers outside 32 bits encode as int64/uint64, never float64 (strict peers reject float IDs)', () => {
    expect(toHex(msgpack.encode([2 ** 32, 2 ** 53, -(2 ** 40), 2 ** 63]))).toBe(
      '94d30000000100000000d30020000000000000d3ffffff0000000000cf8000000000000000',
    );
    expect(toHex(msgpack.encode([0.5, 1e300]))).toBe('92cb3fe0000000000000cb7e37e43c8800759c');
  });

  test('uint64 (0xcf) and int64 (0xd3) decode as numbers, never BigInt', () => {
    expect(msgpack.decode(hex('94 cf0020000000000000 d30020000000000000 d3ffe0000000000000 cfffffffffffffffff'))).toEqual([
      2 ** 53,
      2 ** 53,
      -(2 ** 53),
      2 ** 64,
    ]);
  });

  test("wampy's fixext1 type 0 as an option value decodes as undefined", () => {
    // [REGISTER, 1, {invoke: <fixext1 type 0>}, "proc"]
    const decoded = msgpack.decode(hex('94 40 01 81 a6696e766f6b65 d40000 a470726f63')) as [number, number, Record<string, unknown>, string];
    expect(decoded).toEqual([64, 1, { invoke: undefined }, 'proc']);
    expect('invoke' in decoded[2]).toBe(true);
    expect(msgpack.decode(wampyStylePack([64, 2, { match: undefined }, 'p']))).toEqual([64, 2, { match: undefined }, 'p']);
  });

  test('type 0 in any other extension form → SerializationError', () => {
    for (const [size, form] of EVERY_FORM.slice(1)) {
      expect(decodeError(msgpack, hex(extension(0, size, form))).message).toMatch(/extension type 0 is not allowed/);
    }
    expect(decodeError(msgpack, hex('c70000')).message).toMatch(/extension type 0 is not allowed/);
  });

  // 0x42 BigInt, 0x62 bundled strings, 0x65 Error, 0x69/0x70 structured-clone ids and pointers, 0x73 Set,
  // 0x74 typed arrays, 0x78 RegExp, -1 timestamp → Date, and types nobody registered. (0x72: next test.)
  test.each([0x01, 0x42, 0x62, 0x65, 0x69, 0x70, 0x73, 0x74, 0x78, 0x7f, 0x80, 0xfe, 0xff])(
    'extension type %i in every fixext and ext form → SerializationError',
    (type) => {
      const signed = type > 0x7f ? type - 0x100 : type;
      for (const [size, form] of EVERY_FORM) {
        const frame = hex(`92 01 ${extension(type, size, form)}`);
        expect(decodeError(msgpack, frame).message).toMatch(new RegExp(`extension type ${signed} is not allowed`));
      }
    },
  );

  test('records (type 0x72), which msgpackr reads even with useRecords: false → SerializationError', () => {
    // fixext1 / fixext2 record definitions of id 0x40 with keys ["a"], then its values; msgpackr reads these
    // outside its extension table, so they are stopped when they try to store the structure
    for (const frame of ['d47240 91a161 01', 'd5724000 91a161 01', '92 d47240 91a161 01 40']) {
      expect(decodeError(msgpack, hex(frame)).message).toMatch(/extension type 114 is not allowed/);
    }
    for (const [size, form] of EVERY_FORM.slice(2)) {
      expect(decodeError(msgpack, hex(extension(0x72, size, form))).message).toMatch(/extension type 114 is not allowed/);
    }
    decodeError(msgpack, new Packr({ useRecords: true }).pack([{ a: 1, b: 2 }, { a: 3, b: 4 }]));
  });

  test("what msgpackr's own extensions produce (Date, Set, Error, RegExp, typed array, BigInt, cycles, bundles) → SerializationError", () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const values: [Packr, unknown][] = [
      [new Packr(), new Date()],
      [new Packr({ moreTypes: true }), new Set([1])],
      [new Packr({ moreTypes: true }), new Error('boom')],
      [new Packr({ moreTypes: true }), /x/g],
      [new Packr({ moreTypes: true }), new Float32Array([1.5])],
      [new Packr({ useBigIntExtension: true }), 2n ** 100n],
      [new Packr({ structuredClone: true }), cyclic],
      [new Packr({ bundleStrings: true, useRecords: false }), ['a string long enough to bundle', 'another long string here']],
    ];
    for (const [packr, value] of values) decodeError(msgpack, packr.pack([1, value]));
  });

  test('0xc1 (never used) → SerializationError; 0xc1 bytes inside values decode', () => {
    decodeError(msgpack, hex('9201c1'));
    decodeError(msgpack, hex('81c101'));
    expect(plain(msgpack.decode(hex('92 ccc1 c401c1')))).toEqual([0xc1, bytes(0xc1)]);
  });

  test('map keys: numbers become strings, arrays → SerializationError, "__proto__" pollutes nothing', () => {
    expect(msgpack.decode(hex('81 01 a161'))).toEqual({ 1: 'a' });
    decodeError(msgpack, hex('81 9101 01'));
    const decoded = msgpack.decode(hex('81 a95f5f70726f746f5f5f 81 a8706f6c6c75746564 c3')) as object;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('absurd lengths and deep nesting → SerializationError', () => {
    for (const frame of ['ddffffffff', 'dfffffffff', 'c6ffffffff', 'dbffffffff61']) decodeError(msgpack, hex(frame));
    decodeError(msgpack, Buffer.concat([Buffer.alloc(200_000, 0x91), hex('c0')]));
  });

  test('a text frame → SerializationError', () => {
    decodeError(msgpack, '[1]');
  });
});

describe('cbor', () => {
  test('integers outside 32 bits encode as CBOR integers, never float64; maps use the smallest header', () => {
    expect(toHex(cbor.encode([2 ** 32, 2 ** 53, -(2 ** 40), {}]))).toBe('841b00000001000000001b00200000000000003b000000ffffffffffa0');
  });

  test('64-bit integers (major types 0 and 1) decode as numbers, never BigInt', () => {
    expect(cbor.decode(hex('83 1b0020000000000000 3b001fffffffffffff 1bffffffffffffffff'))).toEqual([2 ** 53, -(2 ** 53), 2 ** 64]);
  });

  test('undefined (simple value 23) decodes as undefined', () => {
    const decoded = cbor.decode(hex('83 01 a1 6161 f7 f7')) as [number, Record<string, unknown>, unknown];
    expect(decoded).toEqual([1, { a: undefined }, undefined]);
    expect('a' in decoded[1]).toBe(true);
  });

  test('typed-array tags 64..87 give the tagged bytes unchanged, whatever the element type or byte order', () => {
    const cases: [string, number[]][] = [
      ['d840 43010203', [1, 2, 3]], // uint8
      ['d841 4400010002', [0, 1, 0, 2]], // uint16 big endian
      ['d845 4401000200', [1, 0, 2, 0]], // uint16 little endian
      ['d84c 420102', [1, 2]], // 76, reserved and unknown to cbor-x
      ['d856 48000000000000f83f', [0, 0, 0, 0, 0, 0, 0xf8, 0x3f]], // float64 little endian
      ['d857 40', []], // float128 little endian, empty
    ];
    for (const [frame, expected] of cases) expect(plain(cbor.decode(hex(frame)))).toEqual(new Uint8Array(expected));
  });

  test('a typed-array tag on anything but a definite byte string → SerializationError', () => {
    for (const frame of ['d840 83010203', 'd840 6161', 'd840 5f4101ff', 'd840']) decodeError(cbor, hex(frame));
  });

  const tagHeader = (tag: number): string => {
    if (tag < 24) return (0xc0 | tag).toString(16);
    if (tag < 0x100) return `d8${tag.toString(16).padStart(2, '0')}`;
    if (tag < 0x10000) return `d9${tag.toString(16).padStart(4, '0')}`;
    if (tag < 2 ** 32) return `da${tag.toString(16).padStart(8, '0')}`;
    return `db${tag.toString(16).padStart(16, '0')}`;
  };
  // 0/1 Date, 2/3 BigInt, 4/5 decimal and big floats, 6/51 packed values, 14/15 bundled strings, 27 Error/RegExp,
  // 28/29 shared references, 32 URI, 105 and 0xdff9..0xe000 records, 258 Set, 259 Map, 55799 self-describing,
  // 63/88 the neighbours of the typed-array range, and tags nobody registered.
  test.each([0, 1, 2, 3, 4, 5, 6, 14, 15, 21, 27, 28, 29, 32, 51, 63, 88, 105, 256, 258, 259, 1000, 0xdff9, 0xdffe, 0xdfff, 0xe000, 55799, 2 ** 32])(
    'tag %i → SerializationError',
    (tag) => {
      for (const content of ['00', '40', '80', '6161']) {
        expect(decodeError(cbor, hex(`82 01 ${tagHeader(tag)} ${content}`)).message).toMatch(`CBOR tag ${tag} is not allowed`);
      }
    },
  );

  test("what cbor-x's own encoder produces for Dates, Sets, Errors, RegExps, big BigInts, records, cycles and packing → SerializationError", () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const values: [CborEncoder, unknown][] = [
      [new CborEncoder(), new Date()],
      [new CborEncoder(), new Set([1])],
      [new CborEncoder(), new Error('boom')],
      [new CborEncoder(), /x/g],
      [new CborEncoder(), 2n ** 100n],
      [new CborEncoder({ useRecords: true }), [{ a: 1 }, { a: 2 }]],
      [new CborEncoder({ structuredClone: true }), cyclic],
      [new CborEncoder({ pack: true }), ['repeated string', 'repeated string', 'repeated string']],
    ];
    for (const [encoder, value] of values) decodeError(cbor, encoder.encode([1, value]));
  });

  test('simple values other than false/true/null/undefined and reserved headers → SerializationError', () => {
    for (const frame of ['e0', 'f3', 'f820', 'f8ff', 'f814', 'fc', '1c', '81ff', 'ff']) decodeError(cbor, hex(frame));
    expect(cbor.decode(hex('84 f4 f5 f6 f97e00'))).toEqual([false, true, null, NaN]);
  });

  test('indefinite-length arrays and maps decode; indefinite-length strings → SerializationError', () => {
    expect(cbor.decode(hex('9f 01 9f ff 82 02 bf 6161 03 ff ff'))).toEqual([1, [], [2, { a: 3 }]]);
    for (const frame of ['5f4101ff', '7f6161ff', '9f01', 'bf6161ff']) decodeError(cbor, hex(frame));
  });

  test('map keys: numbers become strings, arrays → SerializationError, "__proto__" pollutes nothing', () => {
    expect(cbor.decode(hex('a1 01 6161'))).toEqual({ 1: 'a' });
    decodeError(cbor, hex('a1 8101 01'));
    const decoded = cbor.decode(hex('a1 695f5f70726f746f5f5f a1 68706f6c6c75746564 f5')) as object;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('absurd lengths and deep nesting → SerializationError', () => {
    for (const frame of ['9b00000000ffffffff', 'bbffffffffffffffff', '5bffffffffffffffff', '7affffffff']) decodeError(cbor, hex(frame));
    decodeError(cbor, Buffer.concat([Buffer.alloc(200_000, 0x81), hex('f6')]));
  });

  test('a text frame → SerializationError', () => {
    decodeError(cbor, '[1]');
  });
});
