// The positional wire schema (router/wire/schema.ts) and option type checks (router/wire/options.ts),
// without sockets: lists in, typed messages or ProtocolViolation out, and back.
import { describe, expect, it } from 'vitest';
import { fromList, toList } from '../../router/wire/schema.js';
import { checkOptions, usesPayloadPassthru } from '../../router/wire/options.js';
import { MessageType, messageTypeName } from '../../realms/protocol/message-type.js';
import type { Message } from '../../realms/protocol/messages.js';
import { ProtocolViolation } from '../../realms/protocol/errors.js';

const MAX_ID = 2 ** 53;

/** One wire list and its typed form per message type (basic/messages.md, advanced/messages.md). */
const SAMPLES: Array<[string, unknown[], Record<string, unknown>]> = [
  ['HELLO', [1, 'realm1', { roles: { caller: {} } }], { type: 1, realm: 'realm1', details: { roles: { caller: {} } } }],
  ['WELCOME', [2, 9129137332, { roles: { broker: {} } }], { type: 2, session: 9129137332, details: { roles: { broker: {} } } }],
  ['ABORT', [3, { message: 'bye' }, 'wamp.error.no_such_realm'], { type: 3, details: { message: 'bye' }, reason: 'wamp.error.no_such_realm' }],
  ['CHALLENGE', [4, 'ticket', { nonce: 'n' }], { type: 4, authmethod: 'ticket', extra: { nonce: 'n' } }],
  ['AUTHENTICATE', [5, 'secret', {}], { type: 5, signature: 'secret', extra: {} }],
  ['GOODBYE', [6, {}, 'wamp.close.close_realm'], { type: 6, details: {}, reason: 'wamp.close.close_realm' }],
  [
    'ERROR',
    [8, 48, 7814135, {}, 'com.example.error', ['a'], { k: 1 }],
    { type: 8, requestType: 48, request: 7814135, details: {}, error: 'com.example.error', args: ['a'], kwargs: { k: 1 } },
  ],
  [
    'PUBLISH',
    [16, 239714735, { acknowledge: true }, 'com.example.topic', ['hello'], { n: 1 }],
    { type: 16, request: 239714735, options: { acknowledge: true }, topic: 'com.example.topic', args: ['hello'], kwargs: { n: 1 } },
  ],
  ['PUBLISHED', [17, 239714735, 4429313566], { type: 17, request: 239714735, publication: 4429313566 }],
  ['SUBSCRIBE', [32, 713845233, {}, 'com.example.topic'], { type: 32, request: 713845233, options: {}, topic: 'com.example.topic' }],
  ['SUBSCRIBED', [33, 713845233, 5512315355], { type: 33, request: 713845233, subscription: 5512315355 }],
  ['UNSUBSCRIBE', [34, 85346237, 5512315355], { type: 34, request: 85346237, subscription: 5512315355 }],
  ['UNSUBSCRIBED', [35, 85346237], { type: 35, request: 85346237 }],
  [
    'EVENT',
    [36, 5512315355, 4429313566, {}, [1, 2]],
    { type: 36, subscription: 5512315355, publication: 4429313566, details: {}, args: [1, 2] },
  ],
  [
    'CALL',
    [48, 7814135, { timeout: 100 }, 'com.example.proc', [], { x: 1 }],
    { type: 48, request: 7814135, options: { timeout: 100 }, procedure: 'com.example.proc', args: [], kwargs: { x: 1 } },
  ],
  ['CANCEL', [49, 7814135, { mode: 'skip' }], { type: 49, request: 7814135, options: { mode: 'skip' } }],
  ['RESULT', [50, 7814135, {}, ['ok']], { type: 50, request: 7814135, details: {}, args: ['ok'] }],
  ['REGISTER', [64, 25349185, {}, 'com.example.proc'], { type: 64, request: 25349185, options: {}, procedure: 'com.example.proc' }],
  ['REGISTERED', [65, 25349185, 2103333224], { type: 65, request: 25349185, registration: 2103333224 }],
  ['UNREGISTER', [66, 788923562, 2103333224], { type: 66, request: 788923562, registration: 2103333224 }],
  ['UNREGISTERED', [67, 788923562], { type: 67, request: 788923562 }],
  [
    'INVOCATION',
    [68, 6131533, 9823526, {}, ['a'], { b: 2 }],
    { type: 68, request: 6131533, registration: 9823526, details: {}, args: ['a'], kwargs: { b: 2 } },
  ],
  ['INTERRUPT', [69, 6131533, { mode: 'kill' }], { type: 69, request: 6131533, options: { mode: 'kill' } }],
  ['YIELD', [70, 6131533, {}, ['done']], { type: 70, request: 6131533, options: {}, args: ['done'] }],
];

/** Extra forms: minimal payloads, trailing Details of revocations. */
const MORE_SAMPLES: Array<[string, unknown[], Record<string, unknown>]> = [
  ['ABORT with Arguments', [3, {}, 'wamp.error.protocol_violation', ['why']], { type: 3, details: {}, reason: 'wamp.error.protocol_violation', args: ['why'] }],
  ['ERROR without payload', [8, 68, 1, {}, 'wamp.error.canceled'], { type: 8, requestType: 68, request: 1, details: {}, error: 'wamp.error.canceled' }],
  ['PUBLISH without payload', [16, 1, {}, 'com.example.t'], { type: 16, request: 1, options: {}, topic: 'com.example.t' }],
  ['EVENT with an empty args list', [36, 1, 2, {}, []], { type: 36, subscription: 1, publication: 2, details: {}, args: [] }],
  ['RESULT without payload', [50, 1, {}], { type: 50, request: 1, details: {} }],
  ['YIELD with kwargs', [70, 1, {}, [], { a: 1 }], { type: 70, request: 1, options: {}, args: [], kwargs: { a: 1 } }],
  [
    'UNSUBSCRIBED revocation (Request 0 + Details)',
    [35, 0, { subscription: 5, reason: 'wamp.error.revoked' }],
    { type: 35, request: 0, details: { subscription: 5, reason: 'wamp.error.revoked' } },
  ],
  ['UNREGISTERED revocation (Request 0 + Details)', [67, 0, { registration: 7 }], { type: 67, request: 0, details: { registration: 7 } }],
  ['ID at the top of the range (2^53)', [33, MAX_ID, MAX_ID], { type: 33, request: MAX_ID, subscription: MAX_ID }],
];

describe('fromList / toList round trips', () => {
  it('there is a sample for every message type code', () => {
    const covered = new Set(SAMPLES.map(([, list]) => list[0]));
    for (const code of Object.values(MessageType)) expect(covered.has(code), `sample for ${messageTypeName(code)}`).toBe(true);
  });

  it.each([...SAMPLES, ...MORE_SAMPLES])('%s: fromList gives the typed message and toList gives the list back', (_name, list, typed) => {
    const message = fromList(structuredClone(list));
    expect(message).toEqual(typed);
    expect(toList(message)).toEqual(list);
    expect(toList(typed as unknown as Message)).toEqual(list);
  });

  it('fromList keeps the values (no copy of payload): args and kwargs are the same objects', () => {
    const args = [{ big: 'x' }];
    const kwargs = { k: [1] };
    const message = fromList([16, 1, {}, 'com.example.t', args, kwargs]) as Extract<Message, { type: 16 }>;
    expect(message.args).toBe(args);
    expect(message.kwargs).toBe(kwargs);
  });

  it('fromList accepts a Details/Options dict with a null prototype', () => {
    const details = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    expect(fromList([2, 1, details])).toEqual({ type: 2, session: 1, details: { a: 1 } });
  });
});

describe('toList payload rules', () => {
  const PAYLOAD_TYPES: Array<[string, Record<string, unknown>]> = [
    ['ABORT', { type: 3, details: {}, reason: 'wamp.error.x' }],
    ['ERROR', { type: 8, requestType: 48, request: 1, details: {}, error: 'com.example.e' }],
    ['PUBLISH', { type: 16, request: 1, options: {}, topic: 'com.example.t' }],
    ['EVENT', { type: 36, subscription: 1, publication: 2, details: {} }],
    ['CALL', { type: 48, request: 1, options: {}, procedure: 'com.example.p' }],
    ['RESULT', { type: 50, request: 1, details: {} }],
    ['INVOCATION', { type: 68, request: 1, registration: 2, details: {} }],
    ['YIELD', { type: 70, request: 1, options: {} }],
  ];
  const fixedLength = (base: Record<string, unknown>) => toList(base as unknown as Message).length;
  const build = (base: Record<string, unknown>, extra: Record<string, unknown>) => toList({ ...base, ...extra } as unknown as Message);

  it.each(PAYLOAD_TYPES)('%s with kwargs only → Arguments is [] (positions are fixed), never null', (_name, base) => {
    const list = build(base, { kwargs: { a: 1 } });
    expect(list.slice(fixedLength(base))).toEqual([[], { a: 1 }]);
  });

  it.each(PAYLOAD_TYPES)('%s with args null and kwargs → [] then kwargs', (_name, base) => {
    expect(build(base, { args: null, kwargs: { a: 1 } }).slice(fixedLength(base))).toEqual([[], { a: 1 }]);
  });

  it.each(PAYLOAD_TYPES)('%s with empty kwargs → kwargs left out', (_name, base) => {
    expect(build(base, { args: [1], kwargs: {} }).slice(fixedLength(base))).toEqual([[1]]);
    expect(build(base, { kwargs: {} }).slice(fixedLength(base))).toEqual([]);
  });

  it.each(PAYLOAD_TYPES)('%s with args and kwargs null or undefined → no payload elements at all', (_name, base) => {
    expect(build(base, { args: null, kwargs: null })).toHaveLength(fixedLength(base));
    expect(build(base, { args: undefined, kwargs: undefined })).toHaveLength(fixedLength(base));
    expect(build(base, {})).not.toContain(null);
  });

  it.each(PAYLOAD_TYPES)('%s with args [] and no kwargs → keeps the empty list', (_name, base) => {
    expect(build(base, { args: [] }).slice(fixedLength(base))).toEqual([[]]);
  });

  it('kwargs whose only keys are inherited count as empty', () => {
    const kwargs = Object.create({ inherited: 1 }) as Record<string, unknown>;
    expect(toList({ type: 50, request: 1, details: {}, args: ['x'], kwargs } as Message)).toEqual([50, 1, {}, ['x']]);
  });

  it('a wire list never holds null or undefined for a Message made by the router', () => {
    for (const [, base] of PAYLOAD_TYPES) {
      for (const extra of [{}, { args: null }, { kwargs: null }, { args: undefined, kwargs: {} }, { kwargs: { a: 1 } }]) {
        const list = build(base, extra);
        expect(list).not.toContain(null);
        expect(list).not.toContain(undefined);
      }
    }
  });
});

describe('fromList error texts', () => {
  const ID = 'an integer ID in 1..2^53';
  const FROM_LIST_ERRORS: Array<[string, unknown, string]> = [
    ['a dict', {}, 'a WAMP message must be a list'],
    ['a number', 42, 'a WAMP message must be a list'],
    ['null', null, 'a WAMP message must be a list'],
    ['a string', '[1]', 'a WAMP message must be a list'],
    ['an empty list', [], 'a WAMP message must not be an empty list'],
    ['type code as string', ['16', 1, {}, 't'], 'the message type (element 0) must be an integer'],
    ['type code 1.5', [1.5, 'r', {}], 'the message type (element 0) must be an integer'],
    ['type code NaN', [NaN], 'the message type (element 0) must be an integer'],
    ['unknown type code 99', [99, 1, {}], 'unknown message type 99'],
    ['unassigned type code 7', [7], 'unknown message type 7'],
    ['negative type code', [-16, 1, {}, 't'], 'unknown message type -16'],
    ['provisional EVENT_RECEIVED 337', [337, 1], 'unknown message type 337'],
    ['SUBSCRIBE with 3 elements', [32, 1, {}], 'SUBSCRIBE must have 4 elements, got 3'],
    ['HELLO with 4 elements', [1, 'realm1', {}, 'x'], 'HELLO must have 3 elements, got 4'],
    ['PUBLISH with 7 elements', [16, 1, {}, 't', [], {}, 'x'], 'PUBLISH must have 4 to 6 elements, got 7'],
    ['PUBLISH with 3 elements', [16, 1, {}], 'PUBLISH must have 4 to 6 elements, got 3'],
    ['ABORT with 2 elements', [3, {}], 'ABORT must have 3 to 5 elements, got 2'],
    ['UNSUBSCRIBED with 4 elements', [35, 0, {}, 'x'], 'UNSUBSCRIBED must have 2 to 3 elements, got 4'],
    ['SUBSCRIBE.Topic a number', [32, 1, {}, 5], 'SUBSCRIBE.Topic must be a string'],
    ['SUBSCRIBE.Options a list', [32, 1, [], 't'], 'SUBSCRIBE.Options must be a dictionary'],
    ['SUBSCRIBE.Options null', [32, 1, null, 't'], 'SUBSCRIBE.Options must be a dictionary'],
    ['SUBSCRIBE.Options a Map', [32, 1, new Map(), 't'], 'SUBSCRIBE.Options must be a dictionary'],
    ['SUBSCRIBE.Options bytes', [32, 1, new Uint8Array(2), 't'], 'SUBSCRIBE.Options must be a dictionary'],
    ['SUBSCRIBE.Options a Date', [32, 1, new Date(), 't'], 'SUBSCRIBE.Options must be a dictionary'],
    ['SUBSCRIBE.Request 0', [32, 0, {}, 't'], `SUBSCRIBE.Request must be ${ID}`],
    ['SUBSCRIBE.Request -1', [32, -1, {}, 't'], `SUBSCRIBE.Request must be ${ID}`],
    ['SUBSCRIBE.Request 1.5', [32, 1.5, {}, 't'], `SUBSCRIBE.Request must be ${ID}`],
    ['SUBSCRIBE.Request 2^53+2', [32, MAX_ID + 2, {}, 't'], `SUBSCRIBE.Request must be ${ID}`],
    ['SUBSCRIBE.Request Infinity', [32, Infinity, {}, 't'], `SUBSCRIBE.Request must be ${ID}`],
    ['SUBSCRIBE.Request a BigInt', [32, 5n, {}, 't'], `SUBSCRIBE.Request must be ${ID}`],
    ['SUBSCRIBE.Request "5"', [32, '5', {}, 't'], `SUBSCRIBE.Request must be ${ID}`],
    ['WELCOME.Session 0', [2, 0, {}], `WELCOME.Session must be ${ID}`],
    ['PUBLISHED.Publication 0', [17, 1, 0], `PUBLISHED.Publication must be ${ID}`],
    ['UNSUBSCRIBED.Request -1', [35, -1], 'UNSUBSCRIBED.Request must be an integer ID in 0..2^53'],
    ['UNSUBSCRIBED.Details a list', [35, 0, []], 'UNSUBSCRIBED.Details must be a dictionary'],
    ['UNREGISTER.Registration "x"', [66, 1, 'x'], `UNREGISTER.Registration must be ${ID}`],
    ['ERROR.REQUEST.Type a string', [8, '48', 1, {}, 'e'], 'ERROR.REQUEST.Type must be an integer'],
    ['ERROR.Error a number', [8, 48, 1, {}, 5], 'ERROR.Error must be a string'],
    ['HELLO.Realm a number', [1, 5, {}], 'HELLO.Realm must be a string'],
    ['HELLO.Details a list', [1, 'realm1', []], 'HELLO.Details must be a dictionary'],
    ['CHALLENGE.AuthMethod null', [4, null, {}], 'CHALLENGE.AuthMethod must be a string'],
    ['AUTHENTICATE.Extra a string', [5, 'sig', 'x'], 'AUTHENTICATE.Extra must be a dictionary'],
    ['GOODBYE.Reason a number', [6, {}, 1], 'GOODBYE.Reason must be a string'],
    ['PUBLISH.Arguments a string (no passthru)', [16, 1, {}, 't', 'x'], 'PUBLISH.Arguments must be a list'],
    ['PUBLISH.Arguments a dict', [16, 1, {}, 't', {}], 'PUBLISH.Arguments must be a list'],
    ['PUBLISH.ArgumentsKw a list', [16, 1, {}, 't', [], []], 'PUBLISH.ArgumentsKw must be a dictionary'],
    ['CALL.ArgumentsKw null', [48, 1, {}, 'p', [], null], 'CALL.ArgumentsKw must be a dictionary'],
    ['YIELD.Arguments null', [70, 1, {}, null], 'YIELD.Arguments must be a list'],
    ['passthru PUBLISH with 2 payload elements', [16, 1, { enc_algo: 'cryptobox' }, 't', 'opaque', {}], 'PUBLISH.Arguments must be a list'],
  ];

  it.each(FROM_LIST_ERRORS.map(([name, list, text]) => [name, text, list] as const))('%s → ProtocolViolation "%s"', (_name, text, list) => {
    let thrown: unknown;
    try {
      fromList(list);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProtocolViolation);
    expect((thrown as ProtocolViolation).message).toBe(text);
    expect((thrown as ProtocolViolation).uri).toBe('wamp.error.protocol_violation');
  });

  it.each([1, Number.MAX_SAFE_INTEGER, MAX_ID])('Request %d is a valid ID', (id) => {
    expect(fromList([32, id, {}, 't'])).toMatchObject({ request: id });
  });

  it('the first bad element is named (Request before Options before Topic)', () => {
    expect(() => fromList([32, 0, null, 5])).toThrow('SUBSCRIBE.Request must be');
    expect(() => fromList([32, 1, null, 5])).toThrow('SUBSCRIBE.Options must be');
  });
});

describe('payload passthru form (advanced/payload_passthru_mode.md)', () => {
  it.each<[string, unknown[]]>([
    ['PUBLISH', [16, 1, { enc_algo: 'cryptobox' }, 'com.example.t', 'opaque']],
    ['CALL', [48, 1, { ppt_scheme: 'mqtt' }, 'com.example.p', 'opaque']],
    ['YIELD', [70, 1, { enc_algo: 'cryptobox' }, 'opaque']],
    ['EVENT', [36, 1, 2, { enc_algo: 'cryptobox' }, 'opaque']],
    ['ERROR', [8, 68, 1, { ppt_scheme: 'x_custom' }, 'com.example.e', 'opaque']],
  ])('%s with one non-list payload element is accepted (without args)', (_name, list) => {
    const message = fromList(list) as unknown as Record<string, unknown>;
    expect(message.type).toBe(list[0]);
    expect(message.args).toBeUndefined();
  });

  it('usesPayloadPassthru is true for enc_algo or ppt_scheme, false otherwise', () => {
    expect(usesPayloadPassthru({ enc_algo: 'cryptobox' })).toBe(true);
    expect(usesPayloadPassthru({ ppt_scheme: 'mqtt' })).toBe(true);
    expect(usesPayloadPassthru({ acknowledge: true })).toBe(false);
    expect(usesPayloadPassthru({})).toBe(false);
  });
});

describe('checkOptions', () => {
  const check = (list: unknown[]) => {
    const message = fromList(list);
    checkOptions(message, messageTypeName(message.type) ?? '');
  };

  const OPTION_ERRORS: Array<[string, unknown[], string]> = [
    ['PUBLISH acknowledge "yes"', [16, 1, { acknowledge: 'yes' }, 't'], 'PUBLISH.Options.acknowledge must be a boolean'],
    ['PUBLISH acknowledge 1', [16, 1, { acknowledge: 1 }, 't'], 'PUBLISH.Options.acknowledge must be a boolean'],
    ['PUBLISH exclude_me null', [16, 1, { exclude_me: null }, 't'], 'PUBLISH.Options.exclude_me must be a boolean'],
    ['PUBLISH exclude [1, "x"]', [16, 1, { exclude: [1, 'x'] }, 't'], 'PUBLISH.Options.exclude must be a list of session IDs'],
    ['PUBLISH exclude [0]', [16, 1, { exclude: [0] }, 't'], 'PUBLISH.Options.exclude must be a list of session IDs'],
    ['PUBLISH eligible 5', [16, 1, { eligible: 5 }, 't'], 'PUBLISH.Options.eligible must be a list of session IDs'],
    ['PUBLISH exclude_authid [1]', [16, 1, { exclude_authid: [1] }, 't'], 'PUBLISH.Options.exclude_authid must be a list of strings'],
    ['PUBLISH eligible_authrole "a"', [16, 1, { eligible_authrole: 'a' }, 't'], 'PUBLISH.Options.eligible_authrole must be a list of strings'],
    ['PUBLISH forward_for "x"', [16, 1, { forward_for: 'x' }, 't'], 'PUBLISH.Options.forward_for must be a list'],
    ['PUBLISH transaction_hash 1', [16, 1, { transaction_hash: 1 }, 't'], 'PUBLISH.Options.transaction_hash must be a string'],
    [
      'PUBLISH enc_algo "rot13"',
      [16, 1, { enc_algo: 'rot13' }, 't', 'opaque'],
      'PUBLISH.Options.enc_algo must be cryptobox, mqtt, xbr or an x_ scheme',
    ],
    ['SUBSCRIBE match "regex"', [32, 1, { match: 'regex' }, 't'], 'SUBSCRIBE.Options.match must be one of exact, prefix, wildcard'],
    ['SUBSCRIBE get_retained "no"', [32, 1, { get_retained: 'no' }, 't'], 'SUBSCRIBE.Options.get_retained must be a boolean'],
    ['CALL timeout -1', [48, 1, { timeout: -1 }, 'p'], 'CALL.Options.timeout must be a non-negative integer'],
    ['CALL timeout 1.5', [48, 1, { timeout: 1.5 }, 'p'], 'CALL.Options.timeout must be a non-negative integer'],
    ['CALL receive_progress "true"', [48, 1, { receive_progress: 'true' }, 'p'], 'CALL.Options.receive_progress must be a boolean'],
    ['REGISTER invoke "all"', [64, 1, { invoke: 'all' }, 'p'], 'REGISTER.Options.invoke must be one of single, roundrobin, random, first, last'],
    ['REGISTER match 1', [64, 1, { match: 1 }, 'p'], 'REGISTER.Options.match must be one of exact, prefix, wildcard'],
    ['YIELD progress "yes"', [70, 1, { progress: 'yes' }], 'YIELD.Options.progress must be a boolean'],
    ['CANCEL mode "abort"', [49, 1, { mode: 'abort' }], 'CANCEL.Options.mode must be one of skip, kill, killnowait'],
    ['ERROR Details.enc_algo 5', [8, 68, 1, { enc_algo: 5 }, 'e', 'opaque'], 'ERROR.Details.enc_algo must be cryptobox, mqtt, xbr or an x_ scheme'],
  ];

  it.each(OPTION_ERRORS.map(([name, list, text]) => [name, text, list] as const))('%s → ProtocolViolation "%s"', (_name, text, list) => {
    expect(() => check(list)).toThrow(ProtocolViolation);
    expect(() => check(list)).toThrow(text);
    try {
      check(list);
    } catch (error) {
      expect((error as Error).message).toBe(text);
    }
  });

  it.each<[string, unknown[]]>([
    ['PUBLISH with every known option well typed', [16, 1, { acknowledge: true, exclude_me: false, exclude: [1, MAX_ID], exclude_authid: ['a'], eligible: [], retain: false, disclose_me: true, forward_for: [] }, 't']],
    ['an undefined value (wampy sends undefined)', [16, 1, { acknowledge: undefined, exclude: undefined }, 't']],
    ['unknown keys of any type', [16, 1, { x_custom: 5, _private: [1], something: null }, 't']],
    ['SUBSCRIBE match prefix', [32, 1, { match: 'prefix' }, 't']],
    ['CALL timeout 0', [48, 1, { timeout: 0 }, 'p']],
    ['CANCEL mode killnowait', [49, 1, { mode: 'killnowait' }]],
    ['REGISTER invoke roundrobin', [64, 1, { invoke: 'roundrobin' }, 'p']],
    ['enc_algo with a custom x_ scheme', [16, 1, { enc_algo: 'x_mine' }, 't', 'opaque']],
    ['HELLO (no option checks)', [1, 'realm1', { roles: 5 }]],
    ['EVENT Details (router→client, not checked)', [36, 1, 2, { publisher: 'not-an-id' }]],
  ])('%s → no violation', (_name, list) => {
    expect(() => check(list)).not.toThrow();
  });

  it('names the message type it is given', () => {
    const message = fromList([16, 1, { acknowledge: 'yes' }, 't']);
    expect(() => checkOptions(message, 'MYTYPE')).toThrow('MYTYPE.Options.acknowledge must be a boolean');
  });
});
