// The in-process demo behind the browser page in web/: an application session that publishes a
// ticker every second and registers a demo procedure. The CLI starts it with its default
// config only (no --config); createRouter() never does, so embedding applications and tests
// get a router with nothing running in it. Tests start it against their own router.
import type { Router } from './router.js';
import { CallResult, type LocalSession } from './session/local-session.js';
import { WampError } from '../realms/protocol/errors.js';

/** The URIs the demo page uses. */
export const DEMO_URIS = {
  ticker: 'demo.ticker',
  chat: 'demo.chat',
  add: 'demo.add',
  info: 'demo.info',
} as const;

export interface DemoOptions {
  /** Realm to run in (default realm1). */
  realm?: string;
  /** Ticker period in ms (default 1000). */
  intervalMs?: number;
}

export interface DemoHandle {
  readonly realm: string;
  /** Stops the ticker and closes the demo session (its registrations go with it). */
  stop(): void;
}

/** A random walk, so the live feed has something to draw. */
function nextPrice(price: number): number {
  const step = (Math.random() - 0.5) * 2;
  return Math.max(1, Math.round((price + step) * 100) / 100);
}

/** Starts the demo session in `options.realm` of a started or unstarted router. */
export async function startDemo(router: Router, options: DemoOptions = {}): Promise<DemoHandle> {
  const realm = options.realm ?? 'realm1';
  const intervalMs = options.intervalMs ?? 1000;
  const session: LocalSession = router.realm(realm).session({ authid: 'demo', authrole: 'demo' });
  const startedAt = Date.now();
  let seq = 0;
  let price = 100;
  let timer: NodeJS.Timeout | undefined;
  try {
    await session.register(DEMO_URIS.add, (args) => {
      const [a, b] = args;
      if (typeof a !== 'number' || typeof b !== 'number') {
        throw new WampError('wamp.error.invalid_argument', 'demo.add takes two numbers', ['demo.add takes two numbers']);
      }
      return a + b;
    });
    await session.register(DEMO_URIS.info, () => new CallResult([], { router: 'Sprocket', realm, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000), ticks: seq }));
  } catch (error) {
    session.close();
    throw error;
  }
  const tick = (): void => {
    seq++;
    price = nextPrice(price);
    void session.publish(DEMO_URIS.ticker, [seq, price], { seq, price, symbol: 'SPRK', time: new Date().toISOString() }).catch(() => undefined);
  };
  timer = setInterval(tick, intervalMs);
  timer.unref(); // the listeners keep a CLI process alive; a forgotten demo must not
  tick();
  return {
    realm,
    stop: () => {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      session.close();
    },
  };
}
