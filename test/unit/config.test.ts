// Config validation (router/config-schema.ts: every problem with its JSON path, all at once)
// and defaults (router/config.ts: one DEFAULTS object, merged one level deep).
import { describe, expect, it } from 'vitest';
import { ConfigError, CONFIG_SCHEMA, validateConfig } from '../../router/config-schema.js';
import { DEFAULTS, DEFAULT_LISTENER, withDefaults } from '../../router/config.js';
import { createRouter } from '../../router/index.js';

/** The problems validateConfig reports for `value` (fails the test when it accepts it). */
function problemsOf(value: unknown): string[] {
  try {
    validateConfig(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`config was accepted: ${JSON.stringify(value)}`);
}

/**
 * A type problem. The README promises "realms[0].name: must be a string"; for the other JSON types
 * the article is left open ("must be an integer" or ajv's bare "must be integer").
 */
function typeProblem(path: string, type: string): unknown {
  if (type === 'string') return `${path}: must be a string`;
  const escaped = path.replace(/[[\]().]/g, '\\$&');
  return expect.stringMatching(new RegExp(`^${escaped}: must be (an? )?${type}$`));
}

/** A test-name label for an expected problem (a string or a stringMatching matcher). */
function label(expected: unknown): string {
  return typeof expected === 'string' ? expected : String((expected as { sample?: unknown }).sample ?? expected);
}

describe('validateConfig: valid configs', () => {
  it.each<[string, unknown]>([
    ['an empty object', {}],
    ['the README example', {
      listeners: [{ type: 'websocket', host: '127.0.0.1', port: 8080, path: '/ws', maxMessageSize: 16777216, helloTimeoutMs: 10000 }],
      realms: [{ name: 'realm1', uriCheck: 'loose' }],
      log: { level: 'info' },
    }],
    ['a $schema key', { $schema: './sprocket.schema.json' }],
    ['port 0 and 65535', { listeners: [{ type: 'websocket', port: 0 }, { type: 'websocket', port: 65535 }] }],
    ['maxMessageSize at its minimum 1024', { listeners: [{ type: 'websocket', maxMessageSize: 1024 }] }],
    ['several realms, strict URIs', { realms: [{ name: 'realm1' }, { name: 'com.example.app', uriCheck: 'strict' }] }],
    ['log level silent', { log: { level: 'silent' } }],
  ])('%s is accepted and returned as is', (_name, value) => {
    expect(validateConfig(value)).toBe(value);
  });
});

describe('validateConfig: problems name the JSON path and the rule', () => {
  it.each(
    (
      [
    ['realms[0].name a number', { realms: [{ name: 5 }] }, ['realms[0].name: must be a string']],
    ['realms[1].name not a URI', { realms: [{ name: 'ok' }, { name: 'a..b' }] }, ['realms[1].name: must be a valid URI']],
    ['realms[0].name missing', { realms: [{}] }, ["realms[0]: must have required property 'name'"]],
    ['realms empty', { realms: [] }, ['realms: must NOT have fewer than 1 items']],
    ['realms not a list', { realms: { name: 'realm1' } }, [typeProblem('realms', 'array')]],
    ['unknown root key', { realm: 'realm1' }, ['(root): unknown key "realm"']],
    ['unknown realm key', { realms: [{ name: 'realm1', authentication: {} }] }, ['realms[0]: unknown key "authentication"']],
    ['unknown listener key', { listeners: [{ type: 'websocket', prot: 80 }] }, ['listeners[0]: unknown key "prot"']],
    ['unknown log key', { log: { level: 'info', pretty: true } }, ['log: unknown key "pretty"']],
    ['port 65536', { listeners: [{ type: 'websocket', port: 65536 }] }, ['listeners[0].port: must be <= 65535']],
    ['port -1', { listeners: [{ type: 'websocket', port: -1 }] }, ['listeners[0].port: must be >= 0']],
    ['port "8080"', { listeners: [{ type: 'websocket', port: '8080' }] }, [typeProblem('listeners[0].port', 'integer')]],
    ['port 80.5', { listeners: [{ type: 'websocket', port: 80.5 }] }, [typeProblem('listeners[0].port', 'integer')]],
    ['listener without type', { listeners: [{ port: 1 }] }, ["listeners[0]: must have required property 'type'"]],
    ['listener type longpoll', { listeners: [{ type: 'longpoll' }] }, ['listeners[0].type: must be one of "websocket", "rawsocket"']],
    ['path without leading slash', { listeners: [{ type: 'websocket', path: 'ws' }] }, ['listeners[0].path: must match ^/']],
    ['host empty', { listeners: [{ type: 'websocket', host: '' }] }, ['listeners[0].host: must NOT have fewer than 1 characters']],
    ['maxMessageSize 1023', { listeners: [{ type: 'websocket', maxMessageSize: 1023 }] }, ['listeners[0].maxMessageSize: must be >= 1024']],
    ['helloTimeoutMs 0', { listeners: [{ type: 'websocket', helloTimeoutMs: 0 }] }, ['listeners[0].helloTimeoutMs: must be >= 1']],
    ['listeners empty', { listeners: [] }, ['listeners: must NOT have fewer than 1 items']],
    ['uriCheck "medium"', { realms: [{ name: 'realm1', uriCheck: 'medium' }] }, ['realms[0].uriCheck: must be one of "loose", "strict"']],
    [
      'log.level "loud"',
      { log: { level: 'loud' } },
      ['log.level: must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent"'],
    ],
    ['root not an object', [], [typeProblem('(root)', 'object')]],
    ['root null', null, [typeProblem('(root)', 'object')]],
      ] as Array<[string, unknown, unknown[]]>
    ).map(([name, value, expected]) => [`${name} → ${expected.map(label).join(' | ')}`, value, expected] as const),
  )(
    '%s',
    (_name, value, expected) => {
      expect(problemsOf(value)).toEqual(expected);
    },
  );

  it('reports every problem at once (allErrors), each on its own line of the message', () => {
    const error = (() => {
      try {
        validateConfig({
          listeners: [{ type: 'websocket', port: 70000, path: 'ws' }],
          realms: [{ name: 'a..b' }, { name: 'realm2', uriCheck: 'medium' }],
          log: { level: 'loud' },
          extra: true,
        });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
    expect([...error.problems].sort()).toEqual(
      [
        '(root): unknown key "extra"',
        'listeners[0].port: must be <= 65535',
        'listeners[0].path: must match ^/',
        'realms[0].name: must be a valid URI',
        'realms[1].uriCheck: must be one of "loose", "strict"',
        'log.level: must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent"',
      ].sort(),
    );
    expect(error.message.split('\n')[0]).toBe('invalid configuration:');
    for (const problem of error.problems) expect(error.message).toContain(`\n  ${problem}`);
  });

  it('two unknown keys in one object are both reported', () => {
    expect(problemsOf({ realms: [{ name: 'r', a: 1, b: 2 }] }).sort()).toEqual(['realms[0]: unknown key "a"', 'realms[0]: unknown key "b"']);
  });

  it('CONFIG_SCHEMA is a closed JSON Schema object (additionalProperties false at the root)', () => {
    expect(CONFIG_SCHEMA.type).toBe('object');
    expect(CONFIG_SCHEMA.additionalProperties).toBe(false);
  });
});

describe('withDefaults', () => {
  it('an empty input gives DEFAULTS: one websocket listener on 127.0.0.1:8080/ws, realm1, log info', () => {
    const config = withDefaults({});
    expect(config).toEqual(DEFAULTS);
    expect(config.listeners).toEqual([
      { type: 'websocket', host: '127.0.0.1', port: 8080, path: '/ws', maxMessageSize: 16 * 1024 * 1024, helloTimeoutMs: 10_000 },
    ]);
    expect(config.realms).toEqual([{ name: 'realm1' }]);
    expect(config.log).toEqual({ level: 'info' });
  });

  it('each listener is filled from DEFAULT_LISTENER; given keys win', () => {
    const config = withDefaults({ listeners: [{ port: 0 }, { type: 'websocket', host: '0.0.0.0', path: '/wamp', maxMessageSize: 2048 }] });
    expect(config.listeners).toEqual([
      { ...DEFAULT_LISTENER, port: 0 },
      { ...DEFAULT_LISTENER, host: '0.0.0.0', path: '/wamp', maxMessageSize: 2048 },
    ]);
  });

  it('given realms replace the default realm', () => {
    expect(withDefaults({ realms: [{ name: 'com.example' }] }).realms).toEqual([{ name: 'com.example' }]);
  });

  it('log is merged with the default level', () => {
    expect(withDefaults({ log: {} }).log).toEqual({ level: 'info' });
    expect(withDefaults({ log: { level: 'debug' } }).log).toEqual({ level: 'debug' });
  });

  it('the result does not share objects with DEFAULTS (mutating it leaves DEFAULTS alone)', () => {
    const config = withDefaults({});
    config.listeners[0].port = 1;
    config.realms[0].name = 'changed';
    config.log.level = 'trace';
    expect(DEFAULTS.listeners[0].port).toBe(8080);
    expect(DEFAULT_LISTENER.port).toBe(8080);
    expect(DEFAULTS.realms[0].name).toBe('realm1');
    expect(DEFAULTS.log.level).toBe('info');
  });
});

describe('createRouter', () => {
  it('throws ConfigError for a bad config, before listening', () => {
    expect(() => createRouter({ realms: [{ name: 5 as unknown as string }] })).toThrow(ConfigError);
    try {
      createRouter({ log: { level: 'silent' }, listeners: [{ type: 'websocket', port: 99999 }] });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual(['listeners[0].port: must be <= 65535']);
    }
  });

  it('accepts a good config and exposes it with defaults filled in', () => {
    const router = createRouter({ log: { level: 'silent' }, listeners: [{ type: 'websocket', port: 0 }], realms: [{ name: 'realm1', uriCheck: 'strict' }] });
    expect(router.config.listeners[0]).toEqual({ ...DEFAULT_LISTENER, port: 0 });
    expect(router.config.realms).toEqual([{ name: 'realm1', uriCheck: 'strict' }]);
    expect(router.config.log.level).toBe('silent');
  });

  it('the logger option is not part of the validated config', () => {
    const logger = { level: 'silent', child: () => logger, info() {}, debug() {}, warn() {}, error() {}, fatal() {}, trace() {} };
    expect(() => createRouter({ logger: logger as never, log: { level: 'silent' } })).not.toThrow();
  });
});
