// Checks of `auth` and `roles` that a JSON Schema cannot express: references between keys
// (a principal's role must be a configured role), duplicates, and combinations (a salted
// WAMP-SCRAM credential needs all its parts). Each problem names its JSON path.
import { isValidUri } from '../../realms/protocol/uri-check.js';
import type { RealmAuthConfig, RoleConfig } from './config.js';

interface RealmLike {
  name?: unknown;
  auth?: RealmAuthConfig;
  roles?: RoleConfig[];
  allowDisclosure?: boolean;
}

/** Problems in the realms' `auth` and `roles` (empty when all is well). Runs after the schema passed. */
export function checkAuthConfig(config: { realms?: unknown }): string[] {
  const problems: string[] = [];
  const realms = Array.isArray(config.realms) ? (config.realms as RealmLike[]) : [];
  const realmNames = new Set(realms.map((realm) => realm.name));
  realms.forEach((realm, index) => {
    const at = `realms[${index}]`;
    checkRoles(realm, at, problems);
    checkAuth(realm, at, realmNames, problems);
  });
  return problems;
}

function checkRoles(realm: RealmLike, at: string, problems: string[]): void {
  const seen = new Set<string>();
  (realm.roles ?? []).forEach((role, r) => {
    const path = `${at}.roles[${r}]`;
    if (seen.has(role.name)) problems.push(`${path}.name: duplicate role "${role.name}"`);
    seen.add(role.name);
    const rules = new Set<string>();
    (role.permissions ?? []).forEach((rule, p) => {
      const rulePath = `${path}.permissions[${p}]`;
      const match = rule.match ?? 'exact';
      const key = `${match} ${rule.uri}`;
      if (rules.has(key)) problems.push(`${rulePath}: duplicate rule for "${rule.uri}" (match ${match}) in role "${role.name}"`);
      rules.add(key);
      const valid = match === 'prefix' && rule.uri === '' ? true : isValidUri(rule.uri, 'loose', match);
      if (!valid) problems.push(`${rulePath}.uri: "${rule.uri}" is not a valid ${match === 'exact' ? 'URI' : `${match} pattern`}`);
      if (realm.allowDisclosure === false && (rule.disclose?.caller === true || rule.disclose?.publisher === true)) {
        problems.push(`${rulePath}.disclose: the realm sets allowDisclosure: false, so no rule may disclose callers or publishers`);
      }
    });
  });
}

function checkAuth(realm: RealmLike, at: string, realmNames: Set<unknown>, problems: string[]): void {
  const auth = realm.auth;
  if (auth === undefined) return;
  const methods = auth.methods;
  const base = `${at}.auth.methods`;
  if (Object.keys(methods).length === 0) problems.push(`${base}: must allow at least one method`);
  const roles = realm.roles === undefined ? undefined : new Set(realm.roles.map((role) => role.name));
  const roleExists = (role: string, path: string): void => {
    if (roles !== undefined && !roles.has(role)) problems.push(`${path}: role "${role}" is not defined in ${at}.roles`);
  };
  if (methods.anonymous !== undefined) roleExists(methods.anonymous.role ?? 'anonymous', `${base}.anonymous.role`);

  const principals = <T extends { role: string }>(name: string, list: T[] | undefined, keyOf: (p: T) => string, keyName: string): void => {
    const seen = new Set<string>();
    (list ?? []).forEach((principal, i) => {
      const path = `${base}.${name}.principals[${i}]`;
      roleExists(principal.role, `${path}.role`);
      const key = keyOf(principal);
      if (seen.has(key)) problems.push(`${path}.${keyName}: duplicate ${keyName} "${key}"`);
      seen.add(key);
    });
  };
  principals('ticket', methods.ticket?.principals, (p) => p.authid, 'authid');
  principals('wampcra', methods.wampcra?.principals, (p) => p.authid, 'authid');
  principals('wamp-scram', methods['wamp-scram']?.principals, (p) => p.authid, 'authid');
  principals('cryptosign', methods.cryptosign?.principals, (p) => p.pubkey.toLowerCase(), 'pubkey');

  (methods.wampcra?.principals ?? []).forEach((principal, i) => {
    const path = `${base}.wampcra.principals[${i}]`;
    if (principal.salt === undefined && (principal.iterations !== undefined || principal.keylen !== undefined)) {
      problems.push(`${path}: iterations and keylen belong to a salted secret; add salt (and give the derived key as secret)`);
    }
  });

  (methods['wamp-scram']?.principals ?? []).forEach((principal, i) => {
    const path = `${base}.wamp-scram.principals[${i}]`;
    const stored = [principal.salt, principal.storedKey, principal.serverKey];
    const kdf = principal.kdf ?? 'pbkdf2';
    if (principal.password !== undefined) {
      if (principal.storedKey !== undefined || principal.serverKey !== undefined) problems.push(`${path}: give either password or storedKey/serverKey, not both`);
      if (kdf !== 'pbkdf2') problems.push(`${path}.kdf: the router derives credentials from a password with pbkdf2 only; give argon2id13 credentials as salt, storedKey and serverKey`);
    } else if (stored.some((value) => value === undefined)) {
      problems.push(`${path}: needs either password, or salt, storedKey and serverKey (base64) with kdf and iterations`);
    } else if (principal.iterations === undefined) {
      problems.push(`${path}.iterations: required with storedKey/serverKey (the KDF cost they were derived with)`);
    }
    if (kdf === 'argon2id13' && principal.memory === undefined) problems.push(`${path}.memory: required for kdf argon2id13 (KiB)`);
    if (kdf !== 'argon2id13' && principal.memory !== undefined) problems.push(`${path}.memory: only for kdf argon2id13`);
  });

  for (const name of ['ticket', 'wampcra', 'wamp-scram', 'cryptosign'] as const) {
    const dynamic = methods[name]?.authenticator;
    if (dynamic?.realm !== undefined && !realmNames.has(dynamic.realm)) {
      problems.push(`${base}.${name}.authenticator.realm: no realm "${dynamic.realm}" is configured`);
    }
  }
}
