// A raw `ws` WAMP peer joined to realm1, for exact wire checks in the RPC tests: numbers its own
// requests, reads messages in order and can assert that nothing more arrived.
import { expect } from 'vitest';
import { openRaw, type RawPeer } from './raw.js';
import type { SerializerName } from './clients.js';
import { sleep, within } from './async.js';

type Dict = Record<string, unknown>;

const WELCOME = 2;
const REGISTER = 64;
const REGISTERED = 65;

/** msgpack/cbor decode large integers as BigInt; compare them as numbers. */
export function norm(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(norm);
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, norm(item)]));
  }
  return value;
}

/** The rejection reason of `promise`; fails the test when it resolves or hangs. */
export async function rejection(promise: PromiseLike<unknown>, ms = 5000): Promise<Dict> {
  let outcome: { ok: boolean; value: unknown };
  try {
    outcome = { ok: true, value: await within(Promise.resolve(promise), ms, 'waiting for a rejection') };
  } catch (error) {
    outcome = { ok: false, value: error };
  }
  if (outcome.ok) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  return outcome.value as Dict;
}

export class RawSession {
  private request = 0;
  /** Messages read with next(); the rest of peer.received is unread. */
  taken = 0;
  session = 0;
  authid = '';
  welcome: Dict = {};

  constructor(readonly peer: RawPeer) {}

  nextRequest(): number {
    return ++this.request;
  }

  send(list: unknown[]): void {
    this.peer.send(list);
  }

  async next(ms = 2000): Promise<unknown[]> {
    const message = norm(await this.peer.next(ms)) as unknown[];
    this.taken++;
    return message;
  }

  /** Asserts that nothing arrived that was not read yet, and that nothing arrives within `ms`. */
  async silence(ms = 150): Promise<void> {
    await sleep(ms);
    expect(norm(this.peer.received.slice(this.taken))).toEqual([]);
  }

  async register(procedure: string, options: Dict = {}): Promise<number> {
    const request = this.nextRequest();
    this.send([REGISTER, request, options, procedure]);
    const reply = await this.next();
    expect(reply).toEqual([REGISTERED, request, expect.any(Number)]);
    return reply[2] as number;
  }
}

/** Opens a raw peer, joins realm1 announcing `roles`, and registers its close in `closers`. */
export async function joinRaw(
  url: string,
  closers: Array<() => Promise<unknown>>,
  roles: Dict = { caller: {}, callee: {} },
  serializer: SerializerName = 'json',
): Promise<RawSession> {
  const peer = await openRaw(url, serializer);
  closers.push(() => peer.close());
  const client = new RawSession(peer);
  const welcome = norm(await peer.join('realm1', roles)) as [number, number, Dict];
  expect(welcome[0]).toBe(WELCOME);
  client.taken = 1; // join() read the WELCOME
  client.session = welcome[1];
  client.welcome = welcome[2];
  client.authid = welcome[2].authid as string;
  return client;
}
