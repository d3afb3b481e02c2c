// The config file's JSON Schema and its validator. Every error names the JSON path and the
// rule ("realms[0].name: must be a string") so a user can fix the file without guessing.
import { Ajv, type ErrorObject } from 'ajv';
import type { RouterConfigInput } from './config.js';
// issue 5: authentication and authorization keys (router/auth/config-schema.ts, config-check.ts)
import { LISTENER_AUTH_SCHEMA, REALM_AUTH_SCHEMA, ROLES_SCHEMA, TRUST_PROXY_SCHEMA } from './auth/config-schema.js';
import { checkAuthConfig } from './auth/config-check.js';

const uri = { type: 'string', pattern: '^([^\\s.#]+\\.)*([^\\s.#]+)$' };

export const CONFIG_SCHEMA = {
  $id: 'https://sprocket.dev/config.schema.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    listeners: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['type'],
        properties: {
          type: { enum: ['websocket', 'rawsocket'] },
          host: { type: 'string', minLength: 1 },
          port: { type: 'integer', minimum: 0, maximum: 65535 },
          path: { type: 'string', pattern: '^/' },
          maxMessageSize: { type: 'integer', minimum: 1024, maximum: 1073741824 },
          helloTimeoutMs: { type: 'integer', minimum: 1 },
          // ── HTTP side of a WebSocket listener (router/http, README, "The HTTP side of a listener") ──
          web: {
            anyOf: [
              { const: false },
              { type: 'object', additionalProperties: false, properties: { root: { type: 'string', minLength: 1 } } },
            ],
          },
          health: { type: 'boolean' },
          metrics: { type: 'boolean' },
          bridge: {
            type: 'object',
            additionalProperties: false,
            required: ['realm', 'tokens'],
            properties: {
              realm: uri,
              authrole: { type: 'string', minLength: 1 },
              tokens: { type: 'array', minItems: 1, items: { type: 'string', minLength: 16 } },
              hmacSecret: { type: 'string', minLength: 16 },
              maxBodySize: { type: 'integer', minimum: 1, maximum: 1073741824 },
              callTimeoutMs: { type: 'integer', minimum: 0 },
            },
          },
          allowedOrigins: { type: 'array', items: { type: 'string', pattern: '^(\\*|https?://[^/\\s]+)$' } },
          // ── end HTTP side ──
          // ── RawSocket and TLS listeners (issue 6, transports) ──
          unixPath: { type: 'string', minLength: 1 },
          maxConnections: { type: 'integer', minimum: 1 },
          minClientMessageSize: { type: 'integer', minimum: 512, maximum: 16777216 },
          tls: {
            type: 'object',
            additionalProperties: false,
            required: ['cert', 'key'],
            properties: {
              cert: { type: 'string', minLength: 1 },
              key: { type: 'string', minLength: 1 },
              ca: { type: 'string', minLength: 1 },
              requestClientCert: { type: 'boolean' },
            },
          },
          // ── authentication (issue 5, README, "Authentication and authorization") ──
          auth: LISTENER_AUTH_SCHEMA,
          trustProxy: TRUST_PROXY_SCHEMA,
        },
        // Keys of one listener type are refused on the other, so a misplaced key is never silently ignored.
        allOf: [
          {
            if: { properties: { type: { const: 'rawsocket' } } },
            then: { properties: { path: false } },
          },
          // HTTP side (router/http): only a WebSocket listener has an HTTP server.
          {
            if: { properties: { type: { const: 'rawsocket' } } },
            then: { properties: { web: false, health: false, metrics: false, bridge: false, allowedOrigins: false } },
          },
          {
            if: { properties: { type: { const: 'websocket' } } },
            then: { properties: { unixPath: false, maxConnections: false, minClientMessageSize: false } },
          },
          // issue 5: X-Forwarded-For exists only on WebSocket (HTTP) connections.
          {
            if: { properties: { type: { const: 'rawsocket' } } },
            then: { properties: { trustProxy: false } },
          },
        ],
        // ── end RawSocket and TLS listeners ──
      },
    },
    realms: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: uri,
          uriCheck: { enum: ['loose', 'strict'] },
          allowDisclosure: { type: 'boolean' },
          history: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['topic', 'limit'],
              properties: {
                topic: { type: 'string', minLength: 1 },
                match: { enum: ['exact', 'prefix', 'wildcard'] },
                limit: { type: 'integer', minimum: 1, maximum: 1000000 },
              },
            },
          },
          metaApi: {
            type: 'object',
            additionalProperties: false,
            properties: {
              enabled: { type: 'boolean' },
              disable: { type: 'array', items: uri },
              allowKill: { type: 'array', items: { type: 'string', minLength: 1 } },
            },
          },
          limits: {
            type: 'object',
            additionalProperties: false,
            properties: {
              maxCallsPerCaller: { type: 'integer', minimum: 1 },
              maxCallsPerCallee: { type: 'integer', minimum: 1 },
            },
          },
          // ── authentication and authorization (issue 5, README, "Authentication and authorization") ──
          auth: REALM_AUTH_SCHEMA,
          roles: ROLES_SCHEMA,
        },
      },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      properties: {
        level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
      },
    },
  },
} as const;

/** A config that does not match the schema; `problems` has one line per error. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(CONFIG_SCHEMA);

/** "/realms/0/name" → "realms[0].name" */
function jsonPath(instancePath: string): string {
  if (instancePath === '') return '(root)';
  return instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path === '' ? part : `${path}.${part}`), '');
}

function describe(error: ErrorObject): string {
  const path = jsonPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${path}: unknown key "${String(params.additionalProperty)}"`;
    case 'enum':
      return `${path}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type': {
      const type = String(params.type);
      return `${path}: must be ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
    }
    case 'false schema':
      return `${path}: not allowed for this listener type`;
    case 'pattern':
      return `${path}: ${path.endsWith('name') ? 'must be a valid URI' : `must match ${String(params.pattern)}`}`;
    default:
      return `${path}: ${error.message ?? error.keyword}`;
  }
}

/** Validates a parsed config file; throws ConfigError listing every problem. */
export function validateConfig(value: unknown): RouterConfigInput {
  if (validate(value)) {
    // issue 5: references the schema cannot express (roles of principals, duplicates)
    const problems = checkAuthConfig(value as { realms?: unknown });
    if (problems.length > 0) throw new ConfigError(problems);
    return value as RouterConfigInput;
  }
  // an `if`/`then` failure is explained by the error of the rule inside `then`
  throw new ConfigError((validate.errors ?? []).filter((error) => error.keyword !== 'if').map(describe));
}
