// The in-process demo (router/demo.ts) without a browser: ticker events and demo.add reach
// AutobahnJS clients; createRouter() alone runs no demo; stop() leaves nothing behind.
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_URIS, startDemo, type DemoHandle } from '../../router/demo.js';
import { connectAutobahn, type AutobahnClient } from '../helpers/clients.js';
import { eventually, expectAllZero, startRouter, type TestRouter } from '../helpers/router.js';

let running: TestRouter | undefined;
let demo: DemoHandle | undefined;
const clients: AutobahnClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  demo?.stop();
  demo = undefined;
  if (running === undefined) return;
  await expectAllZero(running.router);
  await running.router.close();
  running = undefined;
});

describe('demo session', () => {
  it('createRouter() runs no demo: demo.add → wamp.error.no_such_procedure, no sessions or registrations', async () => {
    running = await startRouter();
    expect(running.router.stats()).toEqual({ sessions: 0, subscriptions: 0, registrations: 0, invocations: 0, timers: 0 });
    const client = await connectAutobahn(running.url, 'json');
    clients.push(client);
    await expect(client.session.call(DEMO_URIS.add, [1, 2])).rejects.toMatchObject({ error: 'wamp.error.no_such_procedure' });
  });

  it('startDemo → demo.ticker events [seq, price] with kwargs {seq, price, symbol, time}; demo.add(2, 3) → 5', async () => {
    running = await startRouter();
    demo = await startDemo(running.router, { intervalMs: 50 });
    const client = await connectAutobahn(running.url, 'msgpack');
    clients.push(client);
    const ticks: Array<{ args: unknown[]; kwargs: Record<string, unknown> }> = [];
    await client.session.subscribe(DEMO_URIS.ticker, (args, kwargs) => ticks.push({ args, kwargs }));
    expect(await eventually(() => ticks.length >= 3)).toBe(true);
    expect(ticks[0].args).toEqual([expect.any(Number), expect.any(Number)]);
    expect(ticks[0].kwargs).toEqual({ seq: ticks[0].args[0], price: ticks[0].args[1], symbol: 'SPRK', time: expect.any(String) });
    expect(Number(ticks[1].args[0])).toBe(Number(ticks[0].args[0]) + 1);
    expect(await client.session.call(DEMO_URIS.add, [2, 3])).toBe(5);
    await expect(client.session.call(DEMO_URIS.add, ['a', 3])).rejects.toMatchObject({ error: 'wamp.error.invalid_argument' });
    const info = (await client.session.call(DEMO_URIS.info)) as { kwargs: Record<string, unknown> };
    expect(info.kwargs).toMatchObject({ router: 'Sprocket', realm: 'realm1' });
  });

  it('stop() ends the ticker and unregisters demo.add; the router returns to zero', async () => {
    running = await startRouter();
    demo = await startDemo(running.router, { intervalMs: 20 });
    expect(running.router.stats()).toMatchObject({ sessions: 1, registrations: 2 });
    demo.stop();
    demo = undefined;
    await expectAllZero(running.router);
  });

  it('a realm the router does not serve → startDemo rejects', async () => {
    running = await startRouter();
    await expect(startDemo(running.router, { realm: 'nope' })).rejects.toThrow(/no realm "nope"/);
  });
});
