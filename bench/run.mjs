#!/usr/bin/env node
// `npm run bench`: Sprocket against the raw-ws baseline, each in its own process, driven by the
// same load generator in the same run. Flags (or BENCH_* env vars, e.g. BENCH_DURATION=3):
//   --duration S --warmup S --slices K   per target: warm-up, then S seconds measured in K slices
//                      that alternate between Sprocket and the baseline (A B, B A, …)
//   --scenarios fanout,rpc,many,connect   --ser json,msgpack
//   --fanout-n 1,10,100,1000  --rpc-c 1,16,128  --many PxTxS (publishers x topics x subscribers/topic)
//   --window-events E  fan-out in-flight window: ceil(E/N) publications, 2..64
//   --many-window W    publications in flight per publisher   --payload BYTES
//   --conns N --conn-concurrency K --conn-ser json
//   --retries R --noisy CORES   re-run a pair (R times at most) while other processes use > CORES
//   --quiet-wait S     seconds in all to wait for such load to drop before pairs
//   --budget S         waits and re-runs only happen while the run stays within S seconds
//   --dist DIR         benchmark another build of the router (A/B against dist/)
//   --cpu-prof         profile fresh server processes, only on --profile-cases (scenario/size/ser,…)
//   --smoke            a few seconds, tiny sizes, no README update   --json-out FILE   --note TEXT
import { execFileSync, fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare, evaluateTargets, machineInfo, markdownReport, pairRow, updateReadme } from './report.mjs';
import { summarizeProfile } from './profile-summary.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const DEFAULTS = {
  duration: 5, warmup: 1, slices: 5, // per target: warm-up, then `duration` s measured in alternating slices
  scenarios: 'fanout,rpc,many,connect', ser: 'json,msgpack',
  fanoutN: '1,10,100,1000', rpcC: '1,16,128', many: '100x100x10', windowEvents: 500, manyWindow: 2,
  payload: 32, conns: 10000, connConcurrency: 200, connSer: 'json',
  profileCases: 'fanout/100/msgpack,fanout/100/json,rpc/16/msgpack,rpc/16/json',
  retries: 1, noisy: 0.35, // re-run a pair when other processes kept more than `noisy` cores busy
  quietWait: 60, // seconds, in all, to wait for a quiet machine before pairs
  budget: 330, // seconds: waits and re-runs only use time the plan leaves under this
  dist: '', // another router build to benchmark (A/B), default dist/
  cpuProf: false, smoke: false, jsonOut: '', note: '', readme: true,
};
const SMOKE = { duration: 0.3, warmup: 0.1, slices: 2, fanoutN: '3', rpcC: '2', many: '2x2x2', conns: 50, readme: false, retries: 0, quietWait: 0 };

function parseConfig(argv, env) {
  const cfg = { ...DEFAULTS };
  const set = (key, value) => {
    if (!(key in DEFAULTS)) throw new Error(`unknown option --${key}`);
    const kind = typeof DEFAULTS[key];
    cfg[key] = kind === 'number' ? Number(value) : kind === 'boolean' ? value !== 'false' && value !== '0' : String(value);
  };
  for (const key of Object.keys(DEFAULTS)) {
    const name = `BENCH_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
    if (env[name] !== undefined) set(key, env[name]);
  }
  const flags = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].replace(/^--/, '').split('=');
    const key = flag.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    const boolean = typeof DEFAULTS[key] === 'boolean';
    const explicit = /^(true|false|0|1)$/.test(argv[i + 1] ?? '');
    flags[key] = inline ?? (boolean && !explicit ? 'true' : argv[++i]);
  }
  if (flags.smoke === 'true' || cfg.smoke) Object.assign(cfg, SMOKE, { smoke: true });
  for (const [key, value] of Object.entries(flags)) set(key, value);
  if (cfg.cpuProf) Object.assign(cfg, { readme: false, retries: 0 }); // a re-run would overwrite the profile
  return cfg;
}

const list = (text) => String(text).split(',').map((s) => s.trim()).filter(Boolean);

/** The cases to run: one per scenario, size and serializer. */
function buildCases(cfg) {
  const cases = [];
  const sers = list(cfg.ser);
  const scenarios = list(cfg.scenarios);
  for (const ser of sers) {
    if (scenarios.includes('fanout')) for (const n of list(cfg.fanoutN).map(Number)) {
      const window = Math.min(64, Math.max(2, Math.ceil(cfg.windowEvents / n)));
      cases.push({ scenario: 'fanout', param: `N=${n}`, ser, n, window });
    }
    if (scenarios.includes('rpc')) for (const c of list(cfg.rpcC).map(Number)) cases.push({ scenario: 'rpc', param: `C=${c}`, ser, c });
    if (scenarios.includes('many')) {
      const [publishers, topics, subsPerTopic] = cfg.many.split('x').map(Number);
      cases.push({ scenario: 'many', param: cfg.many, ser, publishers, topics, subsPerTopic, window: cfg.manyWindow });
    }
  }
  if (scenarios.includes('connect')) {
    const limit = openFileLimit();
    let conns = cfg.conns;
    if (limit !== undefined && conns > limit - 500) {
      conns = Math.max(1, limit - 500);
      console.log(`NOTE: open-file limit (ulimit -n) is ${limit}; connection scale lowered from ${cfg.conns} to ${conns} sessions.`);
    }
    cases.push({ scenario: 'connect', param: `${conns} sessions`, ser: cfg.connSer, conns, concurrency: cfg.connConcurrency, fresh: true });
  }
  for (const c of cases) c.id = `${c.scenario} ${c.param} ${c.ser}`;
  if (!cfg.cpuProf) return cases;
  const wanted = list(cfg.profileCases).map((spec) => spec.split('/'));
  return cases
    .filter((c) => wanted.some(([s, size, ser]) => s === c.scenario && c.param.slice(2) === size && ser === c.ser))
    .map((c) => ({ ...c, fresh: true }));
}

function openFileLimit() {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    return Number(line.split(/\s+/)[3]);
  } catch {
    return undefined;
  }
}

// ── processes ──
const SCRIPTS = { sprocket: join(here, 'server-sprocket.mjs'), baseline: join(here, 'server-baseline.mjs') };
const CLK_TCK = 100; // Linux USER_HZ
const CORES = os.availableParallelism();

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function exited(child, ms = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return withTimeout(new Promise((resolve) => child.once('exit', resolve)), ms, 'exit').catch(() => child.kill('SIGKILL'));
}

async function startServer(target, cfg, profile) {
  const execArgv = ['--expose-gc'];
  if (profile) mkdirSync(dirname(profile), { recursive: true });
  if (profile) execArgv.push('--cpu-prof', `--cpu-prof-dir=${dirname(profile)}`, `--cpu-prof-name=${basename(profile)}`);
  const env = { ...process.env, SPROCKET_DIST: cfg.dist ? resolve(cfg.dist) : '' };
  const child = fork(SCRIPTS[target], [], { execArgv, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 0;
  const ready = new Promise((resolve, reject) => {
    child.on('message', (m) => (m.type === 'ready' ? resolve(m) : pending.get(m.id)?.(m.reply)));
    child.once('exit', (code) => reject(new Error(`${target} server exited (${code})`)));
  });
  const { url } = await withTimeout(ready, 15000, `${target} server start`);
  const ask = (type) => {
    const id = ++nextId;
    const answer = new Promise((resolve) => pending.set(id, resolve));
    child.send({ type, id });
    return withTimeout(answer, 15000, `${target} ${type}`).finally(() => pending.delete(id));
  };
  const stop = () => (child.connected && child.send({ type: 'stop' }), exited(child));
  return { target, url, child, ask, stop, profile };
}

/** CPU seconds of a process: /proc/<pid>/stat, else process.cpuUsage() over IPC. */
async function cpuSeconds(server) {
  try {
    const stat = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    const { user, system } = await server.ask('cpu');
    return (user + system) / 1e6;
  }
}

/** Busy and total jiffies of the whole machine (/proc/stat), to see load from other processes. */
function machineJiffies() {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const idle = values[3] + values[4];
    const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Waits up to `ms` until other processes leave the machine (nearly) idle. */
async function waitForQuiet(cfg, ms) {
  const begun = Date.now();
  while (Date.now() - begun < ms) {
    const a = machineJiffies();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const b = machineJiffies();
    if (a === undefined || b === undefined) return;
    if (((b.busy - a.busy) / (b.total - a.total)) * CORES <= cfg.noisy) break;
  }
  if (Date.now() - begun > 1000) console.log(`  (waited ${((Date.now() - begun) / 1000).toFixed(1)} s for other load to drop)`);
}

/**
 * Runs one generator against `servers` ({ sprocket, baseline } or just one): per target the
 * generator's numbers plus server CPU (summed over its measured slices), other load and memory.
 */
async function runGen(cfg, kase, servers) {
  const names = Object.keys(servers);
  const base = {};
  const mem0 = {};
  for (const name of names) {
    base[name] = (await servers[name].ask('stats')).sessions;
    if (kase.scenario === 'connect') mem0[name] = await servers[name].ask('mem');
  }
  const genCfg = { ...kase, payload: cfg.payload, slices: cfg.slices, settleMs: 50 };
  genCfg.targets = names.map((name) => ({ name, target: name === 'sprocket' ? 'wamp' : 'raw', url: servers[name].url }));
  Object.assign(genCfg, { warmupMs: cfg.warmup * 1000, durationMs: cfg.duration * 1000 });
  genCfg.timeoutMs = 2 * (genCfg.warmupMs + genCfg.durationMs) + 90000;
  const gen = fork(join(here, 'loadgen.mjs'), [JSON.stringify(genCfg)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const mark = async (server) => ({
    t: performance.now(),
    cpu: await cpuSeconds(server),
    machine: machineJiffies(),
    clock: server.profile ? await server.ask('now') : undefined,
  });
  const acc = Object.fromEntries(names.map((name) => [name, { cpu: 0, wall: 0, busy: 0, total: 0, windows: [] }]));
  const begun = {};
  let marks = Promise.resolve();
  try {
    const results = await withTimeout(
      new Promise((resolve, reject) => {
        gen.on('message', (m) => {
          if (m.type === 'start') begun[m.target] = mark(servers[m.target]);
          else if (m.type === 'end') {
            const [from, to, a] = [begun[m.target], mark(servers[m.target]), acc[m.target]];
            marks = marks.then(async () => {
              const [s, e] = [await from, await to];
              a.cpu += e.cpu - s.cpu;
              a.wall += (e.t - s.t) / 1000;
              if (s.machine && e.machine) (a.busy += e.machine.busy - s.machine.busy), (a.total += e.machine.total - s.machine.total);
              a.windows.push([s.clock, e.clock]);
            });
          } else if (m.type === 'result') resolve(m.results);
          else if (m.type === 'error') reject(new Error(m.message));
        });
        gen.once('exit', (code) => reject(new Error(`load generator exited (${code}) before its result`)));
      }),
      genCfg.timeoutMs,
      `${kase.id} on ${names.join(' + ')}`,
    );
    await marks;
    for (const name of names) {
      const [result, a, server] = [results[name], acc[name], servers[name]];
      result.routerCpu = a.cpu / a.wall;
      // Cores busy outside the server and the generator: another job on the machine skews the run.
      if (a.total > 0) result.otherCpu = Math.max(0, (a.busy / a.total) * CORES - result.routerCpu - result.genCpu);
      // The measured slices, so the profile summary leaves out start-up, set-up and the other target's turns.
      if (server.profile) writeFileSync(server.profile.replace(/\.cpuprofile$/, '.window.json'), JSON.stringify({ windows: a.windows }));
      if (mem0[name] !== undefined) {
        const mem1 = await server.ask('mem');
        result.rssPerSession = (mem1.rss - mem0[name].rss) / result.open;
        result.heapPerSession = (mem1.heapUsed + mem1.external - mem0[name].heapUsed - mem0[name].external) / result.open;
      }
    }
    return results;
  } finally {
    if (kase.fresh) await Promise.all(names.map((name) => servers[name].stop())); // servers first: their side closes the sockets
    if (gen.connected) gen.send({ type: 'stop' });
    await exited(gen);
    if (!kase.fresh) for (const name of names) await drain(servers[name], base[name], kase.id);
  }
}

/** Waits until the server is back to its idle session count, so runs do not overlap. */
async function drain(server, base, id) {
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    if ((await server.ask('stats')).sessions <= base) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  console.log(`WARNING: ${server.target} still holds sessions 15 s after ${id}`);
}

async function main() {
  const started = performance.now();
  const cfg = parseConfig(process.argv.slice(2), process.env);
  const dist = cfg.dist ? resolve(cfg.dist) : join(here, '../dist');
  if (!existsSync(join(dist, 'router/index.js'))) throw new Error(`${dist} holds no router build: run \`npm run build\` first`);
  const cases = buildCases(cfg);
  if (cases.length === 0) throw new Error('no benchmark case selected: check --scenarios, --ser and the size lists');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = join(here, 'results');
  const profileDir = join(resultsDir, `profiles-${stamp}`);
  console.log(`bench: ${cases.length} cases × 2 targets, ${cfg.warmup}+${cfg.duration} s each${cfg.cpuProf ? ', --cpu-prof' : ''}`);

  const shared = {};
  const serverFor = async (target, kase) => {
    if (!kase.fresh) return (shared[target] ??= await startServer(target, cfg));
    const name = `${kase.id.replace(/[^a-zA-Z0-9]+/g, '-')}-${target}.cpuprofile`;
    return startServer(target, cfg, cfg.cpuProf ? join(profileDir, name) : undefined);
  };
  const rows = [];
  // Waiting for quiet and re-running noisy pairs may use only the time the plan leaves spare.
  const pairSeconds = (k) => 2 * (cfg.warmup + cfg.duration + 1.5) + (k.scenario === 'connect' ? 10 : 0);
  let planned = cases.reduce((sum, k) => sum + pairSeconds(k), 0);
  const spare = () => cfg.budget - (performance.now() - started) / 1000 - planned;
  let quietLeft = cfg.quietWait;
  try {
    for (const kase of cases) {
      planned -= pairSeconds(kase);
      // Another job on the machine skews a pair: re-run it (bounded) and keep the quietest.
      let row;
      for (let attempt = 0; attempt <= cfg.retries; attempt++) {
        const wait = Math.max(0, Math.min(quietLeft, spare() - pairSeconds(kase)));
        const waited = performance.now();
        await waitForQuiet(cfg, wait * 1000);
        quietLeft -= (performance.now() - waited) / 1000;
        let runs = {};
        if (kase.scenario === 'connect') {
          // One target at a time: each server's memory is measured alone.
          for (const target of ['sprocket', 'baseline']) Object.assign(runs, await runGen(cfg, kase, { [target]: await serverFor(target, kase) }));
        } else {
          runs = await runGen(cfg, kase, { sprocket: await serverFor('sprocket', kase), baseline: await serverFor('baseline', kase) });
        }
        const next = pairRow(kase, runs.sprocket, runs.baseline);
        if (row === undefined || next.otherCpu < row.otherCpu) row = next;
        const retry = row.otherCpu > cfg.noisy && attempt < cfg.retries && spare() > pairSeconds(kase);
        const line = `  ${kase.id.padEnd(30)} ${next.sprocket.rate.toFixed(0).padStart(8)}/s vs ${next.baseline.rate.toFixed(0).padStart(8)}/s  rate ${next.rateRatio.toFixed(2)}×  eff ${next.efficiency.toFixed(2)}×`;
        console.log(`${line}${next.otherCpu > cfg.noisy ? `  (other load ${next.otherCpu.toFixed(2)} cores${retry ? ', retrying' : ''})` : ''}`);
        if (!retry) break;
      }
      row.noisy = row.otherCpu > cfg.noisy;
      rows.push(row);
    }
  } finally {
    await Promise.all(Object.values(shared).map((server) => server.stop()));
  }

  const mode = cfg.smoke ? 'smoke' : cfg.cpuProf ? 'profile' : 'full';
  const previous = mode === 'full' ? latestResult(resultsDir) : undefined;
  const changes = previous ? compare(rows, previous.data, cfg.note) : undefined;
  const targets = evaluateTargets(rows, changes);
  const seconds = (performance.now() - started) / 1000;
  const machine = machineInfo();
  machine.git = gitState();
  const report = markdownReport({ rows, targets, changes, previous: previous?.file, machine, seconds, cfg, mode });
  console.log(`\n${report}`);

  const data = { date: new Date().toISOString(), mode, machine, config: cfg, seconds, rows, targets, changes, note: cfg.note };
  const jsonFile = cfg.jsonOut || (mode === 'smoke' ? '' : join(resultsDir, `${stamp}-${mode}.json`));
  if (jsonFile) {
    mkdirSync(dirname(jsonFile), { recursive: true });
    writeFileSync(jsonFile, `${JSON.stringify(data, null, 2)}\n`);
    console.log(`results: ${jsonFile}`);
  }
  if (cfg.cpuProf && existsSync(profileDir)) {
    for (const file of readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
      console.log(`\n### ${file}\n\n${summarizeProfile(join(profileDir, file))}`);
    }
  }
  if (mode === 'full' && cfg.readme) updateReadme(join(here, 'README.md'), report);
}

/** The commit the router was built from, and whether the tree had local changes. */
function gitState() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', '../realms', '../router'], { cwd: here, encoding: 'utf8' }).trim() !== '';
    return `${commit}${dirty ? ' + local changes' : ''}`;
  } catch {
    return 'unknown';
  }
}

/** The newest full-run JSON in bench/results/, if any. */
function latestResult(dir) {
  if (!existsSync(dir)) return undefined;
  const file = readdirSync(dir).filter((f) => f.endsWith('-full.json')).sort().at(-1);
  return file && { file, data: JSON.parse(readFileSync(join(dir, file), 'utf8')) };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
