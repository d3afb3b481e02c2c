#!/usr/bin/env node
// Aggregates a V8 .cpuprofile: self and total time per function (dist/ locations mapped back to
// the TypeScript source), and time per package. Usage: node bench/profile-summary.mjs FILE… [--top N]
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, relative, resolve } from 'node:path';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const maps = new Map();

function sourceMapOf(path) {
  if (!maps.has(path)) maps.set(path, existsSync(`${path}.map`) ? new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8'))) : undefined);
  return maps.get(path);
}

/** "router/session/session.ts:212" for dist code, "ws/lib/sender.js:120" for packages, etc. */
function locate({ url, lineNumber, columnNumber }) {
  if (!url) return { where: '', pkg: 'v8' };
  if (!url.startsWith('file://')) return { where: `${url}:${lineNumber + 1}`, pkg: 'node' };
  const path = fileURLToPath(url);
  const rel = relative(root, path);
  const pkg = rel.match(/^node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];
  if (pkg) return { where: `${rel.slice('node_modules/'.length)}:${lineNumber + 1}`, pkg };
  if (rel.startsWith('dist/')) {
    const entry = sourceMapOf(path)?.findEntry(lineNumber, columnNumber);
    if (entry?.originalSource) {
      const source = relative(root, fileURLToPath(new URL(entry.originalSource, pathToFileURL(path))));
      return { where: `${source}:${entry.originalLine + 1}`, pkg: 'sprocket' };
    }
    return { where: `${rel}:${lineNumber + 1}`, pkg: 'sprocket' };
  }
  return { where: `${rel}:${lineNumber + 1}`, pkg: rel.split('/')[0] };
}

export function summarizeProfile(file, top = 25) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  // Sample i lasts until sample i+1. With a .window.json beside the profile (written by run.mjs),
  // only the measured window counts: no start-up, no set-up.
  const windowFile = file.replace(/\.cpuprofile$/, '.window.json');
  const windows = existsSync(windowFile) ? JSON.parse(readFileSync(windowFile, 'utf8')).windows : [[-Infinity, Infinity]];
  const inWindow = (time) => windows.some(([start, end]) => time >= start && time <= end);
  const self = new Map();
  const { samples, timeDeltas } = profile;
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += timeDeltas[i];
    if (inWindow(at)) self.set(samples[i], (self.get(samples[i]) ?? 0) + (timeDeltas[i + 1] ?? 0));
  }

  const fns = new Map(); // key → { name, where, pkg, self, total }
  const keyOf = new Map();
  for (const n of profile.nodes) {
    const { where, pkg } = locate(n.callFrame);
    const name = n.callFrame.functionName || '(anonymous)';
    const key = `${name} ${where}`;
    keyOf.set(n.id, key);
    if (!fns.has(key)) fns.set(key, { name, where, pkg, self: 0, total: 0 });
  }
  let busy = 0;
  let idle = 0;
  const pkgs = new Map();
  for (const [id, time] of self) {
    const fn = fns.get(keyOf.get(id));
    if (fn.name === '(idle)') {
      idle += time;
      continue;
    }
    busy += time;
    fn.self += time;
    const pkg = fn.name.startsWith('(') ? fn.name : fn.pkg;
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + time);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const key = keyOf.get(at);
      if (seen.has(key)) continue;
      seen.add(key);
      fns.get(key).total += time;
    }
  }
  const share = (t) => `${((t / busy) * 100).toFixed(1)} %`;
  const scope = Number.isFinite(windows[0][0]) ? 'measured slices only' : 'whole process';
  const out = [`${scope}: busy ${(busy / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s; shares are of busy time`, '', 'by package: ' + [...pkgs].sort((a, b) => b[1] - a[1]).map(([p, t]) => `${p} ${share(t)}`).join(', '), ''];
  out.push('| self | total | function | where |', '| ---: | ---: | --- | --- |');
  const ranked = [...fns.values()].filter((f) => f.self > 0).sort((a, b) => b.self - a.self).slice(0, top);
  for (const f of ranked) out.push(`| ${share(f.self)} | ${share(f.total)} | ${f.name} | ${f.where} |`);
  const own = [...fns.values()].filter((f) => f.pkg === 'sprocket' && f.total > 0).sort((a, b) => b.total - a.total).slice(0, 15);
  out.push('', 'Sprocket functions by total (inclusive) time:', '', '| total | self | function | where |', '| ---: | ---: | --- | --- |');
  for (const f of own) out.push(`| ${share(f.total)} | ${share(f.self)} | ${f.name} | ${f.where} |`);
  return out.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--top');
  const top = at >= 0 ? Number(args.splice(at, 2)[1]) : 25;
  for (const file of args) console.log(`### ${file}\n\n${summarizeProfile(file, top)}\n`);
}
