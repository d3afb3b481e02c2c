// Authentication and authorization rows (issue 5, README, "Authentication and authorization"). Each row brings its own realm config
// (`router`: the realm keys `auth` and `roles`) and logs the column's client in with its own library
// code: AutobahnJS's auth_cra / auth_cryptosign, wampy 8's wampcra.js / cryptosign.js (clients/auth.mjs).
// WAMP-SCRAM has no JS client; it is tested with Autobahn|Python in test/integration/auth-scram.test.ts.
import { generateKeyPairSync, pbkdf2Sync } from 'node:crypto';
import { WampCallError } from './clients.mjs';
import { expect, expectEqual, expectError } from './check.mjs';

const REALM = 'com.example.secure';
const DENIED = 'wamp.error.authentication_denied';
const DENIED_TEXT = 'authentication denied: unknown authid or wrong credentials';

function ed25519() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const hex = (b64url) => Buffer.from(b64url, 'base64url').toString('hex');
  return { seed: hex(privateKey.export({ format: 'jwk' }).d), pubkey: hex(publicKey.export({ format: 'jwk' }).x) };
}

const DEVICE = ed25519();
const SALTED = pbkdf2Sync('sally-password', 'salt123', 100, 32, 'sha256').toString('base64');

const ROUTER = {
  realms: [
    {
      name: REALM,
      auth: {
        methods: {
          anonymous: { role: 'public' },
          ticket: {
            principals: [
              { authid: 'alice', ticket: 'alice-ticket', role: 'user' },
              { authid: 'authsvc', ticket: 'authsvc-ticket', role: 'backend' },
            ],
          },
          wampcra: {
            principals: [
              { authid: 'peter', secret: 'peter-secret', role: 'user' },
              { authid: 'sally', secret: SALTED, salt: 'salt123', iterations: 100, keylen: 32, role: 'user' },
            ],
          },
          cryptosign: { principals: [{ pubkey: DEVICE.pubkey, authid: 'device-1', role: 'user' }] },
        },
        rateLimit: { maxFailures: 1000 },
      },
      roles: [
        { name: 'public', permissions: [{ uri: 'com.example.public.', match: 'prefix', allow: { call: true, subscribe: true } }] },
        { name: 'user', permissions: [{ uri: 'com.example.', match: 'prefix', allow: { call: true, subscribe: true, publish: true } }], authextra: { tier: 'gold' } },
        {
          name: 'backend',
          permissions: [{ uri: 'com.example.', match: 'prefix', allow: { call: true, register: true, publish: true, subscribe: true } }],
        },
        { name: 'dynamic', authorizer: { procedure: 'com.example.authorize', timeoutMs: 1000 } },
      ],
    },
    // the zero-config realm: anonymous only, allow all
    { name: 'realm1' },
  ],
};

/** ROUTER, with a dynamic authenticator for ticket logins the config does not know. */
const DYNAMIC_ROUTER = {
  realms: [
    {
      ...ROUTER.realms[0],
      auth: {
        ...ROUTER.realms[0].auth,
        methods: {
          ...ROUTER.realms[0].auth.methods,
          ticket: { ...ROUTER.realms[0].auth.methods.ticket, authenticator: { procedure: 'com.example.authenticate', timeoutMs: 1000 } },
        },
      },
    },
  ],
};

const TICKET = { method: 'ticket', authid: 'alice', secret: 'alice-ticket' };
const BACKEND = { method: 'ticket', authid: 'authsvc', secret: 'authsvc-ticket' };

/** The identity part of WELCOME.Details. */
function identity(welcome) {
  const { authid, authrole, authmethod, authprovider } = welcome ?? {};
  return { authid, authrole, authmethod, authprovider };
}

/** Logging in must fail with ABORT wamp.error.authentication_denied and the one denial text. */
async function expectDenied(connect, login, what) {
  const error = await expectError(connect(undefined, undefined, { realm: REALM, login }), DENIED, what);
  expectEqual(error.args, [DENIED_TEXT], `${what}: ABORT message`);
}

function login(method) {
  return (connect) => connect(undefined, undefined, { realm: REALM, login: method });
}

export const SCENARIOS = [
  {
    name: 'auth ticket',
    router: ROUTER,
    async run({ connect }) {
      const client = await login(TICKET)(connect);
      expectEqual(identity(client.welcome), { authid: 'alice', authrole: 'user', authmethod: 'ticket', authprovider: 'static' }, 'WELCOME identity');
      expectEqual(client.welcome.authextra, { tier: 'gold' }, "WELCOME.authextra (the role's)");
    },
  },
  {
    name: 'auth ticket wrong / unknown authid',
    router: ROUTER,
    async run({ connect }) {
      await expectDenied(connect, { ...TICKET, secret: 'wrong' }, 'wrong ticket');
      await expectDenied(connect, { ...TICKET, authid: 'mallory' }, 'unknown authid');
    },
  },
  {
    name: 'auth wampcra',
    router: ROUTER,
    async run({ connect }) {
      const client = await login({ method: 'wampcra', authid: 'peter', secret: 'peter-secret' })(connect);
      expectEqual(identity(client.welcome), { authid: 'peter', authrole: 'user', authmethod: 'wampcra', authprovider: 'static' }, 'WELCOME identity');
      await expectDenied(connect, { method: 'wampcra', authid: 'peter', secret: 'wrong' }, 'wrong secret');
    },
  },
  {
    name: 'auth wampcra salted (PBKDF2)',
    router: ROUTER,
    async run({ connect }) {
      const client = await login({ method: 'wampcra', authid: 'sally', secret: 'sally-password' })(connect);
      expectEqual(identity(client.welcome), { authid: 'sally', authrole: 'user', authmethod: 'wampcra', authprovider: 'static' }, 'WELCOME identity');
      await expectDenied(connect, { method: 'wampcra', authid: 'nobody', secret: 'sally-password' }, 'unknown authid');
    },
  },
  {
    name: 'auth cryptosign',
    router: ROUTER,
    async run({ connect }) {
      const client = await login({ method: 'cryptosign', authid: 'device-1', ...DEVICE })(connect);
      expectEqual(identity(client.welcome), { authid: 'device-1', authrole: 'user', authmethod: 'cryptosign', authprovider: 'static' }, 'WELCOME identity');
      await expectDenied(connect, { method: 'cryptosign', authid: 'device-1', ...ed25519() }, 'unknown key');
    },
  },
  {
    name: 'auth dynamic authenticator',
    router: DYNAMIC_ROUTER,
    async run({ connect }) {
      const backend = await login(BACKEND)(connect);
      await backend.register('com.example.authenticate', ({ args }) => {
        const [, authid, details] = args;
        if (authid === 'boom') throw new WampCallError('com.example.database_down');
        if (details.ticket === `${authid}-pw`) return { args: [{ role: 'user', extra: { via: 'backend' } }] };
        throw new WampCallError('wamp.error.authentication_denied');
      });
      const client = await login({ method: 'ticket', authid: 'bob', secret: 'bob-pw' })(connect);
      expectEqual(identity(client.welcome), { authid: 'bob', authrole: 'user', authmethod: 'ticket', authprovider: 'dynamic' }, 'WELCOME identity');
      expectEqual(client.welcome.authextra, { tier: 'gold', via: 'backend' }, 'WELCOME.authextra');
      await expectDenied(connect, { method: 'ticket', authid: 'bob', secret: 'wrong' }, 'denied by the authenticator');
      // an authenticator that raises anything but a denial → authentication_failed
      await expectError(connect(undefined, undefined, { realm: REALM, login: { method: 'ticket', authid: 'boom', secret: 'x' } }), 'wamp.error.authentication_failed', 'authenticator error');
    },
  },
  {
    name: 'auth no_matching_auth_method',
    router: ROUTER,
    async run({ connect }) {
      const refused = await expectError(
        connect(undefined, undefined, { realm: 'realm1', login: TICKET }),
        'wamp.error.no_matching_auth_method',
        'ticket in a realm that accepts only anonymous',
      );
      expect(String(refused.args[0]).endsWith('it accepts: anonymous'), `ABORT message lists what the realm accepts: ${refused.args[0]}`);
    },
  },
  {
    name: 'authz not_authorized',
    router: ROUTER,
    async run({ connect }) {
      const backend = await login(BACKEND)(connect);
      await backend.register('com.example.public.echo', ({ args }) => ({ args }));
      const web = await login({ method: 'anonymous' })(connect);
      expectEqual(web.welcome.authrole, 'public', 'anonymous authrole');
      expectEqual((await web.call('com.example.public.echo', ['hi'])).args, ['hi'], 'allowed CALL');
      const denied = await expectError(web.register('com.example.public.mine', () => ({})), 'wamp.error.not_authorized', 'REGISTER by a public session');
      expectEqual(denied.args, ['session is not authorized to register "com.example.public.mine" (authrole "public")'], 'ERROR text');
      await expectError(web.publish('com.example.public.news', ['x'], undefined, { acknowledge: true }), 'wamp.error.not_authorized', 'acknowledged PUBLISH by a public session');
    },
  },
  {
    name: 'authz dynamic authorizer',
    router: {
      realms: [
        {
          ...ROUTER.realms[0],
          auth: {
            methods: {
              ticket: {
                principals: [
                  { authid: 'authsvc', ticket: 'authsvc-ticket', role: 'backend' },
                  { authid: 'dyn', ticket: 'dyn-ticket', role: 'dynamic' },
                ],
              },
            },
          },
        },
      ],
    },
    async run({ connect }) {
      const backend = await login(BACKEND)(connect);
      await backend.register('com.example.authorize', ({ args }) => ({ args: [args[1].startsWith('com.example.open.')] }));
      await backend.register('com.example.open.echo', ({ args }) => ({ args }));
      await backend.register('com.example.closed.echo', ({ args }) => ({ args }));
      const user = await login({ method: 'ticket', authid: 'dyn', secret: 'dyn-ticket' })(connect);
      expectEqual((await user.call('com.example.open.echo', [1])).args, [1], 'CALL the authorizer allows');
      await expectError(user.call('com.example.closed.echo', [2]), 'wamp.error.not_authorized', 'CALL the authorizer denies');
    },
  },
];
