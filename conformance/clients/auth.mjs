// Logins for the auth rows (scenarios-auth.mjs): each library's own WAMP-CRA and WAMP-Cryptosign
// code, behind one shape:
//   { method: 'ticket', authid, secret }       the ticket
//   { method: 'wampcra', authid, secret }      the shared secret (or the password of a salted one)
//   { method: 'cryptosign', authid?, seed, pubkey }   Ed25519 key, both 32 bytes hex
//   { method: 'anonymous' }
import autobahn from 'autobahn';
import { sign as wampyCraSign } from 'wampy/wampcra.js';
import { sign as wampyCryptosignSign } from 'wampy/cryptosign.js';

/** AutobahnJS Connection options for a login (autobahn.auth_cra, autobahn.auth_cryptosign). */
export function autobahnLoginOptions(login) {
  if (login === undefined) return {};
  switch (login.method) {
    case 'anonymous':
      return { authmethods: ['anonymous'] };
    case 'ticket':
      return { authmethods: ['ticket'], authid: login.authid, onchallenge: () => login.secret };
    case 'wampcra':
      return {
        authmethods: ['wampcra'],
        authid: login.authid,
        onchallenge: (_session, _method, extra) => {
          const key = extra.salt ? autobahn.auth_cra.derive_key(login.secret, extra.salt, extra.iterations, extra.keylen) : login.secret;
          return autobahn.auth_cra.sign(key, extra.challenge);
        },
      };
    case 'cryptosign': {
      const pkey = autobahn.nacl.sign.keyPair.fromSeed(Uint8Array.from(Buffer.from(login.seed, 'hex')));
      return {
        authmethods: ['cryptosign'],
        ...(login.authid !== undefined && { authid: login.authid }),
        authextra: { pubkey: autobahn.auth_cryptosign.public_key(pkey) },
        onchallenge: (_session, _method, extra) => autobahn.auth_cryptosign.sign_challenge(pkey, extra),
      };
    }
    default:
      throw new Error(`unknown login method ${login.method}`);
  }
}

/** wampy options for a login (wampy/wampcra.js, wampy/cryptosign.js). wampy always sends an authid. */
export function wampyLoginOptions(login) {
  if (login === undefined || login.method === 'anonymous') return {};
  switch (login.method) {
    case 'ticket':
      return { authid: login.authid, authmethods: ['ticket'], onChallenge: () => login.secret };
    case 'wampcra':
      return { authid: login.authid, authmethods: ['wampcra'], onChallenge: wampyCraSign(login.secret) };
    case 'cryptosign':
      return { authid: login.authid ?? login.pubkey, authmethods: ['cryptosign'], authextra: { pubkey: login.pubkey }, onChallenge: wampyCryptosignSign(login.seed) };
    default:
      throw new Error(`unknown login method ${login.method}`);
  }
}
