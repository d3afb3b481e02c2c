// JSON Schema fragments for the realm keys `auth` and `roles` and the listener key `auth`
// (router/config-schema.ts puts them in place). Cross references — a principal's role must be
// one of the realm's roles, authids unique — are checked by router/auth/config-check.ts.

const uri = { type: 'string', pattern: '^([^\\s.#]+\\.)*([^\\s.#]+)$' } as const;
const nonEmpty = { type: 'string', minLength: 1 } as const;
const base64 = { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9+/]+={0,2}$' } as const;
const hex64 = { type: 'string', pattern: '^[0-9a-fA-F]{64}$' } as const;

const authenticator = {
  type: 'object',
  additionalProperties: false,
  required: ['procedure'],
  properties: {
    procedure: uri,
    realm: uri,
    timeoutMs: { type: 'integer', minimum: 1, maximum: 600000 },
  },
} as const;

function method(principal: object) {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      principals: { type: 'array', items: principal },
      authenticator,
    },
  } as const;
}

export const AUTH_METHOD_NAMES = ['anonymous', 'ticket', 'wampcra', 'wamp-scram', 'cryptosign'] as const;

/** realms[].auth */
export const REALM_AUTH_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['methods'],
  properties: {
    methods: {
      type: 'object',
      additionalProperties: false,
      properties: {
        anonymous: { type: 'object', additionalProperties: false, properties: { role: nonEmpty } },
        ticket: method({
          type: 'object',
          additionalProperties: false,
          required: ['authid', 'ticket', 'role'],
          properties: { authid: nonEmpty, ticket: nonEmpty, role: nonEmpty },
        }),
        wampcra: method({
          type: 'object',
          additionalProperties: false,
          required: ['authid', 'secret', 'role'],
          properties: {
            authid: nonEmpty,
            secret: nonEmpty,
            role: nonEmpty,
            salt: nonEmpty,
            iterations: { type: 'integer', minimum: 1, maximum: 10000000 },
            keylen: { type: 'integer', minimum: 1, maximum: 1024 },
          },
        }),
        'wamp-scram': method({
          type: 'object',
          additionalProperties: false,
          required: ['authid', 'role'],
          properties: {
            authid: nonEmpty,
            role: nonEmpty,
            kdf: { enum: ['pbkdf2', 'argon2id13'] },
            iterations: { type: 'integer', minimum: 1, maximum: 10000000 },
            memory: { type: 'integer', minimum: 8, maximum: 4194304 },
            salt: base64,
            storedKey: base64,
            serverKey: base64,
            password: nonEmpty,
          },
        }),
        cryptosign: method({
          type: 'object',
          additionalProperties: false,
          required: ['pubkey', 'role'],
          properties: { pubkey: hex64, authid: nonEmpty, role: nonEmpty },
        }),
      },
    },
    challengeTimeoutMs: { type: 'integer', minimum: 1, maximum: 600000 },
    rateLimit: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxFailures: { type: 'integer', minimum: 1 },
        windowMs: { type: 'integer', minimum: 1 },
        blockMs: { type: 'integer', minimum: 1 },
      },
    },
  },
} as const;

const actionFlags = {
  type: 'object',
  additionalProperties: false,
  properties: {
    call: { type: 'boolean' },
    register: { type: 'boolean' },
    publish: { type: 'boolean' },
    subscribe: { type: 'boolean' },
  },
} as const;

/** realms[].roles */
export const ROLES_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: nonEmpty,
      permissions: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['uri', 'allow'],
          properties: {
            uri: { type: 'string', pattern: '^[^\\s#]*$' },
            match: { enum: ['exact', 'prefix', 'wildcard'] },
            allow: actionFlags,
            disclose: {
              type: 'object',
              additionalProperties: false,
              properties: { caller: { type: 'boolean' }, publisher: { type: 'boolean' } },
            },
          },
        },
      },
      authorizer: {
        type: 'object',
        additionalProperties: false,
        required: ['procedure'],
        properties: {
          procedure: uri,
          timeoutMs: { type: 'integer', minimum: 1, maximum: 600000 },
          onError: { enum: ['deny', 'allow'] },
        },
      },
      authextra: { type: 'object' },
    },
  },
} as const;

/** listeners[].auth */
export const LISTENER_AUTH_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    methods: { type: 'array', minItems: 1, items: { enum: [...AUTH_METHOD_NAMES] } },
  },
} as const;

/** listeners[].trustProxy: the connecting peer is a reverse proxy; the client is in X-Forwarded-For. */
export const TRUST_PROXY_SCHEMA = { type: 'boolean' } as const;
