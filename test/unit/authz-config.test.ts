// The config keys of issue 5 (realm `auth` and `roles`, listener `auth` and `trustProxy`):
// accepted shapes, and every problem reported with its JSON path.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../router/config-schema.js';
import { createRouter } from '../../router/index.js';

function problemsOf(value: unknown): string[] {
  try {
    validateConfig(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`config was accepted: ${JSON.stringify(value)}`);
}

const KEY = 'a'.repeat(64);

/** The complete example of README.md (auth section) (its first JSON block), as the README section shows it. */
export const DOCS_EXAMPLE = JSON.parse(
  /```json\n(\{\n  "listeners"[\s\S]*?)\n```/.exec(readFileSync(new URL('../../README.md', import.meta.url), 'utf8').split('## Authentication and authorization')[1])?.[1] ?? 'null',
) as { listeners: unknown[]; realms: Array<{ roles?: unknown[] }> };

describe('valid auth configs', () => {
  it.each<[string, unknown]>([
    ['the README.md (auth section) example', DOCS_EXAMPLE],
    ['every method with principals', {
      realms: [{
        name: 'realm1',
        auth: {
          methods: {
            anonymous: {},
            ticket: { principals: [{ authid: 'a', ticket: 't', role: 'user' }] },
            wampcra: { principals: [{ authid: 'b', secret: 's', role: 'user' }, { authid: 'c', secret: 'k', role: 'user', salt: 'salt', iterations: 100, keylen: 32 }] },
            'wamp-scram': { principals: [
              { authid: 'd', role: 'user', password: 'pw' },
              { authid: 'e', role: 'user', kdf: 'pbkdf2', iterations: 4096, salt: 'c2FsdA==', storedKey: 'c3Q=', serverKey: 'c2s=' },
              { authid: 'f', role: 'user', kdf: 'argon2id13', iterations: 2, memory: 512, salt: 'c2FsdA==', storedKey: 'c3Q=', serverKey: 'c2s=' },
            ] },
            cryptosign: { principals: [{ pubkey: KEY, role: 'user' }, { pubkey: 'b'.repeat(64), authid: 'g', role: 'user' }] },
          },
        },
        roles: [{ name: 'user' }, { name: 'anonymous' }],
      }],
    }],
    ['dynamic authenticators only', { realms: [{ name: 'r', auth: { methods: { ticket: { authenticator: { procedure: 'com.auth' } }, cryptosign: { authenticator: { procedure: 'com.auth', realm: 'r' } } } } }] }],
    ['a role with a dynamic authorizer', { realms: [{ name: 'r', roles: [{ name: 'u', authorizer: { procedure: 'com.authorize', timeoutMs: 500, onError: 'allow' } }] }] }],
    ['auth without roles (allow all)', { realms: [{ name: 'r', auth: { methods: { ticket: { principals: [{ authid: 'a', ticket: 't', role: 'anything' }] } } } }] }],
  ])('%s is accepted', (_name, value) => {
    expect(validateConfig(value)).toBe(value);
  });

  it('the README.md (auth section) example starts a router', () => {
    const router = createRouter({ ...(DOCS_EXAMPLE as object), log: { level: 'silent' } });
    expect(router.config.realms[0].roles?.length).toBe(2);
    expect(router.config.listeners.length).toBe(2);
  });
});

describe('problems name the JSON path', () => {
  it.each<[string, unknown, string[]]>([
    ['an unknown method', { realms: [{ name: 'r', auth: { methods: { oauth: {} } } }] }, ['realms[0].auth.methods: unknown key "oauth"']],
    ['auth without methods', { realms: [{ name: 'r', auth: {} }] }, ["realms[0].auth: must have required property 'methods'"]],
    ['no method at all', { realms: [{ name: 'r', auth: { methods: {} } }] }, ['realms[0].auth.methods: must allow at least one method']],
    ['a ticket principal without ticket', { realms: [{ name: 'r', auth: { methods: { ticket: { principals: [{ authid: 'a', role: 'u' }] } } } }] },
      ["realms[0].auth.methods.ticket.principals[0]: must have required property 'ticket'"]],
    ['a principal role that is not a configured role', { realms: [{ name: 'r', auth: { methods: { ticket: { principals: [{ authid: 'a', ticket: 't', role: 'admin' }] } } }, roles: [{ name: 'user' }] }] },
      ['realms[0].auth.methods.ticket.principals[0].role: role "admin" is not defined in realms[0].roles']],
    ['the anonymous role missing from roles', { realms: [{ name: 'r', auth: { methods: { anonymous: {} } }, roles: [{ name: 'user' }] }] },
      ['realms[0].auth.methods.anonymous.role: role "anonymous" is not defined in realms[0].roles']],
    ['a duplicate authid', { realms: [{ name: 'r', auth: { methods: { wampcra: { principals: [{ authid: 'a', secret: 's', role: 'u' }, { authid: 'a', secret: 't', role: 'u' }] } } } }] },
      ['realms[0].auth.methods.wampcra.principals[1].authid: duplicate authid "a"']],
    ['a duplicate public key (any case)', { realms: [{ name: 'r', auth: { methods: { cryptosign: { principals: [{ pubkey: KEY, role: 'u' }, { pubkey: KEY.toUpperCase(), role: 'u' }] } } } }] },
      [`realms[0].auth.methods.cryptosign.principals[1].pubkey: duplicate pubkey "${KEY}"`]],
    ['a public key that is not 64 hex characters', { realms: [{ name: 'r', auth: { methods: { cryptosign: { principals: [{ pubkey: 'abc', role: 'u' }] } } } }] },
      ['realms[0].auth.methods.cryptosign.principals[0].pubkey: must match ^[0-9a-fA-F]{64}$']],
    ['wampcra iterations without salt', { realms: [{ name: 'r', auth: { methods: { wampcra: { principals: [{ authid: 'a', secret: 's', role: 'u', iterations: 10 }] } } } }] },
      ['realms[0].auth.methods.wampcra.principals[0]: iterations and keylen belong to a salted secret; add salt (and give the derived key as secret)']],
    ['a scram principal with neither password nor stored keys', { realms: [{ name: 'r', auth: { methods: { 'wamp-scram': { principals: [{ authid: 'a', role: 'u' }] } } } }] },
      ['realms[0].auth.methods.wamp-scram.principals[0]: needs either password, or salt, storedKey and serverKey (base64) with kdf and iterations']],
    ['an argon2id13 scram principal without memory', { realms: [{ name: 'r', auth: { methods: { 'wamp-scram': { principals: [{ authid: 'a', role: 'u', kdf: 'argon2id13', iterations: 2, salt: 'c2E=', storedKey: 'c3Q=', serverKey: 'c2s=' }] } } } }] },
      ['realms[0].auth.methods.wamp-scram.principals[0].memory: required for kdf argon2id13 (KiB)']],
    ['an argon2id13 password', { realms: [{ name: 'r', auth: { methods: { 'wamp-scram': { principals: [{ authid: 'a', role: 'u', kdf: 'argon2id13', memory: 512, password: 'p' }] } } } }] },
      ['realms[0].auth.methods.wamp-scram.principals[0].kdf: the router derives credentials from a password with pbkdf2 only; give argon2id13 credentials as salt, storedKey and serverKey']],
    ['an authenticator in an unknown realm', { realms: [{ name: 'r', auth: { methods: { ticket: { authenticator: { procedure: 'com.auth', realm: 'nowhere' } } } } }] },
      ['realms[0].auth.methods.ticket.authenticator.realm: no realm "nowhere" is configured']],
    ['an authenticator without procedure', { realms: [{ name: 'r', auth: { methods: { ticket: { authenticator: {} } } } }] },
      ["realms[0].auth.methods.ticket.authenticator: must have required property 'procedure'"]],
    ['a rateLimit of 0 failures', { realms: [{ name: 'r', auth: { methods: { anonymous: {} }, rateLimit: { maxFailures: 0 } } }] }, ['realms[0].auth.rateLimit.maxFailures: must be >= 1']],
    ['a duplicate role', { realms: [{ name: 'r', roles: [{ name: 'u' }, { name: 'u' }] }] }, ['realms[0].roles[1].name: duplicate role "u"']],
    ['a rule without allow', { realms: [{ name: 'r', roles: [{ name: 'u', permissions: [{ uri: 'com.x' }] }] }] }, ["realms[0].roles[0].permissions[0]: must have required property 'allow'"]],
    ['an unknown action', { realms: [{ name: 'r', roles: [{ name: 'u', permissions: [{ uri: 'com.x', allow: { delete: true } }] }] }] }, ['realms[0].roles[0].permissions[0].allow: unknown key "delete"']],
    ['an exact rule with an empty component', { realms: [{ name: 'r', roles: [{ name: 'u', permissions: [{ uri: 'com..x', allow: {} }] }] }] }, ['realms[0].roles[0].permissions[0].uri: "com..x" is not a valid URI']],
    ['two rules for one URI and match', { realms: [{ name: 'r', roles: [{ name: 'u', permissions: [{ uri: 'com.', match: 'prefix', allow: {} }, { uri: 'com.', match: 'prefix', allow: { call: true } }] }] }] },
      ['realms[0].roles[0].permissions[1]: duplicate rule for "com." (match prefix) in role "u"']],
    ['disclose in a realm with allowDisclosure false', { realms: [{ name: 'r', allowDisclosure: false, roles: [{ name: 'u', permissions: [{ uri: 'com.x', allow: { call: true }, disclose: { caller: true } }] }] }] },
      ['realms[0].roles[0].permissions[0].disclose: the realm sets allowDisclosure: false, so no rule may disclose callers or publishers']],
    ['an authorizer onError that is not deny/allow', { realms: [{ name: 'r', roles: [{ name: 'u', authorizer: { procedure: 'com.a', onError: 'maybe' } }] }] },
      ['realms[0].roles[0].authorizer.onError: must be one of "deny", "allow"']],
    ['a listener method that does not exist', { listeners: [{ type: 'websocket', auth: { methods: ['kerberos'] } }] },
      ['listeners[0].auth.methods[0]: must be one of "anonymous", "ticket", "wampcra", "wamp-scram", "cryptosign"']],
    ['trustProxy not a boolean', { listeners: [{ type: 'websocket', trustProxy: 'yes' }] }, ['listeners[0].trustProxy: must be a boolean']],
  ])('%s', (_name, value, expected) => {
    expect(problemsOf(value)).toEqual(expected);
  });
});
