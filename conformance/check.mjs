// Tiny assertion helpers for scenarios. A thrown CheckFailure's message is the cell's failure reason.
import { isDeepStrictEqual } from 'node:util';
import { WampCallError } from './clients.mjs';

export class CheckFailure extends Error {}

export function expect(condition, message) {
  if (!condition) throw new CheckFailure(message);
}

/** Compares JSON-shaped data (decoders may hand back objects with odd prototypes; BigInt counts as a mismatch). */
export function expectEqual(actual, expected, what) {
  let plain;
  try {
    plain = JSON.parse(JSON.stringify(actual));
  } catch {
    plain = Symbol('not JSON');
  }
  if (!isDeepStrictEqual(plain, expected)) throw new CheckFailure(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

/** Awaits `promise`, which must reject with a WAMP error `uri`; returns that error. */
export async function expectError(promise, uri, what) {
  let result;
  try {
    result = await promise;
  } catch (error) {
    if (!(error instanceof WampCallError)) throw error;
    if (error.uri !== uri) throw new CheckFailure(`${what}: expected error ${uri}, got ${error.uri}`);
    return error;
  }
  throw new CheckFailure(`${what}: expected error ${uri}, but it succeeded with ${show(result)}`);
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns true or `ms` passes; returns whether it did. */
export async function eventually(probe, ms) {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

function show(value) {
  try {
    return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? `${v}n` : v));
  } catch {
    return String(value);
  }
}
