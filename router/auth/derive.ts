// Key derivations an operator needs to write a config (README, "Authentication and authorization"), with Node's crypto only.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { AUTH_DEFAULTS } from './config.js';

/**
 * The `secret` of a salted WAMP-CRA principal: base64(PBKDF2-HMAC-SHA256(password, salt,
 * iterations, keylen)), the salt taken as UTF-8 text — what AutobahnJS, wampy and Autobahn|Python
 * derive on their side before signing.
 */
export function deriveCraKey(password: string, salt: string, iterations: number = AUTH_DEFAULTS.craIterations, keylen: number = AUTH_DEFAULTS.craKeylen): string {
  return pbkdf2Sync(password, salt, iterations, keylen, 'sha256').toString('base64');
}

/** A WAMP-SCRAM credential: what the server stores instead of the password. All base64. */
export interface ScramCredential {
  kdf: 'pbkdf2';
  iterations: number;
  salt: string;
  storedKey: string;
  serverKey: string;
}

/**
 * Derives a PBKDF2-SHA-256 WAMP-SCRAM credential (advanced/authentication_scram.md, "Data Stored
 * on the Server"): SaltedPassword = PBKDF2(Normalize(password), UnBase64(salt), iterations, 32),
 * StoredKey = SHA256(HMAC(SaltedPassword, "Client Key")), ServerKey = HMAC(SaltedPassword, "Server Key").
 * Normalize is approximated by Unicode NFKC (SASLprep's core).
 */
export function deriveScramCredential(password: string, options: { salt?: string; iterations?: number } = {}): ScramCredential {
  const salt = options.salt ?? randomBytes(16).toString('base64');
  const iterations = options.iterations ?? AUTH_DEFAULTS.scramIterations;
  const salted = pbkdf2Sync(password.normalize('NFKC'), Buffer.from(salt, 'base64'), iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  return {
    kdf: 'pbkdf2',
    iterations,
    salt,
    storedKey: createHash('sha256').update(clientKey).digest('base64'),
    serverKey: createHmac('sha256', salted).update('Server Key').digest('base64'),
  };
}
