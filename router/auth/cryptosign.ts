// WAMP-Cryptosign (spec: advanced/authentication_cryptosign.md#clientauth): HELLO with
// authextra.pubkey (Ed25519, 32 bytes hex) → CHALLENGE {challenge: 32 random bytes hex,
// channel_binding: null} → AUTHENTICATE with hex(signature ‖ challenge) (96 bytes), checked with
// Node's own Ed25519 (crypto.verify) and a constant-time comparison of the signed message.
// Principals are keyed by public key. An unknown key gets a challenge all the same and then the
// same ABORT as a bad signature. TLS channel binding is not offered (CHALLENGE says null).
import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import type { Dict } from '../../realms/protocol/messages.js';
import { denied, unusable, type AuthOutcome, type AuthRequest, type AuthStep, type Authenticator, type Challenged } from './authenticator.js';
import type { DynamicAuthenticator } from './dynamic.js';
import type { CryptosignConfig, CryptosignPrincipal } from './config.js';
import { safeEqual, safeEqualBytes } from './timing-safe.js';

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const HEX = /^[0-9a-fA-F]*$/;
/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** An Ed25519 public key object from 64 hex characters. */
export function ed25519PublicKey(hex: string): KeyObject {
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
}

/** Verified against when there is no real key, so both paths do the same work. */
const DUMMY_KEY = ed25519PublicKey('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');

interface Signer {
  authid: string;
  role: string;
  key: KeyObject;
  provider: 'static' | 'dynamic';
  extra?: Dict;
  mock: boolean;
}

export class CryptosignAuthenticator implements Authenticator {
  readonly method = 'cryptosign';
  private readonly principals = new Map<string, { principal: CryptosignPrincipal; key: KeyObject }>();

  constructor(
    config: CryptosignConfig,
    private readonly dynamic: DynamicAuthenticator | undefined,
  ) {
    for (const principal of config.principals ?? []) {
      this.principals.set(principal.pubkey.toLowerCase(), { principal, key: ed25519PublicKey(principal.pubkey) });
    }
  }

  start(request: AuthRequest): AuthOutcome {
    const pubkey = request.authextra.pubkey;
    if (typeof pubkey !== 'string' || !HEX_KEY.test(pubkey)) {
      return unusable('cryptosign authentication needs HELLO.Details.authextra.pubkey: the Ed25519 public key as 64 hex characters');
    }
    const known = this.principals.get(pubkey.toLowerCase());
    if (known !== undefined) {
      const authid = known.principal.authid ?? pubkey.toLowerCase();
      // A client that names an authid must name the one its key belongs to.
      const mock = request.authid !== undefined && request.authid !== authid;
      return this.challenge({ authid, role: known.principal.role, key: known.key, provider: 'static', mock });
    }
    if (this.dynamic === undefined) return this.challenge(this.mock(request));
    return this.askDynamic(request, pubkey, this.dynamic);
  }

  private async askDynamic(request: AuthRequest, pubkey: string, dynamic: DynamicAuthenticator): Promise<AuthStep> {
    const answer = await dynamic.ask(request);
    if (answer.kind !== 'found') return answer.reason === denied().reason ? this.challenge(this.mock(request)) : answer;
    const known = answer.answer.pubkey;
    if (typeof known !== 'string' || !HEX_KEY.test(known)) return dynamic.malformed('cryptosign needs pubkey (64 hex characters)');
    // The key the authenticator knows for this principal must be the one the client presented.
    const mock = !safeEqual(known.toLowerCase(), pubkey.toLowerCase());
    return this.challenge({
      authid: answer.authid ?? request.authid ?? pubkey.toLowerCase(),
      role: answer.role,
      key: mock ? DUMMY_KEY : ed25519PublicKey(known),
      provider: 'dynamic',
      extra: answer.extra,
      mock,
    });
  }

  private mock(request: AuthRequest): Signer {
    return { authid: request.authid ?? '', role: '', key: DUMMY_KEY, provider: 'static', mock: true };
  }

  private challenge(signer: Signer): Challenged {
    const challenge = randomBytes(32);
    return {
      kind: 'challenge',
      extra: { challenge: challenge.toString('hex'), channel_binding: null },
      verify: (signature) => {
        // spec: "The client MUST return the concatenation of the signature and the message signed (96 bytes)".
        if (signature.length !== 192 || !HEX.test(signature)) return denied();
        const bytes = Buffer.from(signature, 'hex');
        const signed = safeEqualBytes(bytes.subarray(64), challenge);
        const valid = verify(null, challenge, signer.key, bytes.subarray(0, 64));
        if (!signed || !valid || signer.mock) return denied();
        return { kind: 'welcome', authid: signer.authid, authrole: signer.role, authprovider: signer.provider, authextra: signer.extra };
      },
    };
  }
}
