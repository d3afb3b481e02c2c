/**
 * Decodes and re-encodes the serialization samples of the WAMP spec's test vectors (shared/wamp-vectors,
 * see its README for source and license) with each of our serializers. The vector files are read at run
 * time; none of their text is copied here.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { SERIALIZERS, type Frame, type Serializer } from '../../router/serializers/index.js';

// The repository is cloned next to `shared/`, locally and in CI.
const SINGLE_MESSAGE = fileURLToPath(new URL('../../../shared/wamp-vectors/testsuite/singlemessage/', import.meta.url));

interface Variant {
  bytes?: string;
  bytes_hex?: string;
  bytes_base64?: string;
}
interface Sample {
  description?: string;
  serializers?: Record<string, Variant[] | undefined>;
  expected_attributes?: { message_type?: number };
}
interface VectorFile {
  wamp_message_type: string;
  samples: Sample[];
}
interface Case {
  name: string;
  serializer: Serializer;
  variants: Variant[];
  reference: unknown;
  messageType: number | undefined;
}

/** Deep copy in which every byte array is a plain Uint8Array, so Buffer and Uint8Array compare equal. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** The WAMP JSON binary convention, written independently of router/serializers/json.ts. */
function withBinary(value: unknown): unknown {
  if (typeof value === 'string' && value.startsWith('\u0000')) return new Uint8Array(Buffer.from(value.slice(1), 'base64'));
  if (Array.isArray(value)) return value.map(withBinary);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withBinary(v)]));
  }
  return value;
}

/** Each way a variant gives its bytes, as the frame a transport would hand over. */
function framesOf(variant: Variant, serializer: Serializer): Frame[] {
  const frames: Frame[] = [];
  // `bytes` is a readable string; only for JSON is it the frame itself.
  if (variant.bytes !== undefined && !serializer.binary) frames.push(variant.bytes);
  if (variant.bytes_hex !== undefined) frames.push(Buffer.from(variant.bytes_hex, 'hex'));
  if (variant.bytes_base64 !== undefined) frames.push(Buffer.from(variant.bytes_base64, 'base64'));
  return frames;
}

function jsonText(variant: Variant): string {
  if (variant.bytes !== undefined) return variant.bytes;
  if (variant.bytes_hex !== undefined) return Buffer.from(variant.bytes_hex, 'hex').toString('utf8');
  return Buffer.from(variant.bytes_base64 ?? '', 'base64').toString('utf8');
}

function loadCases(): Case[] {
  const cases: Case[] = [];
  for (const profile of ['basic', 'advanced']) {
    for (const file of readdirSync(SINGLE_MESSAGE + profile).filter((f) => f.endsWith('.json')).sort()) {
      const vector = JSON.parse(readFileSync(`${SINGLE_MESSAGE}${profile}/${file}`, 'utf8')) as VectorFile;
      vector.samples.forEach((sample, index) => {
        const jsonVariants = sample.serializers?.json;
        if (!jsonVariants?.length) return; // a validation sample, not a serialization one
        // The reference is the first JSON variant, parsed by JSON.parse with binary strings mapped to bytes.
        const reference = plain(withBinary(JSON.parse(jsonText(jsonVariants[0]))));
        for (const serializer of SERIALIZERS) {
          const variants = sample.serializers?.[serializer.name];
          if (!variants?.length) continue;
          cases.push({
            name: `${profile}/${file} sample ${index} (${vector.wamp_message_type}: ${sample.description ?? 'no description'}) × ${serializer.name}`,
            serializer,
            variants,
            reference,
            messageType: sample.expected_attributes?.message_type,
          });
        }
      });
    }
  }
  return cases;
}

const CASES = loadCases();

describe('WAMP test vectors, single-message serialization samples', () => {
  test('the vectors are there: 35 serialization samples, each with json, msgpack and cbor variants', () => {
    expect(CASES).toHaveLength(35 * 3);
  });

  for (const c of CASES) {
    test(`${c.name}: every variant decodes to the JSON message, and encode → decode gives it back`, () => {
      for (const variant of c.variants) {
        const frames = framesOf(variant, c.serializer);
        expect(frames.length).toBeGreaterThan(0);
        for (const frame of frames) {
          const decoded = c.serializer.decode(frame);
          expect(plain(decoded)).toEqual(c.reference);
          if (c.messageType !== undefined) expect((decoded as unknown[])[0]).toBe(c.messageType);
          expect(plain(c.serializer.decode(c.serializer.encode(decoded as unknown[])))).toEqual(c.reference);
        }
      }
    });
  }

  // Byte equality pins what a round trip cannot see: IDs written as integers (not float64), the smallest
  // map headers, bytes as plain CBOR byte strings (no tag 64), compact JSON.
  // msgpack is left out: msgpackr writes positive integers past 32 bits as int64 (0xd3), the vectors as
  // uint64 (0xcf). Both are valid msgpack; the round trip above covers it.
  for (const c of CASES.filter((c) => c.serializer.name !== 'msgpack')) {
    test(`${c.name}: our encoding is one of the listed variants`, () => {
      const listed = c.variants.flatMap((v) => framesOf(v, c.serializer)).map((f) => Buffer.from(f).toString('hex'));
      const ours = c.serializer.encode(c.serializer.decode(framesOf(c.variants[0], c.serializer)[0]) as unknown[]);
      expect(listed).toContain(Buffer.from(ours).toString('hex'));
    });
  }
});
