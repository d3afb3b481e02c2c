// Entry point: `npm run conformance` (builds first), or `node conformance/run.mjs [name-filter...]`
// after `npm run build`. Prints the matrix, writes RESULTS.md on a full run, exits 1 if any cell failed.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

if (typeof globalThis.WebSocket !== 'function') {
  // autobahn 26 needs the global WebSocket, which Node 20 only has behind a flag: re-run with it.
  const flags = ['--experimental-websocket', '--no-warnings=ExperimentalWarning'];
  const args = [...flags, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)];
  process.exit(spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1);
}

const { SCENARIOS } = await import('./scenarios.mjs');
const { runMatrix, COLUMNS } = await import('./matrix.mjs');
const { textReport, markdownReport, summaryLine } = await import('./report.mjs');

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
console.log(summaryLine(results));
process.exitCode = results.every((result) => result.ok) ? 0 : 1;
if (handles.length) process.exit();
