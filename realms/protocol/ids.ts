// spec: basic/building_blocks.md#ids
import { randomFillSync } from 'node:crypto';

/** Largest WAMP ID: IDs are integers in 1..2^53 so that they fit an IEEE double exactly. */
export const MAX_ID = 2 ** 53;

/** True when `value` is an integer in the WAMP ID range 1..2^53. */
export function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_ID;
}

// Random IDs are drawn from a pool refilled in bulk: one syscall per 1024 IDs, not one per ID.
const POOL_WORDS = 2048;
const pool = new Uint32Array(POOL_WORDS);
let poolIndex = POOL_WORDS;

/** A random ID in 1..2^53 from the OS's CSPRNG (global-scope IDs: sessions, publications). */
export function randomId(): number {
  if (poolIndex >= POOL_WORDS) {
    randomFillSync(pool);
    poolIndex = 0;
  }
  const high = pool[poolIndex++] & 0x1fffff; // 21 bits
  const low = pool[poolIndex++];
  // 53 random bits give 0..2^53-1; shift by one into 1..2^53.
  return high * 0x100000000 + low + 1;
}

/** Sequential IDs for router scope (subscriptions, registrations) and session scope. */
export class IdSequence {
  private last = 0;

  next(): number {
    this.last = this.last >= MAX_ID ? 1 : this.last + 1;
    return this.last;
  }

  /** The last ID handed out, 0 if none. */
  get current(): number {
    return this.last;
  }
}
