// The pure parts of authentication against published vectors and the clients' own code:
// WAMP-SCRAM (RFC 7677's SCRAM-SHA-256 example, which the spec reuses), WAMP-Cryptosign (the
// spec's Ed25519 test vectors), WAMP-CRA key derivation (AutobahnJS and wampy), the failed-attempt
// limiter with a fake clock, constant-time comparison, the client address behind a proxy, and the
// queue that keeps per-session order.
import { createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import autobahn from 'autobahn';
import { deriveKey as wampyDeriveKey, signManual as wampySign } from 'wampy/wampcra.js';
import { deriveCraKey, deriveScramCredential } from '../../router/auth/derive.js';
import { proofMatches, scramServerSignature } from '../../router/auth/scram.js';
import { ed25519PublicKey } from '../../router/auth/cryptosign.js';
import { RateLimiter } from '../../router/auth/rate-limit.js';
import { safeEqual, safeEqualBytes, mockBytes, mockKey } from '../../router/auth/timing-safe.js';
import { clientAddress } from '../../router/auth/client-address.js';
import { PendingQueues } from '../../realms/authz/pending.js';
import { MessageType } from '../../realms/protocol/message-type.js';

describe('WAMP-SCRAM: RFC 7677 SCRAM-SHA-256 example (the spec\'s AUTHENTICATE example uses its proof)', () => {
  const salt = 'W22ZaJ0SNY7soEsUEjb6gQ==';
  const clientNonce = 'rOprNGfwEbeRWgbNEkqO';
  const serverNonce = 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
  const authMessage = `n=user,r=${clientNonce},r=${serverNonce},s=${salt},i=4096,c=biws,r=${serverNonce}`;
  const credential = deriveScramCredential('pencil', { salt, iterations: 4096 });

  it('ClientProof dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ= verifies against the derived StoredKey', () => {
    expect(proofMatches(Buffer.from(credential.storedKey, 'base64'), authMessage, Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64'))).toBe(true);
  });

  it('ServerSignature is 6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=', () => {
    expect(scramServerSignature(Buffer.from(credential.serverKey, 'base64'), authMessage)).toBe('6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
  });

  it('a proof with one bit flipped, a shorter proof, or another AuthMessage fails', () => {
    const stored = Buffer.from(credential.storedKey, 'base64');
    const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
    const flipped = Buffer.from(proof);
    flipped[31] ^= 1;
    expect(proofMatches(stored, authMessage, flipped)).toBe(false);
    expect(proofMatches(stored, authMessage, proof.subarray(0, 31))).toBe(false);
    expect(proofMatches(stored, authMessage.replace('i=4096', 'i=4097'), proof)).toBe(false);
  });
});

describe('WAMP-Cryptosign: the spec\'s test vectors (no channel binding) verify with Node\'s Ed25519', () => {
  const vectors = [
    ['4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510', 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', 'b32675b221f08593213737bef8240e7c15228b07028e19595294678c90d11c0cae80a357331bfc5cc9fb71081464e6e75013517c2cf067ad566a6b7b728e5d03ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'],
    ['d511fe78e23934b3dadb52fcd022974b80bd92bccc7c5cf404e46cc0a8a2f5cd', 'b26c1f87c13fc1da14997f1b5a71995dff8fbe0a62fae8473c7bdbd05bfb607d', 'd4209ad10d5aff6bfbc009d7e924795de138a63515efc7afc6b01b7fe5201372190374886a70207b042294af5bd64ce725cd8dceb344e6d11c09d1aaaf4d660fb26c1f87c13fc1da14997f1b5a71995dff8fbe0a62fae8473c7bdbd05bfb607d'],
    ['6e1fde9cf9e2359a87420b65a87dc0c66136e66945196ba2475990d8a0c3a25b', 'b05e6b8ad4d69abf74aa3be3c0ee40ae07d66e1895b9ab09285a2f1192d562d2', '7beb282184baadd08f166f16dd683b39cab53816ed81e6955def951cb2ddad1ec184e206746fd82bda075af03711d3d5658fc84a76196b0fa8d1ebc92ef9f30bb05e6b8ad4d69abf74aa3be3c0ee40ae07d66e1895b9ab09285a2f1192d562d2'],
  ];
  it.each(vectors)('private key %s: signature ‖ challenge verifies against the public key (as 64 hex)', (privateHex, challenge, signature) => {
    const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(privateHex, 'hex')]), format: 'der', type: 'pkcs8' });
    const raw = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x ?? '', 'base64url').toString('hex');
    const bytes = Buffer.from(signature, 'hex');
    expect(bytes.subarray(64).toString('hex')).toBe(challenge);
    expect(verify(null, Buffer.from(challenge, 'hex'), ed25519PublicKey(raw), bytes.subarray(0, 64))).toBe(true);
    const other = Buffer.from(challenge, 'hex');
    other[0] ^= 1;
    expect(verify(null, other, ed25519PublicKey(raw), bytes.subarray(0, 64))).toBe(false);
  });
});

describe('WAMP-CRA key derivation and signature agree with AutobahnJS and wampy', () => {
  const ab = autobahn as unknown as { auth_cra: { derive_key(s: string, salt: string, i: number, k: number): string; sign(key: string, challenge: string): string } };

  it('deriveCraKey(password, salt, iterations, keylen) = autobahn.auth_cra.derive_key = wampy deriveKey', async () => {
    const ours = deriveCraKey('secret-password', 'salt123', 100, 32);
    expect(ab.auth_cra.derive_key('secret-password', 'salt123', 100, 32)).toBe(ours);
    expect(await wampyDeriveKey('secret-password', 'salt123', 100, 32)).toBe(ours);
  });

  it('the signature of a challenge is base64(HMAC-SHA256(key, challenge)) in all three', async () => {
    const { createHmac } = await import('node:crypto');
    const ours = createHmac('sha256', 'k3y').update('{"nonce":"x"}').digest('base64');
    expect(ab.auth_cra.sign('k3y', '{"nonce":"x"}')).toBe(ours);
    expect(await wampySign('k3y', '{"nonce":"x"}')).toBe(ours);
  });
});

describe('failed-attempt limiter (fake clock)', () => {
  function limiter(options: { maxFailures: number; windowMs: number; blockMs: number; maxEntries?: number }) {
    let now = 1_000_000;
    const rl = new RateLimiter({ ...options, now: () => now });
    return { rl, advance: (ms: number) => (now += ms) };
  }

  it('blocks after maxFailures within the window, per authid and per address, and unblocks after blockMs', () => {
    const { rl, advance } = limiter({ maxFailures: 3, windowMs: 60_000, blockMs: 30_000 });
    const attempt = { authid: 'alice', address: '10.0.0.1' };
    rl.failed(attempt);
    rl.failed(attempt);
    expect(rl.blocked(attempt)).toBe(false);
    rl.failed(attempt);
    expect(rl.blocked(attempt)).toBe(true);
    expect(rl.blocked({ authid: 'alice', address: '10.0.0.2' })).toBe(true); // the authid is blocked
    expect(rl.blocked({ authid: 'bob', address: '10.0.0.1' })).toBe(true); // the address is blocked
    expect(rl.blocked({ authid: 'bob', address: '10.0.0.2' })).toBe(false);
    advance(29_999);
    expect(rl.blocked(attempt)).toBe(true);
    advance(2);
    expect(rl.blocked(attempt)).toBe(false);
    rl.failed(attempt); // a fresh start after the block: one failure is not a block
    expect(rl.blocked(attempt)).toBe(false);
  });

  it('failures older than windowMs drop out of the count', () => {
    const { rl, advance } = limiter({ maxFailures: 2, windowMs: 1000, blockMs: 5000 });
    const attempt = { authid: 'a', address: 'x' };
    rl.failed(attempt);
    advance(1001);
    rl.failed(attempt);
    expect(rl.blocked(attempt)).toBe(false);
    advance(10);
    rl.failed(attempt);
    expect(rl.blocked(attempt)).toBe(true);
  });

  it('remembers at most maxEntries keys (the least recently failed is forgotten first)', () => {
    const { rl } = limiter({ maxFailures: 2, windowMs: 60_000, blockMs: 60_000, maxEntries: 3 });
    rl.failed({ authid: 'first', address: 'a1' });
    rl.failed({ authid: 'first', address: 'a1' });
    expect(rl.blocked({ authid: 'first', address: 'zz' })).toBe(true);
    for (const id of ['second', 'third', 'fourth']) rl.failed({ authid: id, address: `a-${id}` });
    expect(rl.entries).toEqual({ authids: 3, addresses: 3 });
    expect(rl.blocked({ authid: 'first', address: 'zz' })).toBe(false);
  });

  it('an attempt without authid (cryptosign without key) is limited by address only', () => {
    const { rl } = limiter({ maxFailures: 1, windowMs: 60_000, blockMs: 60_000 });
    rl.failed({ authid: undefined, address: '10.0.0.9' });
    expect(rl.blocked({ authid: undefined, address: '10.0.0.9' })).toBe(true);
    expect(rl.entries.authids).toBe(0);
  });
});

describe('constant-time comparison and mock values', () => {
  it('safeEqual compares secrets of any length', () => {
    expect(safeEqual('ticket', 'ticket')).toBe(true);
    expect(safeEqual('ticket', 'ticket!')).toBe(false);
    expect(safeEqual('', 'x')).toBe(false);
    expect(safeEqualBytes(Buffer.from([1, 2]), Buffer.from([1, 2]))).toBe(true);
    expect(safeEqualBytes(Buffer.from([1, 2]), Buffer.from([1, 2, 3]))).toBe(false);
  });

  it('a mock key from the same static secrets is the same (stable mock salts across restarts); other secrets give another', () => {
    const a = mockKey('realm1', ['t:alice:1']);
    expect(mockKey('realm1', ['t:alice:1']).equals(a)).toBe(true);
    expect(mockKey('realm1', ['t:alice:2']).equals(a)).toBe(false);
    expect(mockKey('realm2', ['t:alice:1']).equals(a)).toBe(false);
    expect(mockBytes(a, 'salt', 'bob', 16).equals(mockBytes(a, 'salt', 'bob', 16))).toBe(true);
    expect(mockBytes(a, 'salt', 'bob', 16).equals(mockBytes(a, 'salt', 'eve', 16))).toBe(false);
  });
});

describe('client address', () => {
  it.each([
    ['no proxy: the TCP peer, port stripped for the limiter', '127.0.0.1:5000', undefined, false, { peer: '127.0.0.1:5000', ip: '127.0.0.1' }],
    ['IPv6 peer', '::1:5000', undefined, false, { peer: '::1:5000', ip: '::1' }],
    ['X-Forwarded-For without trustProxy is ignored', '127.0.0.1:5000', '198.51.100.7', false, { peer: '127.0.0.1:5000', ip: '127.0.0.1' }],
    ['trustProxy: the last hop', '127.0.0.1:5000', '192.0.2.1, 198.51.100.7', true, { peer: '198.51.100.7', ip: '198.51.100.7' }],
    ['trustProxy without header: the TCP peer', '127.0.0.1:5000', undefined, true, { peer: '127.0.0.1:5000', ip: '127.0.0.1' }],
  ])('%s', (_name, remote, forwarded, trust, expected) => {
    expect(clientAddress(remote, forwarded, trust)).toEqual(expected);
  });
});

describe('pending queues (per-session order while a decision is pending)', () => {
  const message = (request: number) => ({ type: MessageType.CALL, request, options: {}, procedure: 'p' }) as const;

  it('messages wait in order, only for sessions with a pending decision, and up to the limit', () => {
    const queues = new PendingQueues(2);
    expect(queues.waiting(1)).toBe(false);
    expect(queues.push(1, message(1))).toBe(false);
    queues.open(1);
    expect(queues.waiting(1)).toBe(true);
    expect(queues.waiting(2)).toBe(false);
    expect(queues.push(1, message(1))).toBe(true);
    expect(queues.push(1, message(2))).toBe(true);
    expect(queues.push(1, message(3))).toBe(false);
    expect(queues.take(1).map((m) => (m as { request: number }).request)).toEqual([1, 2]);
    expect(queues.waiting(1)).toBe(false);
    queues.open(3);
    queues.drop(3);
    expect(queues.sessions).toBe(0);
  });
});
