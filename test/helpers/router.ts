// A real router on an ephemeral port, and the "every test ends at zero" check.
import { expect } from 'vitest';
import { createRouter, type Router, type RouterOptions, type RouterStats } from '../../router/index.js';

export interface TestRouter {
  router: Router;
  /** ws://127.0.0.1:PORT/ws */
  url: string;
  port: number;
}

/** Starts a router on 127.0.0.1:0 with logging off; extra options are merged in. */
export async function startRouter(options: RouterOptions = {}): Promise<TestRouter> {
  const router = createRouter({
    log: { level: 'silent' },
    ...options,
    listeners: options.listeners ?? [{ type: 'websocket', host: '127.0.0.1', port: 0 }],
  });
  const [address] = await router.start();
  return { router, url: address.url, port: address.port };
}

const ZERO: RouterStats = { sessions: 0, subscriptions: 0, registrations: 0, invocations: 0, timers: 0 };

/** Polls up to `ms` until every count in router.stats() is zero, then asserts it. */
export async function expectAllZero(router: Router, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const stats = router.stats();
    if (Object.values(stats).every((value) => value === 0)) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(router.stats()).toEqual(ZERO);
}

/** Polls until `check` is true or `ms` passes; returns whether it became true. */
export async function eventually(check: () => boolean, ms = 2000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
