// The complete example of README.md (auth section) (the README's auth section), run as written: its realm and
// its two listeners (ports set to 0): anonymous read-only web clients, ticket-authenticated backend
// services that register, and an internal listener that admits tickets only.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRouter, expectAllZero, type TestRouter } from '../helpers/router.js';
import { SERIALIZER_NAMES } from '../helpers/clients.js';
import { Clients, autobahnError, deferred, wampyError, within } from '../helpers/autobahn-extra.js';
import type { RouterOptions } from '../../router/index.js';
import { autobahnLogin, rawHello, wampyLogin } from './auth-helpers.js';

const example = JSON.parse(/```json\n(\{\n {2}"listeners"[\s\S]*?)\n```/.exec(readFileSync(new URL('../../README.md', import.meta.url), 'utf8').split('## Authentication and authorization')[1])?.[1] ?? 'null') as RouterOptions;
const TICKET = 'change-me-to-a-long-random-ticket';

let t: TestRouter;
let publicUrl: string;
let internalUrl: string;
let clients: Clients;

beforeEach(async () => {
  const listeners = (example.listeners ?? []).map((listener) => ({ ...listener, host: '127.0.0.1', port: 0 }));
  t = await startRouter({ ...example, listeners });
  [publicUrl, internalUrl] = t.router.addresses().map((address) => address.url);
  clients = new Clients();
});

afterEach(async () => {
  await clients.closeAll();
  try {
    await expectAllZero(t.router);
  } finally {
    await t.router.close();
  }
});

describe.each(SERIALIZER_NAMES)('README.md (auth section) example over %s', (serializer) => {
  it('the backend (ticket, internal listener) registers com.example.public.add; a browser (anonymous, public listener) calls it', async () => {
    const backend = await autobahnLogin(internalUrl, serializer, 'realm1', { method: 'ticket', authid: 'orders-service', ticket: TICKET });
    clients.track({ close: () => backend.close() });
    expect(backend.details).toMatchObject({ authid: 'orders-service', authrole: 'backend', authmethod: 'ticket', authprovider: 'static', authextra: { tier: 'internal' } });
    await backend.session.register('com.example.public.add', ([a, b]) => (a as number) + (b as number));
    const browser = await autobahnLogin(publicUrl, serializer, 'realm1', { method: 'anonymous' });
    clients.track({ close: () => browser.close() });
    expect(browser.details).toMatchObject({ authrole: 'public', authmethod: 'anonymous' });
    expect(await browser.session.call('com.example.public.add', [2, 3])).toBe(5);
  });

  it('the browser may not register (the ERROR text the docs quote) nor call under com.example.public.admin.', async () => {
    const browser = await autobahnLogin(publicUrl, serializer, 'realm1', { method: 'anonymous' });
    clients.track({ close: () => browser.close() });
    expect(await autobahnError(browser.session.register('com.example.public.add', () => 0))).toMatchObject({
      error: 'wamp.error.not_authorized',
      args: ['session is not authorized to register "com.example.public.add" (authrole "public")'],
    });
    expect((await autobahnError(browser.session.call('com.example.public.admin.reset'))).error).toBe('wamp.error.not_authorized');
  });

  it('wampy as a backend publishes; a wampy browser subscribed under com.example.public. receives it with the publisher disclosed', async () => {
    const backend = await wampyLogin(internalUrl, serializer, 'realm1', { method: 'ticket', authid: 'orders-service', ticket: TICKET });
    clients.track({ close: () => backend.client.disconnect() });
    const browser = await wampyLogin(publicUrl, serializer, 'realm1', { method: 'anonymous' });
    clients.track({ close: () => browser.client.disconnect() });
    const event = deferred<Record<string, unknown>>();
    await browser.client.subscribe('com.example.public.orders', ({ details }) => event.resolve(details as Record<string, unknown>));
    const received = within(event.promise, 2000, 'event');
    await backend.client.publish('com.example.public.orders', ['order 1']);
    expect(await received).toMatchObject({ publisher_authid: 'orders-service', publisher_authrole: 'backend' });
    expect((await wampyError(browser.client.publish('com.example.public.orders', ['forged']))).errorUri).toBe('wamp.error.not_authorized');
  });
});

describe('README.md (auth section) example: listeners', () => {
  it('the internal listener (auth.methods ["ticket"]) refuses anonymous HELLOs → ABORT wamp.error.authentication_required', async () => {
    const peer = await clients.raw(internalUrl, 'json');
    expect(await rawHello(peer, 'realm1', {})).toEqual([3, { message: 'realm "realm1" requires authentication; it accepts: ticket' }, 'wamp.error.authentication_required']);
  });

  it('a wrong ticket → ABORT wamp.error.authentication_denied', async () => {
    const peer = await clients.raw(publicUrl, 'json');
    expect(await rawHello(peer, 'realm1', { authmethods: ['ticket'], authid: 'orders-service' })).toEqual([4, 'ticket', {}]);
    peer.send([5, 'guess', {}]);
    expect((await peer.next())[2]).toBe('wamp.error.authentication_denied');
  });
});
