// The WAMP spec's test vectors (shared/wamp-vectors, read as fixtures; see its README for the
// license: nothing from them is copied here). Each validation sample (`wmsg`) of a message a
// client sends is fed to a real router from a raw json session: must-reject samples get ABORT
// wamp.error.protocol_violation naming the option, valid ones keep the session. Samples of
// router→client messages are checked against our wire layer (fromList + checkOptions).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Buffer } from 'node:buffer';
import { fromList } from '../../router/wire/schema.js';
import { checkOptions } from '../../router/wire/options.js';
import { jsonSerializer, msgpackSerializer, cborSerializer, type Serializer } from '../../router/serializers/index.js';
import { messageTypeName } from '../../realms/protocol/message-type.js';
import { startRouter, expectAllZero, type TestRouter } from '../helpers/router.js';
import { openRaw, type RawPeer } from '../helpers/raw.js';

const TESTSUITE = fileURLToPath(new URL('../../../shared/wamp-vectors/testsuite/singlemessage/', import.meta.url));

interface Variant {
  bytes?: string;
  bytes_hex?: string;
}

interface Sample {
  description: string;
  test_category?: string;
  wmsg?: unknown[];
  expected_error?: { type: string; contains: string };
  serializers?: Partial<Record<string, Variant[]>>;
}

interface VectorFile {
  wamp_message_type: string;
  wamp_message_code: number;
  samples: Sample[];
}

interface Loaded {
  /** e.g. "basic/publish.json" */
  file: string;
  index: number;
  code: number;
  sample: Sample;
}

function load(): Loaded[] {
  const all: Loaded[] = [];
  for (const profile of ['basic', 'advanced']) {
    for (const name of readdirSync(TESTSUITE + profile).filter((n) => n.endsWith('.json')).sort()) {
      const vector = JSON.parse(readFileSync(`${TESTSUITE}${profile}/${name}`, 'utf8')) as VectorFile;
      vector.samples.forEach((sample, index) => all.push({ file: `${profile}/${name}`, index, code: vector.wamp_message_code, sample }));
    }
  }
  return all;
}

const ALL = load();
const VALIDATION = ALL.filter((s) => Array.isArray(s.sample.wmsg));
const SERIALIZATION = ALL.filter((s) => s.sample.serializers !== undefined);

/** Client→router messages that carry Request|id in position 1 (basic/messages.md). */
const CLIENT_REQUESTS = new Map<number, { reply: number }>([
  [16, { reply: 17 }], // PUBLISH → PUBLISHED (with acknowledge)
  [32, { reply: 33 }], // SUBSCRIBE → SUBSCRIBED
  [34, { reply: 35 }], // UNSUBSCRIBE → UNSUBSCRIBED
  [48, { reply: 50 }], // CALL → RESULT
  [64, { reply: 65 }], // REGISTER → REGISTERED
  [66, { reply: 67 }], // UNREGISTER → UNREGISTERED
]);

const ABORT = 3;
const ERROR = 8;
const REQUEST = 1;

function nameOf(entry: Loaded): string {
  const wmsg = entry.sample.wmsg ?? [];
  const type = messageTypeName(wmsg[0] as number) ?? String(wmsg[0]);
  const dict = wmsg.find((item, i) => i > 0 && typeof item === 'object' && item !== null && !Array.isArray(item));
  return `${entry.file}#${entry.index} ${type} ${JSON.stringify(dict)}`;
}

describe('validation samples of client→router messages, sent from a raw json session', () => {
  let t: TestRouter;
  const peers: RawPeer[] = [];

  beforeEach(async () => {
    t = await startRouter();
  });

  afterEach(async () => {
    try {
      await Promise.all(peers.splice(0).map((peer) => peer.close()));
      await expectAllZero(t.router);
    } finally {
      await t.router.close();
    }
  });

  async function session(): Promise<RawPeer> {
    const peer = await openRaw(t.url, 'json');
    peers.push(peer);
    expect((await peer.join())[0]).toBe(2);
    return peer;
  }

  /** The sample with our request id, and with acknowledge added to a PUBLISH that does not set it. */
  function prepare(wmsg: unknown[]): { list: unknown[]; expectsReply: boolean } {
    const list = structuredClone(wmsg);
    list[1] = REQUEST;
    let expectsReply = true;
    if (list[0] === 16) {
      const options = list[2] as Record<string, unknown>;
      if (!('acknowledge' in options)) list[2] = { ...options, acknowledge: true };
      expectsReply = (list[2] as Record<string, unknown>).acknowledge === true;
    }
    return { list, expectsReply };
  }

  const client = VALIDATION.filter((e) => CLIENT_REQUESTS.has(e.sample.wmsg?.[0] as number));

  it('the vectors hold client validation samples (the fixture path resolves)', () => {
    expect(client.length).toBeGreaterThanOrEqual(40);
  });

  for (const entry of client) {
    const { wmsg = [], expected_error: expected } = entry.sample;
    if (expected !== undefined) {
      it(`${nameOf(entry)} → ABORT wamp.error.protocol_violation whose message names "${expected.contains}"`, async () => {
        expect(expected.type).toBe('protocol_violation');
        const peer = await session();
        peer.send(prepare(wmsg).list);
        expect(await peer.next()).toEqual([ABORT, { message: expect.stringContaining(expected.contains) }, 'wamp.error.protocol_violation']);
        await peer.closed;
      });
    } else {
      it(`${nameOf(entry)} (valid) → answered without ABORT; the session goes on`, async () => {
        const peer = await session();
        const { list, expectsReply } = prepare(wmsg);
        const type = list[0] as number;
        peer.send(list);
        // Follow-up round trip: the session must still route after the sample.
        peer.send([32, REQUEST + 1, {}, 'com.example.vectors.followup']);
        const seen: unknown[][] = [];
        for (;;) {
          const message = await peer.next();
          seen.push(message);
          expect(message[0]).not.toBe(ABORT);
          if (message[0] === 33 && message[1] === REQUEST + 1) break;
        }
        const answers = seen.filter((m) => (m[0] === ERROR ? m[2] === REQUEST : m[1] === REQUEST));
        if (expectsReply) {
          expect(answers).toHaveLength(1);
          const [answer] = answers;
          if (answer[0] === ERROR) {
            // A valid message the router does not implement (e.g. pattern subscriptions, passthru).
            expect(answer).toEqual([ERROR, type, REQUEST, {}, expect.stringMatching(/^wamp\.error\./), [expect.any(String)]]);
          } else {
            expect(answer[0]).toBe(CLIENT_REQUESTS.get(type)?.reply);
          }
        } else {
          expect(answers).toEqual([]);
        }
        expect(peer.socket.readyState).toBe(peer.socket.OPEN);
      });
    }
  }
});

describe('validation samples of router→client messages, against the wire layer', () => {
  const routerOnly = VALIDATION.filter((e) => !CLIENT_REQUESTS.has(e.sample.wmsg?.[0] as number));

  it('the vectors hold router→client validation samples', () => {
    expect(routerOnly.length).toBeGreaterThanOrEqual(20);
  });

  for (const entry of routerOnly) {
    const { wmsg = [], expected_error: expected } = entry.sample;
    const typeName = messageTypeName(wmsg[0] as number) ?? String(wmsg[0]);
    if (expected !== undefined) {
      // Our router never decodes EVENT & co. from a client except to reject it (router-to-client
      // message), so their Details are not type-checked: this check belongs to client libraries.
      it.skip(`${nameOf(entry)} → ProtocolViolation naming "${expected.contains}" [skipped: router→client message; client-side check]`, () => {
        expect(() => checkOptions(fromList(wmsg), typeName)).toThrow(expected.contains);
      });
    } else {
      it(`${nameOf(entry)} (valid) → fromList accepts it and checkOptions passes`, () => {
        const message = fromList(wmsg);
        expect(message.type).toBe(wmsg[0]);
        expect(() => checkOptions(message, typeName)).not.toThrow();
      });
    }
  }
});

describe('serialization samples pass the positional schema (fromList) from every serializer we speak', () => {
  const SERIALIZERS: Record<string, Serializer> = { json: jsonSerializer, msgpack: msgpackSerializer, cbor: cborSerializer };

  for (const entry of SERIALIZATION) {
    for (const [name, serializer] of Object.entries(SERIALIZERS)) {
      const variants = entry.sample.serializers?.[name] ?? [];
      if (variants.length === 0) continue;
      const title = `${entry.file}#${entry.index} ${messageTypeName(entry.code) ?? entry.code} over ${name}`;
      if (messageTypeName(entry.code) === undefined) {
        it.skip(`${title} [skipped: message type ${entry.code} is provisional and not implemented]`, () => undefined);
        continue;
      }
      it(`${title} → fromList gives type ${entry.code}; all variants decode to the same message`, () => {
        const decoded = variants.map((variant) => {
          const frame =
            name === 'json'
              ? (variant.bytes ?? Buffer.from(variant.bytes_hex ?? '', 'hex').toString('utf8'))
              : new Uint8Array(Buffer.from(variant.bytes_hex ?? '', 'hex'));
          return fromList(serializer.decode(frame));
        });
        for (const message of decoded) {
          expect(message.type).toBe(entry.code);
          expect(message).toEqual(decoded[0]);
        }
      });
    }
  }
});
