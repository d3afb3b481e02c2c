// WAMP-SCRAM (advanced/authentication_scram.md). No JS client speaks it: Debian's Autobahn|Python
// (python3-autobahn's AuthScram, run with /usr/bin/python3) logs in with PBKDF2 and Argon2id
// credentials, and checks the router's server signature; a raw peer checks the spec's own
// AuthMessage form, the mock challenge for unknown authids, and every refusal.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRouter, expectAllZero, type TestRouter } from '../helpers/router.js';
import { SERIALIZER_NAMES } from '../helpers/clients.js';
import { Clients, norm } from '../helpers/autobahn-extra.js';
import { WampError } from '../../router/index.js';
import { DENIED_TEXT } from '../../router/auth/authenticator.js';
import { deriveScramCredential } from '../../router/auth/derive.js';
import { rawHello } from './auth-helpers.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../python/scram_client.py', import.meta.url));

/** Runs the Autobahn|Python client; resolves with its JSON lines (log lines are skipped). */
function python(args: string[], timeoutMs = 20_000): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      const lines = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      if (code !== 0) reject(new Error(`scram_client.py exited ${code}: ${stderr}`));
      else resolve(lines);
    });
  });
}

interface StoredCredential {
  salt: string;
  storedKey: string;
  serverKey: string;
}

let pbkdf2Credential: StoredCredential;
let argon2Credential: StoredCredential;

beforeAll(async () => {
  const check = spawnSync(PYTHON, ['-c', 'import autobahn.wamp.auth as a; assert a.HAS_ARGON, "argon2/passlib missing"; import msgpack, cbor2'], { encoding: 'utf8' });
  if (check.error !== undefined || check.status !== 0) {
    throw new Error(
      `${PYTHON} cannot run Autobahn|Python's WAMP-SCRAM (apt-get install python3-autobahn python3-argon2 python3-passlib python3-msgpack python3-cbor2): ${check.stderr ?? check.error?.message}`,
    );
  }
  [pbkdf2Credential] = (await python(['derive', 'pbkdf2', 'bob-password', 'Ym9iLXNhbHQtMTIzNA==', '4096'])) as unknown as StoredCredential[];
  [argon2Credential] = (await python(['derive', 'argon2id13', 'carol-password', 'Y2Fyb2wtc2FsdC0xMjM0NTY=', '2', '512'])) as unknown as StoredCredential[];
});

let t: TestRouter;
let clients: Clients;
let dynamicCalls: unknown[][];

beforeEach(async () => {
  t = await startRouter({
    realms: [
      {
        name: 'realm1',
        auth: {
          methods: {
            'wamp-scram': {
              principals: [
                { authid: 'alice', role: 'user', password: 'alice-password', iterations: 4096 },
                { authid: 'bob', role: 'user', kdf: 'pbkdf2', iterations: 4096, ...pbkdf2Credential },
                { authid: 'carol', role: 'admin', kdf: 'argon2id13', iterations: 2, memory: 512, ...argon2Credential },
              ],
              authenticator: { procedure: 'com.example.scram_user' },
            },
          },
          rateLimit: { maxFailures: 1000 },
        },
        roles: [{ name: 'user' }, { name: 'admin' }],
      },
    ],
  });
  clients = new Clients();
  dynamicCalls = [];
  const backend = clients.track(t.router.realm('realm1').session({ trusted: true }));
  const dora = deriveScramCredential('dora-password', { salt: randomBytes(16).toString('base64'), iterations: 4096 });
  await backend.register('com.example.scram_user', (args) => {
    dynamicCalls.push(args);
    if (args[1] === 'dora') return { role: 'user', ...dora };
    throw new WampError('wamp.error.authentication_denied', 'no such user');
  });
});

afterEach(async () => {
  await clients.closeAll();
  try {
    await expectAllZero(t.router);
  } finally {
    await t.router.close();
  }
});

describe.each(SERIALIZER_NAMES)('Autobahn|Python over %s', (serializer) => {
  it('authmethods ["scram"] with a configured password (PBKDF2-SHA-256) → WELCOME; the client verified the server signature', async () => {
    const [welcome] = await python(['login', t.url, 'realm1', 'alice', 'alice-password', serializer]);
    expect(welcome).toMatchObject({ event: 'welcome', authid: 'alice', authrole: 'user', authmethod: 'scram', authprovider: 'static' });
    const extra = welcome.authextra as { verifier: string; scram_server_signature: string };
    expect(extra.verifier).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(extra.scram_server_signature).toBe(extra.verifier);
  });

  it('wrong password and unknown authid → the same ABORT wamp.error.authentication_denied', async () => {
    const wrong = await python(['login', t.url, 'realm1', 'alice', 'not-the-password', serializer]);
    const unknown = await python(['login', t.url, 'realm1', 'mallory', 'alice-password', serializer]);
    const denied = { event: 'abort', reason: 'wamp.error.authentication_denied', message: DENIED_TEXT };
    expect([...wrong, ...unknown]).toEqual([denied, denied]);
  });
});

describe('stored credentials (the router never sees the password)', () => {
  it('a PBKDF2 credential {salt, storedKey, serverKey} derived by Autobahn|Python → WELCOME', async () => {
    const [welcome] = await python(['login', t.url, 'realm1', 'bob', 'bob-password', 'msgpack']);
    expect(welcome).toMatchObject({ event: 'welcome', authid: 'bob', authmethod: 'scram' });
  });

  it('an Argon2id credential (kdf argon2id13, iterations 2, memory 512) → the client is told "argon2id-13" and logs in', async () => {
    const [welcome] = await python(['login', t.url, 'realm1', 'carol', 'carol-password', 'cbor']);
    expect(welcome).toMatchObject({ event: 'welcome', authid: 'carol', authrole: 'admin', authmethod: 'scram' });
    const [wrong] = await python(['login', t.url, 'realm1', 'carol', 'bob-password', 'json']);
    expect(wrong).toMatchObject({ event: 'abort', reason: 'wamp.error.authentication_denied' });
  });

  it('a dynamic authenticator returning {role, kdf, iterations, salt, storedKey, serverKey} → WELCOME authprovider "dynamic"', async () => {
    const [welcome] = await python(['login', t.url, 'realm1', 'dora', 'dora-password', 'json']);
    expect(welcome).toMatchObject({ event: 'welcome', authid: 'dora', authprovider: 'dynamic' });
    expect(dynamicCalls[0]).toEqual(['realm1', 'dora', expect.objectContaining({ authmethod: 'wamp-scram' })]);
  });
});

/** The spec's client side (advanced/authentication_scram.md, "SCRAM Algorithms"), with PBKDF2. */
function clientProof(password: string, salt: string, iterations: number, authMessage: string): { proof: string; serverSignature: string } {
  const saltedPassword = pbkdf2Sync(password.normalize('NFKC'), Buffer.from(salt, 'base64'), iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', saltedPassword).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const clientSignature = createHmac('sha256', storedKey).update(authMessage).digest();
  const proof = Buffer.from(clientKey.map((byte, i) => byte ^ clientSignature[i]));
  const serverKey = createHmac('sha256', saltedPassword).update('Server Key').digest();
  return { proof: proof.toString('base64'), serverSignature: createHmac('sha256', serverKey).update(authMessage).digest('base64') };
}

describe('the exchange on the wire (spec form, raw peer)', () => {
  it('authmethods ["wamp-scram"]: CHALLENGE {nonce (client nonce + server nonce), salt, kdf "pbkdf2", iterations}; the spec AuthMessage (c=biws) proof → WELCOME with authextra.verifier', async () => {
    const peer = await clients.raw(t.url, 'json');
    const clientNonce = randomBytes(16).toString('base64');
    const challenge = await rawHello(peer, 'realm1', { authmethods: ['wamp-scram'], authid: 'bob', authextra: { nonce: clientNonce } });
    expect(challenge).toEqual([4, 'wamp-scram', { nonce: expect.any(String), salt: pbkdf2Credential.salt, kdf: 'pbkdf2', iterations: 4096 }]);
    const { nonce } = challenge[2] as { nonce: string };
    expect(nonce.startsWith(clientNonce)).toBe(true);
    expect(nonce.length).toBeGreaterThan(clientNonce.length + 16);
    const authMessage = `n=bob,r=${clientNonce},r=${nonce},s=${pbkdf2Credential.salt},i=4096,c=biws,r=${nonce}`;
    const { proof, serverSignature } = clientProof('bob-password', pbkdf2Credential.salt, 4096, authMessage);
    peer.send([5, proof, { nonce, channel_binding: null, cbind_data: null }]);
    const welcome = norm(await peer.next());
    expect(welcome).toEqual([2, expect.any(Number), expect.objectContaining({ authid: 'bob', authmethod: 'wamp-scram', authextra: { verifier: serverSignature } })]);
  });

  it('authmethods ["wamp-scram"] for an Argon2id principal: kdf "argon2id13" and memory in CHALLENGE', async () => {
    const peer = await clients.raw(t.url, 'cbor');
    const challenge = await rawHello(peer, 'realm1', { authmethods: ['wamp-scram'], authid: 'carol', authextra: { nonce: 'bm9uY2U=' } });
    expect(challenge).toEqual([4, 'wamp-scram', { nonce: expect.any(String), salt: argon2Credential.salt, kdf: 'argon2id13', iterations: 2, memory: 512 }]);
  });

  it('an unknown authid gets a mock CHALLENGE with a salt that is always the same for it (and differs between authids), then the same ABORT', async () => {
    const salts: string[] = [];
    for (const authid of ['nobody', 'nobody', 'somebody-else']) {
      const peer = await clients.raw(t.url, 'json');
      const challenge = await rawHello(peer, 'realm1', { authmethods: ['wamp-scram'], authid, authextra: { nonce: 'bm9uY2U=' } });
      expect(challenge).toEqual([4, 'wamp-scram', { nonce: expect.stringMatching(/^bm9uY2U=/), salt: expect.stringMatching(/^[A-Za-z0-9+/]{22}==$/), kdf: 'pbkdf2', iterations: 4096 }]);
      salts.push((challenge[2] as { salt: string }).salt);
      peer.send([5, randomBytes(32).toString('base64'), {}]);
      expect(norm(await peer.next())).toEqual([3, { message: DENIED_TEXT }, 'wamp.error.authentication_denied']);
    }
    expect(salts[0]).toBe(salts[1]);
    expect(salts[2]).not.toBe(salts[0]);
  });

  it('a correct proof with AUTHENTICATE.Extra.nonce that is not the CHALLENGE nonce → ABORT wamp.error.authentication_denied', async () => {
    const peer = await clients.raw(t.url, 'json');
    const clientNonce = 'Y2xpZW50LW5vbmNl';
    const challenge = await rawHello(peer, 'realm1', { authmethods: ['wamp-scram'], authid: 'bob', authextra: { nonce: clientNonce } });
    const { nonce } = challenge[2] as { nonce: string };
    const { proof } = clientProof('bob-password', pbkdf2Credential.salt, 4096, `n=bob,r=${clientNonce},r=${nonce},s=${pbkdf2Credential.salt},i=4096,c=biws,r=${nonce}`);
    peer.send([5, proof, { nonce: `${nonce}x` }]);
    expect(norm(await peer.next())).toEqual([3, { message: DENIED_TEXT }, 'wamp.error.authentication_denied']);
  });

  it.each([
    ['no authextra.nonce', {}, 'wamp-scram authentication needs HELLO.Details.authextra.nonce (base64)'],
    ['a nonce that is not base64', { nonce: 'not base64!' }, 'wamp-scram authentication needs HELLO.Details.authextra.nonce (base64)'],
    ['channel_binding "tls-unique"', { nonce: 'bm9uY2U=', channel_binding: 'tls-unique' }, 'wamp-scram channel binding "tls-unique" is not supported'],
  ])('HELLO with %s → ABORT wamp.error.authentication_denied saying so', async (_name, authextra, text) => {
    const peer = await clients.raw(t.url, 'json');
    expect(await rawHello(peer, 'realm1', { authmethods: ['wamp-scram'], authid: 'bob', authextra })).toEqual([3, { message: text }, 'wamp.error.authentication_denied']);
  });
});
