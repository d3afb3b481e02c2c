// Runs every scenario × column cell, each against its own fresh router, with timeouts and cleanup.
import { createRouter } from '../dist/router/index.js';
import { connect as connectClient, CLIENT_KINDS, SERIALIZERS, NotApplicable } from './clients.mjs';

/** Columns of the table: every client kind over every serializer. */
export const COLUMNS = CLIENT_KINDS.flatMap((kind) => SERIALIZERS.map((serializer) => ({ kind, serializer, id: `${kind}/${serializer}` })));

const SCENARIO_TIMEOUT_MS = 5000;
const CLOSE_TIMEOUT_MS = 1000;
const ZERO_WAIT_MS = 2000;
const ROUTER_CLOSE_TIMEOUT_MS = 3000;
/** Cells run this many at a time (each has its own router, so they cannot interfere). */
const CONCURRENCY = 12;

/**
 * Runs all cells; returns [{ scenario, column, outcome, reason? }] in row-major order.
 * outcome: 'pass' | 'fail' | 'n/a' (the scenario threw NotApplicable: the client library cannot express it).
 */
export async function runMatrix(scenarios) {
  const cells = scenarios.flatMap((scenario) => COLUMNS.map((column) => ({ scenario, column })));
  return pool(
    cells.map(({ scenario, column }) => async () => ({ scenario: scenario.name, column: column.id, ...(await runCell(scenario, column)) })),
    CONCURRENCY,
  );
}

async function runCell(scenario, column) {
  // A scenario may bring its own realms (auth rows: scenarios-auth.mjs).
  const router = createRouter({ ...scenario.router, log: { level: 'silent' }, listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0 }] });
  const [{ url }] = await router.start();
  const clients = [];
  const ctx = {
    kind: column.kind,
    serializer: column.serializer,
    other: CLIENT_KINDS.find((kind) => kind !== column.kind),
    stats: () => router.stats(),
    router,
    /** `options`: { realm, login } for the auth rows. */
    async connect(kind = column.kind, serializer = column.serializer, options = {}) {
      const client = await connectClient(kind, serializer, url, options.realm, options.login);
      clients.push(client);
      return client;
    },
  };

  let reason;
  let notApplicable;
  try {
    await withTimeout(scenario.run(ctx), SCENARIO_TIMEOUT_MS, `timed out after ${SCENARIO_TIMEOUT_MS / 1000} s`);
  } catch (error) {
    if (error instanceof NotApplicable) notApplicable = error.message;
    else reason = describe(error);
  }
  // Teardown: every client says goodbye, then the router must hold nothing.
  await Promise.all(clients.map((client) => withTimeout(client.close(), CLOSE_TIMEOUT_MS, 'close').catch(() => undefined)));
  const leftover = await waitForZero(router, ZERO_WAIT_MS);
  if (!reason && leftover) reason = `after all clients closed, router.stats() = ${JSON.stringify(leftover)}`;
  try {
    await withTimeout(router.close(), ROUTER_CLOSE_TIMEOUT_MS, 'router.close() did not finish');
  } catch (error) {
    reason ??= describe(error);
  }
  // A leak or a router that will not close is a failure even in an n/a cell.
  if (reason) return { outcome: 'fail', reason };
  return notApplicable ? { outcome: 'n/a', reason: notApplicable } : { outcome: 'pass' };
}

/** Polls router.stats() until all zero; returns the last non-zero stats, or undefined once zero. */
export async function waitForZero(router, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const stats = router.stats();
    if (Object.values(stats).every((count) => count === 0)) return undefined;
    if (Date.now() > deadline) return stats;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One line: WAMP errors show their URI (and args), everything else its message. */
export function describe(error) {
  const text = error instanceof Error ? error.message : String(error);
  const prefix = error?.name === 'WampCallError' ? 'unexpected error ' : '';
  return (prefix + text).replace(/\s+/g, ' ').slice(0, 300);
}

export async function pool(tasks, limit) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
