// WAMP-CRA (spec: advanced/authentication_cra.md): HELLO with authid → CHALLENGE with a JSON
// string {authid, authrole, authmethod, authprovider, nonce, timestamp, session} (plus salt,
// iterations and keylen for a salted secret) → AUTHENTICATE with base64(HMAC-SHA256(secret,
// challenge)), compared in constant time. An unknown authid gets a mock challenge, shaped like a
// real one, and then the same ABORT as a wrong signature: no user enumeration.
import { createHmac, randomBytes } from 'node:crypto';
import type { Dict } from '../../realms/protocol/messages.js';
import { denied, unusable, type AuthOutcome, type AuthRequest, type AuthStep, type Authenticator, type Challenged, type Refused } from './authenticator.js';
import type { DynamicAuthenticator, DynamicPrincipal } from './dynamic.js';
import { AUTH_DEFAULTS, type CraConfig, type CraPrincipal } from './config.js';
import { mockBytes, safeEqualBytes } from './timing-safe.js';

interface CraSecret {
  authid: string;
  role: string;
  secret: string;
  salt?: string;
  iterations?: number;
  keylen?: number;
  provider: 'static' | 'dynamic';
  extra?: Dict;
  /** A mock for an unknown authid: every signature is refused. */
  mock: boolean;
}

export class CraAuthenticator implements Authenticator {
  readonly method = 'wampcra';
  private readonly principals = new Map<string, CraPrincipal>();
  /** What a mock challenge looks like: the first configured principal's shape. */
  private readonly mockShape: { role: string; salted: boolean; iterations: number; keylen: number };

  constructor(
    config: CraConfig,
    private readonly dynamic: DynamicAuthenticator | undefined,
    private readonly mockKey: Buffer,
  ) {
    for (const principal of config.principals ?? []) this.principals.set(principal.authid, principal);
    const first = config.principals?.[0];
    const salted = config.principals?.find((principal) => principal.salt !== undefined);
    this.mockShape = {
      role: first?.role ?? 'user',
      salted: salted !== undefined,
      iterations: salted?.iterations ?? AUTH_DEFAULTS.craIterations,
      keylen: salted?.keylen ?? AUTH_DEFAULTS.craKeylen,
    };
  }

  start(request: AuthRequest): AuthOutcome {
    // spec: "For WAMP-CRA, this MUST be provided."
    if (request.authid === undefined) return unusable('wampcra authentication needs HELLO.Details.authid');
    const principal = this.principals.get(request.authid);
    if (principal !== undefined) return this.challenge(request, { ...principal, provider: 'static', mock: false });
    if (this.dynamic === undefined) return this.challenge(request, this.mock(request.authid));
    return this.askDynamic(request, this.dynamic);
  }

  private async askDynamic(request: AuthRequest, dynamic: DynamicAuthenticator): Promise<AuthStep> {
    const answer = await dynamic.ask(request);
    if (answer.kind !== 'found') {
      // A denial looks like any other unknown authid: a mock challenge, then the same ABORT.
      return answer.reason === denied().reason ? this.challenge(request, this.mock(request.authid ?? '')) : answer;
    }
    const secret = this.dynamicSecret(request, answer, dynamic);
    return 'kind' in secret ? secret : this.challenge(request, secret);
  }

  private dynamicSecret(request: AuthRequest, answer: DynamicPrincipal, dynamic: DynamicAuthenticator): CraSecret | Refused {
    const { secret, salt, iterations, keylen } = answer.answer;
    if (typeof secret !== 'string' || secret === '') return dynamic.malformed('wampcra needs secret (a string)');
    if (salt !== undefined && salt !== null && typeof salt !== 'string') return dynamic.malformed('salt must be a string');
    const positive = (value: unknown): boolean => value === undefined || value === null || (Number.isInteger(value) && (value as number) > 0);
    if (!positive(iterations) || !positive(keylen)) return dynamic.malformed('iterations and keylen must be positive integers');
    return {
      authid: answer.authid ?? request.authid ?? '',
      role: answer.role,
      secret,
      ...(typeof salt === 'string' && { salt, iterations: typeof iterations === 'number' ? iterations : undefined, keylen: typeof keylen === 'number' ? keylen : undefined }),
      provider: 'dynamic',
      extra: answer.extra,
      mock: false,
    };
  }

  private mock(authid: string): CraSecret {
    const shape = this.mockShape;
    return {
      authid,
      role: shape.role,
      secret: randomBytes(32).toString('base64'),
      ...(shape.salted && { salt: mockBytes(this.mockKey, 'wampcra salt', authid, 16).toString('base64'), iterations: shape.iterations, keylen: shape.keylen }),
      provider: this.dynamic === undefined ? 'static' : 'dynamic',
      mock: true,
    };
  }

  private challenge(request: AuthRequest, secret: CraSecret): Challenged {
    // spec: the challenge is a JSON string the client signs as it is.
    const challenge = JSON.stringify({
      authid: secret.authid,
      authrole: secret.role,
      authmethod: 'wampcra',
      authprovider: secret.provider,
      nonce: randomBytes(16).toString('base64url'),
      timestamp: new Date().toISOString(),
      session: request.sessionId,
    });
    const extra: Dict = { challenge };
    if (secret.salt !== undefined) {
      extra.salt = secret.salt;
      extra.iterations = secret.iterations ?? AUTH_DEFAULTS.craIterations;
      extra.keylen = secret.keylen ?? AUTH_DEFAULTS.craKeylen;
    }
    return {
      kind: 'challenge',
      extra,
      verify: (signature) => {
        const expected = createHmac('sha256', secret.secret).update(challenge).digest();
        const matches = safeEqualBytes(expected, Buffer.from(signature, 'base64'));
        if (!matches || secret.mock) return denied();
        return { kind: 'welcome', authid: secret.authid, authrole: secret.role, authprovider: secret.provider, authextra: secret.extra };
      },
    };
  }
}
