// Comparisons that take the same time whatever the inputs (crypto.timingSafeEqual), and the
// deterministic "mock" values that keep unknown authids indistinguishable from known ones.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality of two secrets of any length: both are hashed to 32 bytes first, so
 * neither the length nor the position of the first difference shows in the timing.
 */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** Constant-time equality of two equal-length byte strings; false (still constant-time) if lengths differ. */
export function safeEqualBytes(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/**
 * A per-realm key for mock challenges. Derived from the realm's static credential material, so
 * a mock salt for an unknown authid stays the same across restarts (as a real user's salt does),
 * yet cannot be predicted without the secrets; random when the realm has no static secrets.
 */
export function mockKey(realm: string, material: string[]): Buffer {
  if (material.length === 0) return randomBytes(32);
  const hash = createHash('sha256').update(`sprocket mock key\u0000${realm}`);
  for (const item of material) hash.update('\u0000').update(item);
  return hash.digest();
}

/** Deterministic bytes for (purpose, authid) under a mock key. */
export function mockBytes(key: Buffer, purpose: string, authid: string, length: number): Buffer {
  return createHmac('sha256', key).update(`${purpose}\u0000${authid}`).digest().subarray(0, length);
}
