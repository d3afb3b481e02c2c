// Shared by the auth-*.test.ts suites: real clients (AutobahnJS, wampy, raw peers) logging in
// with every method they support, key material, and the refusal each client reports.
import { generateKeyPairSync, pbkdf2Sync } from 'node:crypto';
import { createRequire } from 'node:module';
import { Wampy } from 'wampy';
import { JsonSerializer } from 'wampy/JsonSerializer.js';
import { MsgpackSerializer } from 'wampy/MsgpackSerializer.js';
import { CborSerializer } from 'wampy/CborSerializer.js';
import { sign as wampyCraSign } from 'wampy/wampcra.js';
import { sign as wampyCryptosignSign } from 'wampy/cryptosign.js';
import WebSocket from 'ws';
import { ab, connectAutobahn, type AutobahnClient, type SerializerName } from '../helpers/clients.js';
import { norm, within } from '../helpers/autobahn-extra.js';
import type { RawPeer } from '../helpers/raw.js';

export const ROLES = { publisher: {}, subscriber: {}, caller: {}, callee: {} };

// autobahn console.warn()s every connection close (and these suites close many on purpose).
createRequire(import.meta.url)('autobahn/lib/log.js').warn = () => undefined;

/** An Ed25519 key pair as WAMP-Cryptosign clients hold it: 32-byte seed and public key, hex. */
export interface Ed25519Pair {
  seed: string;
  pubkey: string;
}

export function ed25519Pair(): Ed25519Pair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = publicKey.export({ format: 'jwk' }).x ?? '';
  const priv = privateKey.export({ format: 'jwk' }).d ?? '';
  return { seed: Buffer.from(priv, 'base64url').toString('hex'), pubkey: Buffer.from(pub, 'base64url').toString('hex') };
}

/** The derived key a salted WAMP-CRA principal is configured with (what clients derive too). */
export function craKey(password: string, salt: string, iterations = 1000, keylen = 32): string {
  return pbkdf2Sync(password, salt, iterations, keylen, 'sha256').toString('base64');
}

// ── AutobahnJS ─────────────────────────────────────────────────────────────

interface AutobahnAuthModule {
  auth_cra: { sign(key: string, challenge: string): string; derive_key(secret: string, salt: string, iterations?: number, keylen?: number): string };
  auth_cryptosign: { sign_challenge(pkey: unknown, extra: Record<string, unknown>): string; public_key(pkey: unknown): string };
  nacl: { sign: { keyPair: { fromSeed(seed: Uint8Array): unknown } } };
}

const autobahnAuth = ab as unknown as AutobahnAuthModule;

/** What a client needs to log in with one method. */
export type Login =
  | { method: 'anonymous' }
  | { method: 'ticket'; authid: string; ticket: string }
  | { method: 'wampcra'; authid: string; secret: string }
  | { method: 'cryptosign'; authid?: string; pair: Ed25519Pair };

/** AutobahnJS connection options for a login (AutobahnJS's own auth_cra / auth_cryptosign). */
export function autobahnOptions(login: Login): Record<string, unknown> {
  switch (login.method) {
    case 'anonymous':
      return { authmethods: ['anonymous'] };
    case 'ticket':
      return { authmethods: ['ticket'], authid: login.authid, onchallenge: () => login.ticket };
    case 'wampcra':
      return {
        authmethods: ['wampcra'],
        authid: login.authid,
        onchallenge: (_session: unknown, method: string, extra: Record<string, unknown>) => {
          if (method !== 'wampcra') throw new Error(`unexpected challenge ${method}`);
          const key =
            typeof extra.salt === 'string'
              ? autobahnAuth.auth_cra.derive_key(login.secret, extra.salt, extra.iterations as number, extra.keylen as number)
              : login.secret;
          return autobahnAuth.auth_cra.sign(key, extra.challenge as string);
        },
      };
    case 'cryptosign': {
      const pkey = autobahnAuth.nacl.sign.keyPair.fromSeed(Buffer.from(login.pair.seed, 'hex'));
      return {
        authmethods: ['cryptosign'],
        ...(login.authid !== undefined && { authid: login.authid }),
        authextra: { pubkey: autobahnAuth.auth_cryptosign.public_key(pkey) },
        onchallenge: (_session: unknown, method: string, extra: Record<string, unknown>) => {
          if (method !== 'cryptosign') throw new Error(`unexpected challenge ${method}`);
          return autobahnAuth.auth_cryptosign.sign_challenge(pkey, extra);
        },
      };
    }
  }
}

/** The ABORT a client was refused with. */
export interface Refusal {
  reason: string;
  message: string;
}

/** Opens an AutobahnJS session with a login; rejects with the autobahn close details on refusal. */
export function autobahnLogin(url: string, serializer: SerializerName, realm: string, login: Login): Promise<AutobahnClient> {
  // autobahn console.warn()s every connection close; keep test output readable
  return connectAutobahn(url, serializer, realm, { ...autobahnOptions(login), on_user_error: () => undefined, on_internal_error: () => undefined });
}

/** The ABORT that refused an AutobahnJS login (fails when the login succeeded). */
export async function autobahnRefusal(url: string, serializer: SerializerName, realm: string, login: Login): Promise<Refusal> {
  try {
    const client = await within(autobahnLogin(url, serializer, realm, login), 5000, 'autobahn login');
    await client.close();
  } catch (error) {
    const details = (error as { details?: { reason?: string; message?: string } }).details ?? {};
    return { reason: details.reason ?? '(none)', message: details.message ?? '' };
  }
  throw new Error('expected the router to refuse the login, but it welcomed the client');
}

// ── wampy ──────────────────────────────────────────────────────────────────

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

/** wampy options for a login (wampy 8's own wampcra.js / cryptosign.js). wampy needs an authid. */
export function wampyOptions(login: Login): Record<string, unknown> {
  switch (login.method) {
    case 'anonymous':
      return {};
    case 'ticket':
      return { authid: login.authid, authmethods: ['ticket'], onChallenge: () => login.ticket };
    case 'wampcra':
      return { authid: login.authid, authmethods: ['wampcra'], onChallenge: wampyCraSign(login.secret) };
    case 'cryptosign':
      return {
        authid: login.authid ?? login.pair.pubkey,
        authmethods: ['cryptosign'],
        authextra: { pubkey: login.pair.pubkey },
        onChallenge: wampyCryptosignSign(login.pair.seed),
      };
  }
}

export interface WampyLogin {
  client: Wampy;
  details: Record<string, unknown>;
}

export async function wampyLogin(url: string, serializer: SerializerName, realm: string, login: Login): Promise<WampyLogin> {
  const client = new Wampy(url, {
    realm,
    ws: WebSocket,
    serializer: wampySerializer(serializer),
    autoReconnect: false,
    ...wampyOptions(login),
  } as unknown as ConstructorParameters<typeof Wampy>[1]);
  const details = (await client.connect()) as Record<string, unknown>;
  return { client, details: norm(details) };
}

/** The ABORT that refused a wampy login (fails when the login succeeded). */
export async function wampyRefusal(url: string, serializer: SerializerName, realm: string, login: Login): Promise<Refusal> {
  let opened: WampyLogin;
  try {
    opened = await within(wampyLogin(url, serializer, realm, login), 5000, 'wampy login');
  } catch (error) {
    const { errorUri, details } = error as { errorUri?: string; details?: { message?: string } };
    return { reason: errorUri ?? String(error), message: details?.message ?? '' };
  }
  await opened.client.disconnect();
  throw new Error('expected the router to refuse the login, but it welcomed the client');
}

// ── raw peers ──────────────────────────────────────────────────────────────

/** Sends HELLO with `details` (roles added) and returns the router's first answer, normalized. */
export async function rawHello(peer: RawPeer, realm: string, details: Record<string, unknown>): Promise<unknown[]> {
  peer.send([1, realm, { roles: ROLES, ...details }]);
  return norm(await peer.next());
}

/** A raw JSON peer whose upgrade request carries extra headers (X-Forwarded-For). */
export function openRawWithHeaders(url: string, headers: Record<string, string>): Promise<RawPeer> {
  const socket = new WebSocket(url, ['wamp.2.json'], { headers });
  const received: unknown[][] = [];
  let taken = 0;
  const waiters: Array<() => void> = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const wake of waiters.splice(0)) wake();
    }),
  );
  socket.on('message', (data: Buffer) => {
    received.push(JSON.parse(data.toString('utf8')) as unknown[]);
    for (const wake of waiters.splice(0)) wake();
  });
  const peer: RawPeer = {
    socket,
    received,
    closed,
    send: (list) => socket.send(JSON.stringify(list)),
    sendRaw: (data, binary) => socket.send(data, { binary }),
    async next(ms = 2000) {
      const deadline = Date.now() + ms;
      while (taken >= received.length) {
        if (socket.readyState === WebSocket.CLOSED) throw new Error('socket closed before the next message');
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no message within ${ms} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received[taken++];
    },
    async join(realm = 'realm1', roles = ROLES) {
      peer.send([1, realm, { roles }]);
      return peer.next();
    },
    async close() {
      if (socket.readyState !== WebSocket.CLOSED) socket.close();
      await closed;
    },
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(peer));
    socket.once('error', reject);
  });
}
