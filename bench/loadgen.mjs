// The load generator: one lean process speaking WAMP over raw `ws` with hand-built frames.
// It drives every target in cfg.targets: "wamp" (Sprocket: HELLO, SUBSCRIBE, REGISTER first) and
// "raw" (the baseline, which takes roles from the URL query). Throughput scenarios set up all
// targets, then measure them in alternating slices (A B, B A, …) so that load from other jobs
// on the machine falls on both alike. Marks and results go to the orchestrator over IPC.
import WebSocket from 'ws';
import { Histogram, MSG, PROTOCOL, callFrame, decode, encode, publishFrame, readTs, typeOf, yieldFrame } from './wire.mjs';

const cfg = JSON.parse(process.argv[2]);
const { ser } = cfg;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const noop = () => undefined;
const zeroMask = (mask) => mask.fill(0); // an all-zero mask lets ws skip masking: leaner client
const ROLES = { publisher: {}, subscriber: {}, caller: {}, callee: {} };

setTimeout(() => fail(new Error(`load generator timed out after ${cfg.timeoutMs} ms`)), cfg.timeoutMs);
process.on('disconnect', () => process.exit(0));
process.on('message', (m) => m.type === 'stop' && process.exit(0));

function fail(error) {
  process.send?.({ type: 'error', message: String(error?.stack ?? error) });
  process.exit(1);
}

/** One server under test and what the generator counts for it. */
class Target {
  constructor({ name, target, url }) {
    Object.assign(this, { name, url, wamp: target === 'wamp' });
    this.hist = new Histogram();
    this.count = 0; // events / calls / sessions while measuring
    this.errors = 0;
    this.seconds = 0;
    this.cpu = 0;
    this.active = false; // sending
    this.measuring = false; // counting
    this.requestId = 0;
    this.kick = noop; // starts sending once active
    this.inFlight = () => 0;
  }

  latency(since) {
    if (this.measuring) this.hist.add((performance.now() - since) * 1000);
  }

  open(query) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.wamp ? this.url : this.url + query, [PROTOCOL[ser]], {
        perMessageDeflate: false,
        generateMask: zeroMask,
        skipUTF8Validation: true,
      });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  }

  /** A connection; on Sprocket a joined WAMP session (HELLO/WELCOME). */
  async session(query, hello = this.wamp) {
    const ws = await this.open(query);
    ws.on('error', noop);
    if (hello) await request(ws, [MSG.HELLO, 'realm1', { roles: ROLES }], MSG.WELCOME);
    return ws;
  }

  async subscriber(topic) {
    const ws = await this.session(`?role=sub&topic=${topic}`);
    if (this.wamp) await request(ws, [MSG.SUBSCRIBE, ++this.requestId, {}, topic], MSG.SUBSCRIBED);
    return ws;
  }

  result() {
    const { count, seconds, cpu, errors, hist } = this;
    return { count, seconds, rate: count / seconds, genCpu: cpu / seconds, p50: hist.percentile(50), p99: hist.percentile(99), errors };
  }
}

/** Sends a setup message and resolves with the decoded reply, which must be of type `expect`. */
function request(ws, list, expect) {
  return new Promise((resolve, reject) => {
    ws.once('message', (data) => {
      const reply = decode(ser, data);
      if (reply[0] === expect) resolve(reply);
      else reject(new Error(`expected message type ${expect}, got ${JSON.stringify(reply)}`));
    });
    ws.send(encode(ser, list));
  });
}

/** Runs fn(i) for i < count with at most `limit` running at once. */
async function pool(count, limit, fn) {
  const out = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return out;
}

/** Topic t gets its subscribers' events; its publishers keep `window` publications each in flight. */
async function pubsub(t, topics, subsPerTopic, publishers, window) {
  const state = Array.from({ length: topics }, (_, i) => ({ name: `bench.topic.${i}`, pubs: [], published: 0, received: 0, next: 0 }));
  const subs = await pool(topics * subsPerTopic, 200, (i) => t.subscriber(state[i % topics].name));
  for (let p = 0; p < publishers; p++) {
    const topic = state[p % topics];
    topic.pubs.push({ ws: await t.session(`?role=pub&topic=${topic.name}`), frame: publishFrame(ser, topic.name, cfg.payload) });
  }
  const pump = (topic) => {
    const limit = window * topic.pubs.length;
    while (t.active && topic.published - topic.received / subsPerTopic < limit) {
      const pub = topic.pubs[topic.next++ % topic.pubs.length];
      const seq = ++topic.published;
      pub.ws.send(pub.frame(seq, seq, performance.now()));
    }
  };
  subs.forEach((ws, i) => {
    const topic = state[i % topics];
    ws.on('message', (data) => {
      topic.received++;
      if (t.measuring) t.count++;
      t.latency(readTs(ser, data));
      pump(topic);
    });
  });
  t.kick = () => state.forEach(pump);
  t.inFlight = () => state.reduce((sum, topic) => sum + topic.published * subsPerTopic - topic.received, 0);
}

async function rpc(t, callers) {
  const callee = await t.session('?role=callee');
  if (t.wamp) await request(callee, [MSG.REGISTER, ++t.requestId, {}, 'bench.echo'], MSG.REGISTERED);
  const answer = yieldFrame(ser, cfg.payload);
  callee.on('message', (data) => {
    const type = typeOf(ser, data);
    if (type === MSG.INVOCATION || type === MSG.CALL) callee.send(answer(data));
  });
  const call = callFrame(ser, 'bench.echo', cfg.payload);
  const sockets = await pool(callers, 200, () => t.session('?role=caller'));
  let outstanding = 0;
  const fires = sockets.map((ws) => {
    let req = 0;
    let sentAt = 0;
    let waiting = false;
    const fire = () => {
      if (waiting || !t.active) return;
      waiting = true;
      outstanding++;
      sentAt = performance.now();
      ws.send(call(++req));
    };
    ws.on('message', (data) => {
      waiting = false;
      outstanding--;
      const type = typeOf(ser, data);
      if (type !== MSG.RESULT && type !== MSG.YIELD) t.errors++;
      else if (t.measuring) t.count++;
      t.latency(sentAt);
      fire();
    });
    return fire;
  });
  t.kick = () => fires.forEach((fire) => fire());
  t.inFlight = () => outstanding;
}

/** Stops sending and waits (bounded) until nothing is in flight. */
async function quiesce(t) {
  t.active = false;
  const deadline = Date.now() + 5000;
  while (t.inFlight() > 0 && Date.now() < deadline) await sleep(5);
}

/** Warm-up per target, then `slices` rounds of one measured slice per target, order alternating. */
async function measureAlternating(targets) {
  for (const t of targets) {
    t.active = true;
    t.kick();
    await sleep(cfg.warmupMs);
    await quiesce(t);
  }
  const sliceMs = cfg.durationMs / cfg.slices;
  for (let s = 0; s < cfg.slices; s++) {
    for (const t of s % 2 === 0 ? targets : [...targets].reverse()) {
      t.active = true;
      t.kick();
      await sleep(cfg.settleMs); // the pipeline fills before counting starts
      process.send({ type: 'start', target: t.name });
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      t.measuring = true;
      await sleep(sliceMs);
      t.measuring = false;
      t.seconds += (performance.now() - t0) / 1000;
      process.send({ type: 'end', target: t.name });
      const cpu = process.cpuUsage(cpu0);
      t.cpu += (cpu.user + cpu.system) / 1e6;
      await quiesce(t);
    }
  }
}

/** Opens `conns` sessions (HELLO/WELCOME on both kinds of target) and keeps them open, idle. */
async function connect(t, conns) {
  process.send({ type: 'start', target: t.name });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  t.measuring = true;
  const sockets = await pool(conns, cfg.concurrency, async () => {
    const begun = performance.now();
    const ws = await t.session('?role=conn', true);
    t.latency(begun); // connect + upgrade + HELLO/WELCOME
    t.count++;
    return ws;
  });
  t.seconds = (performance.now() - t0) / 1000;
  process.send({ type: 'end', target: t.name });
  const cpu = process.cpuUsage(cpu0);
  t.cpu = (cpu.user + cpu.system) / 1e6;
  return sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length;
}

try {
  const targets = cfg.targets.map((spec) => new Target(spec));
  const results = {};
  if (cfg.scenario === 'connect') {
    for (const t of targets) results[t.name] = { open: await connect(t, cfg.conns) };
  } else {
    for (const t of targets) {
      if (cfg.scenario === 'fanout') await pubsub(t, 1, cfg.n, 1, cfg.window);
      else if (cfg.scenario === 'many') await pubsub(t, cfg.topics, cfg.subsPerTopic, cfg.publishers, cfg.window);
      else if (cfg.scenario === 'rpc') await rpc(t, cfg.c);
      else throw new Error(`unknown scenario ${cfg.scenario}`);
    }
    await measureAlternating(targets);
  }
  for (const t of targets) results[t.name] = { ...results[t.name], ...t.result() };
  process.send({ type: 'result', results });
  // Sockets stay open until the orchestrator says stop (it may be measuring memory).
} catch (error) {
  fail(error);
}
