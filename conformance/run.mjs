// Entry point: `npm run conformance` (builds first), or `node conformance/run.mjs [name-filter...]`
// after `npm run build`. Prints the matrix, writes RESULTS.md on a full run, exits 1 if any cell failed.
// The rows come from every conformance/scenarios*.mjs module (see loadScenarios below).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

if (typeof globalThis.WebSocket !== 'function') {
  // autobahn 26 needs the global WebSocket, which Node 20 only has behind a flag: re-run with it.
  const flags = ['--experimental-websocket', '--no-warnings=ExperimentalWarning'];
  const args = [...flags, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)];
  process.exit(spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1);
}

const { runMatrix, COLUMNS } = await import('./matrix.mjs');
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
const results = await runMatrix(scenarios);

console.log(textReport(results, COLUMNS));
console.log(`\n(${results.length} cells in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
if (!filters.length) {
  const version = (name) => JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
  const meta = { date: new Date().toISOString(), node: process.version, clients: `autobahn ${version('autobahn')}, wampy ${version('wampy')}` };
  writeFileSync(new URL('./RESULTS.md', import.meta.url), markdownReport(results, COLUMNS, meta));
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
