// Timing-safe paths: every credential check goes through crypto.timingSafeEqual, and a wrong
// secret for a known authid does the same comparisons (and Ed25519 verifications) as any secret
// for an unknown one, so neither the answer nor its timing tells which authids exist.
import * as crypto from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual), verify: vi.fn(actual.verify) };
});

const { TicketAuthenticator } = await import('../../router/auth/ticket.js');
const { CraAuthenticator } = await import('../../router/auth/wampcra.js');
const { CryptosignAuthenticator } = await import('../../router/auth/cryptosign.js');
const { ScramAuthenticator } = await import('../../router/auth/scram.js');
const { DENIED_TEXT } = await import('../../router/auth/authenticator.js');
type AuthRequest = import('../../router/auth/authenticator.js').AuthRequest;
type AuthOutcome = import('../../router/auth/authenticator.js').AuthOutcome;
type AuthStep = import('../../router/auth/authenticator.js').AuthStep;

const timingSafeEqual = vi.mocked(crypto.timingSafeEqual);
const verify = vi.mocked(crypto.verify);

function request(method: string, authid: string | undefined, authextra: Record<string, unknown> = {}): AuthRequest {
  return { realm: 'realm1', method, spelling: method, authid, authextra, sessionId: 1, transport: {} };
}

async function step(outcome: AuthOutcome): Promise<AuthStep> {
  return outcome;
}

/** Runs start() and verify(signature); returns the final step and the crypto calls verify() made. */
async function attempt(authenticator: { start(r: AuthRequest): AuthOutcome }, req: AuthRequest, signature: (extra: Record<string, unknown>) => string) {
  const challenge = await step(authenticator.start(req));
  if (challenge.kind !== 'challenge') throw new Error(`expected a challenge, got ${challenge.kind}`);
  timingSafeEqual.mockClear();
  verify.mockClear();
  const final = await step(challenge.verify(signature(challenge.extra), {}));
  return { final, comparisons: timingSafeEqual.mock.calls.length, verifications: verify.mock.calls.length };
}

const denied = { kind: 'abort', reason: 'wamp.error.authentication_denied', message: DENIED_TEXT, failedAttempt: true };

beforeEach(() => {
  timingSafeEqual.mockClear();
  verify.mockClear();
});

describe('ticket', () => {
  const ticket = new TicketAuthenticator({ principals: [{ authid: 'alice', ticket: 'right-ticket', role: 'user' }] }, undefined);

  it('wrong ticket for alice and a ticket for an unknown authid: one timingSafeEqual each, the same denial', async () => {
    const wrong = await attempt(ticket, request('ticket', 'alice'), () => 'wrong-ticket');
    const unknown = await attempt(ticket, request('ticket', 'mallory'), () => 'right-ticket');
    expect(wrong).toEqual({ final: denied, comparisons: 1, verifications: 0 });
    expect(unknown).toEqual({ final: denied, comparisons: 1, verifications: 0 });
  });

  it('the right ticket is also checked with timingSafeEqual', async () => {
    const right = await attempt(ticket, request('ticket', 'alice'), () => 'right-ticket');
    expect(right.final).toMatchObject({ kind: 'welcome', authid: 'alice' });
    expect(right.comparisons).toBe(1);
  });
});

describe('wampcra', () => {
  const cra = new CraAuthenticator({ principals: [{ authid: 'peter', secret: 'secret', role: 'user' }] }, undefined, Buffer.alloc(32, 7));

  it('wrong signature for peter and any signature for an unknown authid: one timingSafeEqual each, the same denial', async () => {
    const wrong = await attempt(cra, request('wampcra', 'peter'), () => crypto.createHmac('sha256', 'wrong').update('x').digest('base64'));
    const unknown = await attempt(cra, request('wampcra', 'nobody'), (extra) => crypto.createHmac('sha256', 'secret').update(extra.challenge as string).digest('base64'));
    expect(wrong).toEqual({ final: denied, comparisons: 1, verifications: 0 });
    expect(unknown).toEqual({ final: denied, comparisons: 1, verifications: 0 });
  });
});

describe('cryptosign', () => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const pubkey = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('hex');
  const signer = new CryptosignAuthenticator({ principals: [{ pubkey, authid: 'dev', role: 'device' }] }, undefined);
  const sign = (extra: Record<string, unknown>) => {
    const message = Buffer.from(extra.challenge as string, 'hex');
    return Buffer.concat([crypto.sign(null, message, privateKey), message]).toString('hex');
  };

  it('a bad signature for a known key and a good one for an unknown key: one comparison and one Ed25519 verify each', async () => {
    const other = crypto.generateKeyPairSync('ed25519');
    const otherKey = Buffer.from(other.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('hex');
    const bad = await attempt(signer, request('cryptosign', 'dev', { pubkey }), (extra) => sign(extra).replace(/^../, '00'));
    const unknown = await attempt(signer, request('cryptosign', 'dev', { pubkey: otherKey }), (extra) => {
      const message = Buffer.from(extra.challenge as string, 'hex');
      return Buffer.concat([crypto.sign(null, message, other.privateKey), message]).toString('hex');
    });
    expect(bad).toEqual({ final: denied, comparisons: 1, verifications: 1 });
    expect(unknown).toEqual({ final: denied, comparisons: 1, verifications: 1 });
    const good = await attempt(signer, request('cryptosign', 'dev', { pubkey }), sign);
    expect(good).toMatchObject({ final: { kind: 'welcome', authid: 'dev' }, comparisons: 1, verifications: 1 });
  });
});

describe('wamp-scram', () => {
  const scram = new ScramAuthenticator({ principals: [{ authid: 'bob', role: 'user', password: 'pw', iterations: 1000 }] }, undefined, Buffer.alloc(32, 9));

  it('a wrong proof for bob and a proof for an unknown authid: the same comparisons (both AuthMessage forms), the same denial', async () => {
    const proof = () => crypto.randomBytes(32).toString('base64');
    const wrong = await attempt(scram, request('wamp-scram', 'bob', { nonce: 'bm9uY2U=' }), proof);
    const unknown = await attempt(scram, request('wamp-scram', 'nobody', { nonce: 'bm9uY2U=' }), proof);
    expect(wrong).toEqual({ final: denied, comparisons: 2, verifications: 0 });
    expect(unknown).toEqual({ final: denied, comparisons: 2, verifications: 0 });
  });
});
