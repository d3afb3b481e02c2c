// GET /health and GET /metrics (router/http/health.ts, metrics.ts) on a real router with real
// clients: the numbers follow sessions, messages, events, calls and errors as they come and go.
import { afterEach, describe, expect, it } from 'vitest';
import { connectAutobahn, type AutobahnClient } from '../helpers/clients.js';
import { openRaw, type RawPeer } from '../helpers/raw.js';
import { connectRawSocket } from '../helpers/raw-rawsocket.js';
import { eventually, expectAllZero, startRouter, type TestRouter } from '../helpers/router.js';
import { http } from '../helpers/http.js';

let running: TestRouter | undefined;
const clients: AutobahnClient[] = [];
const peers: RawPeer[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(peers.splice(0).map((peer) => peer.close()));
  if (running === undefined) return;
  await expectAllZero(running.router);
  await running.router.close();
  running = undefined;
});

async function start(listener: Record<string, unknown> = {}, realms = [{ name: 'realm1' }]): Promise<TestRouter> {
  running = await startRouter({ realms, listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0, ...listener }] });
  return running;
}

async function client(url: string, serializer: 'json' | 'msgpack' | 'cbor' = 'json'): Promise<AutobahnClient> {
  const c = await connectAutobahn(url, serializer);
  clients.push(c);
  return c;
}

/** Scrapes /metrics and returns the value of one sample (undefined when absent). */
async function scrape(port: number): Promise<(sample: string) => number | undefined> {
  const reply = await http(port, '/metrics');
  expect(reply.status).toBe(200);
  const values = new Map<string, number>();
  for (const line of reply.body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return (sample) => values.get(sample);
}

describe('GET /health', () => {
  it('→ 200 JSON {up: true, sessions, realms: [{name, sessions, …}]} that follows sessions', async () => {
    const { port, url } = await start({}, [{ name: 'realm1' }, { name: 'realm2' }]);
    const idle = await http(port, '/health');
    expect(idle.status).toBe(200);
    expect(idle.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(idle.headers['cache-control']).toBe('no-store');
    expect(idle.json).toEqual({
      up: true,
      uptimeSeconds: expect.any(Number),
      sessions: 0,
      realms: [
        { name: 'realm1', sessions: 0, subscriptions: 0, registrations: 0, callsInFlight: 0 },
        { name: 'realm2', sessions: 0, subscriptions: 0, registrations: 0, callsInFlight: 0 },
      ],
    });
    const a = await client(url);
    await a.session.subscribe('com.example.topic', () => undefined);
    await a.session.register('com.example.proc', () => 1);
    const busy = (await http(port, '/health')).json as { sessions: number; realms: Array<Record<string, unknown>> };
    expect(busy.sessions).toBe(1);
    expect(busy.realms[0]).toEqual({ name: 'realm1', sessions: 1, subscriptions: 1, registrations: 1, callsInFlight: 0 });
    await a.close();
    clients.length = 0;
    await expectAllZero(running!.router);
    expect(((await http(port, '/health')).json as { sessions: number }).sessions).toBe(0);
  });

  it('health: false → GET /health is 404', async () => {
    const { port } = await start({ health: false });
    expect((await http(port, '/health')).status).toBe(404);
  });

  it('POST /health → 405', async () => {
    const { port } = await start();
    expect((await http(port, '/health', { method: 'POST', body: '' })).status).toBe(405);
  });

  it('while router.close() waits for GOODBYE replies → 503 {up: false}', async () => {
    const { port, url, router } = await start();
    const peer = await openRaw(url, 'json');
    peers.push(peer);
    await peer.join('realm1');
    const closing = router.close(); // the raw peer never answers the GOODBYE: a 1 s grace period
    const reply = await http(port, '/health');
    expect(reply.status).toBe(503);
    expect(reply.json).toMatchObject({ up: false });
    await closing;
    running = undefined; // closed already
    expect(router.stats().sessions).toBe(0);
  });
});

describe('GET /metrics', () => {
  it('off by default: GET /metrics → 404', async () => {
    const { port } = await start();
    expect((await http(port, '/metrics')).status).toBe(404);
  });

  it('metrics: true → 200 in the Prometheus text format with every sprocket_ family', async () => {
    const { port } = await start({ metrics: true });
    const reply = await http(port, '/metrics');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    for (const family of [
      'sprocket_sessions gauge',
      'sprocket_calls_in_flight gauge',
      'sprocket_messages_in_total counter',
      'sprocket_messages_out_total counter',
      'sprocket_bytes_in_total counter',
      'sprocket_bytes_out_total counter',
      'sprocket_events_delivered_total counter',
      'sprocket_errors_total counter',
      'sprocket_call_duration_seconds histogram',
    ]) {
      expect(reply.body).toContain(`# TYPE ${family}`);
    }
    expect(reply.body).toContain('sprocket_calls_in_flight{realm="realm1"} 0');
  });

  it('sessions by realm and transport: scrape, connect a client → 1, disconnect → 0', async () => {
    const { port, url, router } = await start({ metrics: true });
    let value = await scrape(port);
    expect(value('sprocket_sessions{realm="realm1",transport="websocket"}')).toBeUndefined();
    const a = await client(url);
    value = await scrape(port);
    expect(value('sprocket_sessions{realm="realm1",transport="websocket"}')).toBe(1);
    expect(value('sprocket_messages_in_total{type="HELLO"}')).toBe(1);
    expect(value('sprocket_messages_out_total{type="WELCOME"}')).toBe(1);
    expect(value('sprocket_bytes_in_total{transport="websocket"}')).toBeGreaterThan(0);
    expect(value('sprocket_bytes_out_total{transport="websocket"}')).toBeGreaterThan(0);
    const local = router.realm('realm1').session();
    value = await scrape(port);
    expect(value('sprocket_sessions{realm="realm1",transport="local"}')).toBe(1);
    local.close();
    await a.close();
    clients.length = 0;
    await expectAllZero(router);
    value = await scrape(port);
    expect(value('sprocket_sessions{realm="realm1",transport="websocket"}')).toBe(0);
    expect(value('sprocket_sessions{realm="realm1",transport="local"}')).toBe(0);
    expect(value('sprocket_messages_in_total{type="GOODBYE"}')).toBe(1);
  });

  it.each(['json', 'msgpack', 'cbor'] as const)(
    'over %s: events delivered, messages by type, call latency, calls in flight and errors by URI',
    async (serializer) => {
      const { port, url } = await start({ metrics: true });
      const subscriber = await client(url, serializer);
      const publisher = await client(url, serializer);
      let received = 0;
      await subscriber.session.subscribe('com.example.ticks', () => received++);
      await subscriber.session.subscribe('com.example.ticks.other', () => received++);
      for (let i = 0; i < 3; i++) await publisher.session.publish('com.example.ticks', [i], {}, { acknowledge: true });
      expect(await eventually(() => received === 3)).toBe(true);

      let release: (value: number) => void = () => undefined;
      await subscriber.session.register('com.example.slow', () => new Promise<number>((resolve) => (release = resolve)));
      await subscriber.session.register('com.example.add', (args) => (args[0] as number) + (args[1] as number));
      expect(await publisher.session.call('com.example.add', [2, 3])).toBe(5);
      const slow = publisher.session.call('com.example.slow');
      expect(await eventually(() => running!.router.stats().invocations === 1)).toBe(true);
      let value = await scrape(port);
      expect(value('sprocket_calls_in_flight{realm="realm1"}')).toBe(1);
      release(7);
      expect(await slow).toBe(7);
      await expect(publisher.session.call('com.example.missing')).rejects.toMatchObject({ error: 'wamp.error.no_such_procedure' });

      value = await scrape(port);
      expect(value('sprocket_events_delivered_total{realm="realm1"}')).toBe(3);
      expect(value('sprocket_messages_out_total{type="EVENT"}')).toBe(3);
      expect(value('sprocket_messages_in_total{type="PUBLISH"}')).toBe(3);
      expect(value('sprocket_messages_out_total{type="PUBLISHED"}')).toBe(3);
      expect(value('sprocket_messages_in_total{type="CALL"}')).toBe(3);
      expect(value('sprocket_messages_out_total{type="INVOCATION"}')).toBe(2);
      expect(value('sprocket_messages_in_total{type="YIELD"}')).toBe(2);
      expect(value('sprocket_messages_out_total{type="RESULT"}')).toBe(2);
      expect(value('sprocket_calls_in_flight{realm="realm1"}')).toBe(0);
      expect(value('sprocket_call_duration_seconds_count{realm="realm1"}')).toBe(3);
      expect(value('sprocket_call_duration_seconds_bucket{le="+Inf",realm="realm1"}')).toBe(3);
      expect(value('sprocket_errors_total{uri="wamp.error.no_such_procedure"}')).toBe(1);
    },
  );

  it('a HELLO for an unknown realm → sprocket_errors_total{uri="wamp.error.no_such_realm"} 1 (ABORT counted)', async () => {
    const { port, url } = await start({ metrics: true });
    const peer = await openRaw(url, 'json');
    peers.push(peer);
    peer.send([1, 'no.such.realm', { roles: { subscriber: {} } }]);
    expect((await peer.next())[0]).toBe(3);
    const value = await scrape(port);
    expect(value('sprocket_errors_total{uri="wamp.error.no_such_realm"}')).toBe(1);
    expect(value('sprocket_messages_out_total{type="ABORT"}')).toBe(1);
  });

  it.each(['json', 'cbor'] as const)('RawSocket traffic (%s) is counted too: sessions{transport="rawsocket"}, bytes and messages', async (serializer) => {
    running = await startRouter({
      listeners: [
        { type: 'websocket', host: '127.0.0.1', port: 0, metrics: true },
        { type: 'rawsocket', host: '127.0.0.1', port: 0 },
      ],
    });
    const { port, router } = running;
    const rawPort = router.addresses()[1].port;
    const peer = await connectRawSocket({ port: rawPort, serializer });
    expect((await peer.join('realm1'))[0]).toBe(2);
    peer.send([48, 77, {}, 'com.example.none']);
    expect(await peer.next()).toEqual([8, 48, 77, {}, 'wamp.error.no_such_procedure', expect.any(Array)]);
    let value = await scrape(port);
    expect(value('sprocket_sessions{realm="realm1",transport="rawsocket"}')).toBe(1);
    expect(value('sprocket_bytes_in_total{transport="rawsocket"}')).toBeGreaterThan(0);
    expect(value('sprocket_messages_in_total{type="CALL"}')).toBe(1);
    expect(value('sprocket_errors_total{uri="wamp.error.no_such_procedure"}')).toBe(1);
    expect(value('sprocket_call_duration_seconds_count{realm="realm1"}')).toBe(1);
    await peer.leave();
    await expectAllZero(router);
    value = await scrape(port);
    expect(value('sprocket_sessions{realm="realm1",transport="rawsocket"}')).toBe(0);
  });

  it('two routers in one process keep separate metrics', async () => {
    const { port, url } = await start({ metrics: true });
    const other = await startRouter({ listeners: [{ type: 'websocket', host: '127.0.0.1', port: 0, metrics: true }] });
    try {
      await client(url);
      expect((await scrape(port))('sprocket_sessions{realm="realm1",transport="websocket"}')).toBe(1);
      expect((await scrape(other.port))('sprocket_sessions{realm="realm1",transport="websocket"}')).toBeUndefined();
    } finally {
      await expectAllZero(other.router);
      await other.router.close();
    }
  });
});
