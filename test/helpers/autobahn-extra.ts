// Small helpers for the integration suites (session, pubsub, rpc, embedding): a tracker that
// closes every client a test opened, rejection helpers for autobahn and wampy errors, and
// wire-level helpers for raw peers (bigint IDs from msgpack/cbor, binary values).
import { Buffer } from 'node:buffer';
import { Wampy } from 'wampy';
import { JsonSerializer } from 'wampy/JsonSerializer.js';
import { MsgpackSerializer } from 'wampy/MsgpackSerializer.js';
import { CborSerializer } from 'wampy/CborSerializer.js';
import WebSocket from 'ws';
import { connectAutobahn, connectWampy, type AutobahnClient, type SerializerName } from './clients.js';
import { openRaw, type RawPeer } from './raw.js';

/** Largest WAMP ID (basic/building_blocks.md#ids). */
export const MAX_ID = 2 ** 53;

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects with a clear message when `promise` does not settle within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The rejection reason of `promise`; fails when it resolves instead, or settles not at all within `ms`. */
export async function rejection(promise: Promise<unknown> | undefined, ms = 5000): Promise<unknown> {
  if (promise === undefined) throw new Error('expected a promise that rejects, got undefined');
  const outcome = await within(
    promise.then(
      (value) => ({ rejected: false as const, value }),
      (error: unknown) => ({ rejected: true as const, error }),
    ),
    ms,
    'waiting for a rejection',
  );
  if (outcome.rejected) return outcome.error;
  throw new Error(`expected a rejection, but the promise resolved with ${safeText(outcome.value)}`);
}

function safeText(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

/** What an autobahn.Error carries. */
export interface AutobahnErrorLike {
  error: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
}

/** The autobahn.Error a request rejected with (fails when it resolved or rejected otherwise). */
export async function autobahnError(promise: Promise<unknown> | undefined): Promise<AutobahnErrorLike> {
  const error = await rejection(promise);
  if (typeof error !== 'object' || error === null || typeof (error as { error?: unknown }).error !== 'string') {
    throw new Error(`expected an autobahn.Error, got ${safeText(error)} (${String(error)})`);
  }
  return error as AutobahnErrorLike;
}

/** What wampy's errors carry (wampy/dist/esm/errors: WampError, AbortError, ...). */
export interface WampyErrorLike {
  errorUri: string;
  details?: Record<string, unknown>;
  argsList?: unknown[];
  argsDict?: Record<string, unknown>;
}

/** The wampy error a request rejected with. */
export async function wampyError(promise: Promise<unknown>): Promise<WampyErrorLike> {
  const error = await rejection(promise);
  if (typeof error !== 'object' || error === null || typeof (error as { errorUri?: unknown }).errorUri !== 'string') {
    throw new Error(`expected a wampy error with errorUri, got ${safeText(error)} (${String(error)})`);
  }
  return error as WampyErrorLike;
}

/** True for an integer WAMP ID in 1..2^53 (a number, or a bigint as msgpack/cbor decode uint64). */
export function isWampId(value: unknown): boolean {
  if (typeof value === 'bigint') return value >= 1n && value <= BigInt(MAX_ID);
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_ID;
}

/** Deep copy with every bigint turned into a number (WAMP IDs fit a double exactly). */
export function norm<T>(value: T): T {
  return normValue(value) as T;
}

function normValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(normValue);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = normValue(item);
    return out;
  }
  return value;
}

/** The JSON binary convention (advanced/serialization_binary_json.md): NUL + base64. */
export function jsonBinary(bytes: Uint8Array): string {
  return '\u0000' + Buffer.from(bytes).toString('base64');
}

/** Bytes as a plain Buffer, to compare with `equals`; fails for non-bytes. */
export function asBytes(value: unknown): Buffer {
  if (!(value instanceof Uint8Array)) throw new Error(`expected bytes, got ${typeof value}: ${safeText(value)}`);
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** Next raw message, with bigint IDs normalized to numbers. */
export async function nextMessage(peer: RawPeer, ms = 2000): Promise<unknown[]> {
  return norm(await peer.next(ms));
}

/** HELLO + WELCOME on a raw peer; returns the session id (fails on anything but WELCOME). */
export async function joinRaw(peer: RawPeer, realm = 'realm1'): Promise<number> {
  const welcome = norm(await peer.join(realm));
  if (welcome[0] !== 2) throw new Error(`expected WELCOME, got ${safeText(welcome)}`);
  return welcome[1] as number;
}

function wampySerializer(name: SerializerName): unknown {
  switch (name) {
    case 'json':
      return new JsonSerializer();
    case 'msgpack':
      return new MsgpackSerializer();
    case 'cbor':
      return new CborSerializer();
  }
}

/** Opens a wampy session and keeps the WELCOME.Details that `connect()` resolves with. */
export async function connectWampyWithDetails(url: string, serializer: SerializerName, realm = 'realm1'): Promise<{ client: Wampy; details: Record<string, unknown> }> {
  const client = new Wampy(url, {
    realm,
    ws: WebSocket,
    serializer: wampySerializer(serializer),
    autoReconnect: false,
  } as unknown as ConstructorParameters<typeof Wampy>[1]);
  const details = await client.connect();
  return { client, details };
}

/** Every client a test opens, so `afterEach` can close them all and then check the router is at zero. */
export class Clients {
  private closers: Array<() => Promise<unknown>> = [];

  async autobahn(url: string, serializer: SerializerName, realm = 'realm1', extra: Record<string, unknown> = {}): Promise<AutobahnClient> {
    const client = await connectAutobahn(url, serializer, realm, extra);
    this.closers.push(() => client.close());
    return client;
  }

  async wampy(url: string, serializer: SerializerName, realm = 'realm1'): Promise<Wampy> {
    const client = await connectWampy(url, serializer, realm);
    this.closers.push(() => client.disconnect());
    return client;
  }

  async wampyWithDetails(url: string, serializer: SerializerName, realm = 'realm1'): Promise<{ client: Wampy; details: Record<string, unknown> }> {
    const opened = await connectWampyWithDetails(url, serializer, realm);
    this.closers.push(() => opened.client.disconnect());
    return opened;
  }

  async raw(url: string, serializer: SerializerName): Promise<RawPeer> {
    const peer = await openRaw(url, serializer);
    this.closers.push(() => peer.close());
    return peer;
  }

  /** A raw peer that has joined `realm`; with its session id. */
  async rawJoined(url: string, serializer: SerializerName, realm = 'realm1'): Promise<{ peer: RawPeer; sessionId: number }> {
    const peer = await this.raw(url, serializer);
    const sessionId = await joinRaw(peer, realm);
    return { peer, sessionId };
  }

  /** Anything else with a close (a LocalSession). */
  track<T extends { close(): unknown }>(thing: T): T {
    this.closers.push(async () => thing.close());
    return thing;
  }

  /** Closes everything opened so far, concurrently, each bounded in time; fails if one does not close. */
  async closeAll(ms = 3000): Promise<void> {
    const closers = this.closers;
    this.closers = [];
    const results = await Promise.allSettled(closers.map((close) => within(Promise.resolve().then(close), ms, 'closing a client')));
    const failed = results.filter((result) => result.status === 'rejected');
    if (failed.length > 0) {
      throw new Error(`${failed.length} client(s) did not close: ${failed.map((f) => String((f as PromiseRejectedResult).reason)).join('; ')}`);
    }
  }
}
