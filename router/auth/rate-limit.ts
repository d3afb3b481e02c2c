// The failed-attempt limit: per authid and per client address, at most `maxFailures` failed
// authentications within `windowMs`; once reached, further attempts for that authid or from
// that address are refused for `blockMs`. No timers: entries expire when looked at, and the
// number of remembered keys is capped (least recently failed forgotten first).
import { AUTH_DEFAULTS, type RateLimitConfig } from './config.js';

export interface RateLimitOptions extends RateLimitConfig {
  /** Keys remembered per counter (default 100000). */
  maxEntries?: number;
  /** Clock, for tests. */
  now?: () => number;
}

interface Entry {
  /** Times of failures within the window, oldest first (at most maxFailures). */
  failures: number[];
  blockedUntil: number;
}

class FailureCounter {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly blockMs: number,
    private readonly maxEntries: number,
  ) {}

  blocked(key: string, now: number): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    if (entry.blockedUntil > now) return true;
    if (entry.blockedUntil !== 0) {
      // The block is over: start afresh.
      this.entries.delete(key);
    }
    return false;
  }

  fail(key: string, now: number): void {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      if (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.keys().next();
        if (oldest.done !== true) this.entries.delete(oldest.value);
      }
      entry = { failures: [], blockedUntil: 0 };
    } else {
      this.entries.delete(key); // re-inserted below: the Map's order is "least recently failed first"
    }
    this.entries.set(key, entry);
    while (entry.failures.length > 0 && entry.failures[0] <= now - this.windowMs) entry.failures.shift();
    entry.failures.push(now);
    if (entry.failures.length > this.maxFailures) entry.failures.shift();
    if (entry.failures.length >= this.maxFailures) entry.blockedUntil = now + this.blockMs;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Who is trying: the authid (or public key) claimed, and the client address. */
export interface Attempt {
  authid: string | undefined;
  address: string;
}

export class RateLimiter {
  private readonly byAuthid: FailureCounter;
  private readonly byAddress: FailureCounter;
  private readonly now: () => number;

  constructor(options: RateLimitOptions = {}) {
    const max = options.maxFailures ?? AUTH_DEFAULTS.maxFailures;
    const window = options.windowMs ?? AUTH_DEFAULTS.windowMs;
    const block = options.blockMs ?? AUTH_DEFAULTS.blockMs;
    const entries = options.maxEntries ?? AUTH_DEFAULTS.rateLimitEntries;
    this.byAuthid = new FailureCounter(max, window, block, entries);
    this.byAddress = new FailureCounter(max, window, block, entries);
    this.now = options.now ?? Date.now;
  }

  /** True while this authid or this address is refused. */
  blocked(attempt: Attempt): boolean {
    const now = this.now();
    const byAddress = this.byAddress.blocked(attempt.address, now);
    const byAuthid = attempt.authid !== undefined && this.byAuthid.blocked(attempt.authid, now);
    return byAddress || byAuthid;
  }

  /** Counts one failed attempt against the authid and the address. */
  failed(attempt: Attempt): void {
    const now = this.now();
    this.byAddress.fail(attempt.address, now);
    if (attempt.authid !== undefined) this.byAuthid.fail(attempt.authid, now);
  }

  /** Remembered keys (tests: memory stays bounded). */
  get entries(): { authids: number; addresses: number } {
    return { authids: this.byAuthid.size, addresses: this.byAddress.size };
  }
}

/** The text of the ABORT for a refused attempt. */
export const RATE_LIMITED_TEXT = 'too many failed authentication attempts for this authid or from this address; try again later';
