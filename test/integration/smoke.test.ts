import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRouter, expectAllZero, type TestRouter } from '../helpers/router.js';
import { connectAutobahn, connectWampy, SERIALIZER_NAMES } from '../helpers/clients.js';

let t: TestRouter;
beforeEach(async () => {
  t = await startRouter();
});
afterEach(async () => {
  await expectAllZero(t.router);
  await t.router.close();
});

describe.each(SERIALIZER_NAMES)('smoke over %s', (serializer) => {
  it('autobahn pub/sub and rpc', async () => {
    const a = await connectAutobahn(t.url, serializer);
    const b = await connectAutobahn(t.url, serializer);
    await a.session.register('com.example.add', (args) => (args[0] as number) + (args[1] as number));
    expect(await b.session.call('com.example.add', [2, 3])).toBe(5);
    let resolveGot: (v: unknown) => void = () => undefined;
    const got = new Promise((resolve) => (resolveGot = resolve));
    await a.session.subscribe('com.example.t', (args) => resolveGot(args));
    await b.session.publish('com.example.t', [1, 'two'], {}, { acknowledge: true });
    expect(await got).toEqual([1, 'two']);
    await a.close();
    await b.close();
  });
  it('wampy connects', async () => {
    const w = await connectWampy(t.url, serializer);
    await w.subscribe('com.example.x', () => undefined);
    await w.disconnect();
  });
});
