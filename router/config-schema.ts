// The config file's JSON Schema and its validator. Every error names the JSON path and the
// rule ("realms[0].name: must be a string") so a user can fix the file without guessing.
import { Ajv, type ErrorObject } from 'ajv';
import type { RouterConfigInput } from './config.js';

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
          type: { enum: ['websocket'] },
          host: { type: 'string', minLength: 1 },
          port: { type: 'integer', minimum: 0, maximum: 65535 },
          path: { type: 'string', pattern: '^/' },
          maxMessageSize: { type: 'integer', minimum: 1024, maximum: 1073741824 },
          helloTimeoutMs: { type: 'integer', minimum: 1 },
        },
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
    case 'pattern':
      return `${path}: ${path.endsWith('name') ? 'must be a valid URI' : `must match ${String(params.pattern)}`}`;
    default:
      return `${path}: ${error.message ?? error.keyword}`;
  }
}

/** Validates a parsed config file; throws ConfigError listing every problem. */
export function validateConfig(value: unknown): RouterConfigInput {
  if (validate(value)) return value as RouterConfigInput;
  throw new ConfigError((validate.errors ?? []).map(describe));
}
