// Entry point: `npm run conformance` (builds first), or `node conformance/run.mjs [name-filter...]`
// after `npm run build`. Prints the matrix, writes RESULTS.md on a full run, exits 1 if any cell failed.
// The rows come from every conformance/scenarios*.mjs module (see loadScenarios below).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (typeof globalThis.WebSocket !== 'function' || !process.env.SPROCKET_CONFORMANCE_TLS_DIR) {
  // Re-run in a child process:
  // - autobahn 26 needs the global WebSocket, which Node 20 only has behind a flag;
  // - the TLS transport cells (transports.mjs) need a self-signed cert, and Node's WebSocket takes no CA
  //   option, so the child trusts it through NODE_EXTRA_CA_CERTS (read only at process start).
  const flags = typeof globalThis.WebSocket !== 'function' ? ['--experimental-websocket', '--no-warnings=ExperimentalWarning'] : [];
  const args = [...flags, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)];
  const dir = mkdtempSync(join(tmpdir(), 'sprocket-conformance-'));
  try {
    const openssl = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (openssl.status !== 0) console.error(`openssl could not make the test certificate (the TLS cells will fail): ${openssl.error?.message ?? openssl.stderr}`);
    const env = { ...process.env, SPROCKET_CONFORMANCE_TLS_DIR: dir, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') };
    process.exitCode = spawnSync(process.execPath, args, { stdio: 'inherit', env }).status ?? 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit();
}

const { runMatrix, COLUMNS } = await import('./matrix.mjs');
const { runTransports, TRANSPORT_COLUMNS } = await import('./transports.mjs');
const { textReport, markdownReport, summaryLine, notApplicableLine } = await import('./report.mjs');

/**
 * The rows: the SCENARIOS array of every `conformance/scenarios*.mjs` module, `scenarios.mjs` (Basic
 * Profile) first, then the others by file name (`scenarios-advanced.mjs`, `scenarios-auth.mjs`, ...).
 * A new module needs no wiring. Throws on a module without SCENARIOS and on a duplicate row name.
 */
async function loadScenarios() {
  const names = readdirSync(new URL('.', import.meta.url)).filter((name) => /^scenarios(-[a-z0-9-]+)?\.mjs$/.test(name));
  names.sort((a, b) => (a === 'scenarios.mjs' ? -1 : b === 'scenarios.mjs' ? 1 : a.localeCompare(b)));
  const all = [];
  const origin = new Map();
  for (const name of names) {
    const { SCENARIOS } = await import(new URL(`./${name}`, import.meta.url).href);
    if (!Array.isArray(SCENARIOS)) throw new Error(`conformance/${name} does not export a SCENARIOS array`);
    for (const scenario of SCENARIOS) {
      if (origin.has(scenario.name)) throw new Error(`scenario "${scenario.name}" is in both ${origin.get(scenario.name)} and ${name}`);
      origin.set(scenario.name, name);
      all.push(scenario);
    }
  }
  return all;
}

const SCENARIOS = await loadScenarios();
const filters = process.argv.slice(2);
const scenarios = filters.length ? SCENARIOS.filter((s) => filters.some((f) => s.name.includes(f))) : SCENARIOS;
const started = Date.now();
const matrixResults = await runMatrix(scenarios);
const transportResults = await runTransports(filters);
const results = [...matrixResults, ...transportResults]; // the summary line counts both tables

console.log(textReport(matrixResults, COLUMNS));
if (transportResults.length) console.log(`\nTransports (RawSocket TCP/Unix, TLS):\n\n${textReport(transportResults, TRANSPORT_COLUMNS)}`);
console.log(`\n(${results.length} cells in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
if (!filters.length) {
  const version = (name) => JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
  const meta = { date: new Date().toISOString(), node: process.version, clients: `autobahn ${version('autobahn')}, wampy ${version('wampy')}` };
  writeFileSync(new URL('./RESULTS.md', import.meta.url), markdownReport(matrixResults, COLUMNS, meta, { results: transportResults, columns: TRANSPORT_COLUMNS }));
  console.log('wrote conformance/RESULTS.md');
}

// Everything was closed; anything still holding the event loop a second later is a leak worth reporting.
const openHandles = () => process.getActiveResourcesInfo().filter((type) => /TCP|Timeout|Immediate|Process/.test(type));
for (let waited = 0; openHandles().length && waited < 1000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
const handles = openHandles();
if (handles.length) console.log(`warning: handles still open after the run: ${handles.join(', ')}; exiting anyway`);
console.log(notApplicableLine(results));
console.log(summaryLine(results)); // always the last line
process.exitCode = results.some((result) => result.outcome === 'fail') ? 1 : 0;
if (handles.length) process.exit();
