// WAMP-SCRAM (spec: advanced/authentication_scram.md): HELLO with authid and authextra.nonce →
// CHALLENGE {nonce: client nonce + server nonce, salt, kdf, iterations[, memory]} → AUTHENTICATE
// with base64(ClientProof), verified against the stored StoredKey (RFC 5802 / RFC 7677 with
// SHA-256) → WELCOME with authextra.verifier = base64(ServerSignature). The router never needs
// the password: it stores salt, StoredKey and ServerKey (or derives them from a configured
// password with PBKDF2-SHA-256 at start). Argon2id credentials work the same way — the KDF runs
// only on the client — so no Argon2 implementation is needed here.
//
// An unknown authid gets a mock challenge whose salt is always the same for that authid (spec:
// "to avoid leaking information on the existence of usernames"), then the same ABORT.
//
// Autobahn|Python (and Crossbar) speak a dialect: method `scram`, KDF name `argon2id-13`,
// AuthMessage with "c=" + channel binding name (empty) instead of "c=" + base64("n,,"), and
// WELCOME.authextra.scram_server_signature. A client that says `scram` gets that dialect's names;
// a proof is accepted under either AuthMessage form.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Dict } from '../../realms/protocol/messages.js';
import { denied, unusable, type AuthOutcome, type AuthRequest, type AuthStep, type Authenticator, type Challenged, type Refused } from './authenticator.js';
import type { DynamicAuthenticator, DynamicPrincipal } from './dynamic.js';
import { AUTH_DEFAULTS, type ScramConfig, type ScramKdf, type ScramPrincipal } from './config.js';
import { deriveScramCredential } from './derive.js';
import { mockBytes, safeEqualBytes } from './timing-safe.js';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

interface Credential {
  authid: string;
  role: string;
  kdf: ScramKdf;
  iterations: number;
  memory?: number;
  salt: string;
  storedKey: Buffer;
  serverKey: Buffer;
  provider: 'static' | 'dynamic';
  extra?: Dict;
  mock: boolean;
}

/** Base64("n,,"): GS2 header without channel binding (RFC 5802 section 7). */
const CBIND_NONE = Buffer.from('n,,').toString('base64');

function escapeName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

export class ScramAuthenticator implements Authenticator {
  readonly method = 'wamp-scram';
  private readonly principals = new Map<string, Omit<Credential, 'provider' | 'mock'>>();
  private readonly mockShape: { role: string; kdf: ScramKdf; iterations: number; memory?: number };

  constructor(
    config: ScramConfig,
    private readonly dynamic: DynamicAuthenticator | undefined,
    private readonly mockKey: Buffer,
  ) {
    for (const principal of config.principals ?? []) this.principals.set(principal.authid, credentialOf(principal));
    const first = config.principals?.[0];
    this.mockShape = {
      role: first?.role ?? 'user',
      kdf: first?.kdf ?? 'pbkdf2',
      iterations: first !== undefined ? (this.principals.get(first.authid)?.iterations ?? AUTH_DEFAULTS.scramIterations) : AUTH_DEFAULTS.scramIterations,
      memory: first?.memory,
    };
  }

  start(request: AuthRequest): AuthOutcome {
    if (request.authid === undefined) return unusable('wamp-scram authentication needs HELLO.Details.authid');
    const nonce = request.authextra.nonce;
    if (typeof nonce !== 'string' || !BASE64.test(nonce)) return unusable('wamp-scram authentication needs HELLO.Details.authextra.nonce (base64)');
    const binding = request.authextra.channel_binding;
    // spec: ABORT when "the server does not support the requested channel_binding type".
    if (binding !== undefined && binding !== null) return unusable(`wamp-scram channel binding "${String(binding)}" is not supported`);
    const principal = this.principals.get(request.authid);
    if (principal !== undefined) return this.challenge(request, nonce, { ...principal, provider: 'static', mock: false });
    if (this.dynamic === undefined) return this.challenge(request, nonce, this.mock(request.authid));
    return this.askDynamic(request, nonce, this.dynamic);
  }

  private async askDynamic(request: AuthRequest, nonce: string, dynamic: DynamicAuthenticator): Promise<AuthStep> {
    const answer = await dynamic.ask(request);
    if (answer.kind !== 'found') return answer.reason === denied().reason ? this.challenge(request, nonce, this.mock(request.authid ?? '')) : answer;
    const credential = dynamicCredential(request, answer, dynamic);
    return 'kind' in credential ? credential : this.challenge(request, nonce, credential);
  }

  private mock(authid: string): Credential {
    const shape = this.mockShape;
    return {
      authid,
      role: shape.role,
      kdf: shape.kdf,
      iterations: shape.iterations,
      ...(shape.memory !== undefined && { memory: shape.memory }),
      salt: mockBytes(this.mockKey, 'scram salt', authid, 16).toString('base64'),
      storedKey: randomBytes(32),
      serverKey: randomBytes(32),
      provider: this.dynamic === undefined ? 'static' : 'dynamic',
      mock: true,
    };
  }

  private challenge(request: AuthRequest, clientNonce: string, credential: Credential): Challenged {
    const crossbar = request.spelling === 'scram';
    const nonce = clientNonce + randomBytes(16).toString('base64');
    // Only keys with a value: Autobahn|Python refuses unknown keys and chokes on memory: null.
    const extra: Dict = {
      nonce,
      salt: credential.salt,
      kdf: credential.kdf === 'argon2id13' && crossbar ? 'argon2id-13' : credential.kdf,
      iterations: credential.iterations,
    };
    if (credential.memory !== undefined) extra.memory = credential.memory;
    const authid = request.authid ?? '';
    const serverFirst = `r=${nonce},s=${credential.salt},i=${credential.iterations}`;
    const authMessages = [
      // spec: AuthMessage = ClientFirstBare "," ServerFirst "," ClientFinalNoProof
      `n=${escapeName(authid)},r=${clientNonce},${serverFirst},c=${CBIND_NONE},r=${nonce}`,
      // Autobahn|Python / Crossbar
      `n=${authid},r=${clientNonce},${serverFirst},c=,r=${nonce}`,
    ];
    return {
      kind: 'challenge',
      extra,
      verify: (signature, authExtra) => {
        // spec: the server checks the nonce and the channel binding echoed in AUTHENTICATE.
        if (authExtra.nonce !== undefined && authExtra.nonce !== null && authExtra.nonce !== nonce) return denied();
        if (authExtra.channel_binding !== undefined && authExtra.channel_binding !== null) return denied();
        const proof = Buffer.from(signature, 'base64');
        let matched = -1;
        authMessages.forEach((message, index) => {
          if (proofMatches(credential.storedKey, message, proof) && matched < 0) matched = index;
        });
        if (matched < 0 || credential.mock) return denied();
        const serverSignature = scramServerSignature(credential.serverKey, authMessages[matched]);
        const authextra: Dict = { ...credential.extra, verifier: serverSignature };
        if (crossbar) authextra.scram_server_signature = serverSignature;
        return { kind: 'welcome', authid: credential.authid, authrole: credential.role, authprovider: credential.provider, authextra };
      },
    };
  }
}

/** ClientSignature = HMAC(StoredKey, AuthMessage); StoredKey =? SHA256(ClientSignature XOR ClientProof). */
export function proofMatches(storedKey: Buffer, authMessage: string, proof: Buffer): boolean {
  const clientSignature = hmac(storedKey, authMessage);
  if (proof.length !== clientSignature.length) {
    safeEqualBytes(storedKey, storedKey);
    return false;
  }
  const clientKey = Buffer.alloc(clientSignature.length);
  for (let i = 0; i < clientKey.length; i++) clientKey[i] = clientSignature[i] ^ proof[i];
  return safeEqualBytes(createHash('sha256').update(clientKey).digest(), storedKey);
}

/** ServerSignature = HMAC(ServerKey, AuthMessage), base64 (WELCOME.Details.authextra.verifier). */
export function scramServerSignature(serverKey: Buffer, authMessage: string): string {
  return hmac(serverKey, authMessage).toString('base64');
}

function credentialOf(principal: ScramPrincipal): Omit<Credential, 'provider' | 'mock'> {
  if (principal.password !== undefined) {
    const derived = deriveScramCredential(principal.password, { salt: principal.salt, iterations: principal.iterations });
    return {
      authid: principal.authid,
      role: principal.role,
      kdf: 'pbkdf2',
      iterations: derived.iterations,
      salt: derived.salt,
      storedKey: Buffer.from(derived.storedKey, 'base64'),
      serverKey: Buffer.from(derived.serverKey, 'base64'),
    };
  }
  return {
    authid: principal.authid,
    role: principal.role,
    kdf: principal.kdf ?? 'pbkdf2',
    iterations: principal.iterations ?? AUTH_DEFAULTS.scramIterations,
    ...(principal.memory !== undefined && { memory: principal.memory }),
    salt: principal.salt ?? '',
    storedKey: Buffer.from(principal.storedKey ?? '', 'base64'),
    serverKey: Buffer.from(principal.serverKey ?? '', 'base64'),
  };
}

function dynamicCredential(request: AuthRequest, answer: DynamicPrincipal, dynamic: DynamicAuthenticator): Credential | Refused {
  const { kdf, iterations, memory, salt, storedKey, serverKey } = answer.answer;
  const kdfName = kdf === undefined || kdf === null ? 'pbkdf2' : kdf;
  if (kdfName !== 'pbkdf2' && kdfName !== 'argon2id13') return dynamic.malformed('kdf must be "pbkdf2" or "argon2id13"');
  if (!Number.isInteger(iterations) || (iterations as number) < 1) return dynamic.malformed('wamp-scram needs iterations (a positive integer)');
  if (kdfName === 'argon2id13' && (!Number.isInteger(memory) || (memory as number) < 1)) return dynamic.malformed('argon2id13 needs memory (KiB)');
  for (const [name, value] of [['salt', salt], ['storedKey', storedKey], ['serverKey', serverKey]] as const) {
    if (typeof value !== 'string' || !BASE64.test(value)) return dynamic.malformed(`wamp-scram needs ${name} (base64)`);
  }
  return {
    authid: answer.authid ?? request.authid ?? '',
    role: answer.role,
    kdf: kdfName,
    iterations: iterations as number,
    ...(kdfName === 'argon2id13' && { memory: memory as number }),
    salt: salt as string,
    storedKey: Buffer.from(storedKey as string, 'base64'),
    serverKey: Buffer.from(serverKey as string, 'base64'),
    provider: 'dynamic',
    extra: answer.extra,
    mock: false,
  };
}
