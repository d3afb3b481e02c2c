// Ratios, targets, comparison with the previous run, and the markdown report.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const KiB = 1024;

/** One scenario's Sprocket and baseline runs side by side, with the ratios. */
export function pairRow(kase, s, b) {
  const row = { id: kase.id, scenario: kase.scenario, param: kase.param, ser: kase.ser, sprocket: s, baseline: b };
  row.rateRatio = s.rate / b.rate;
  row.p99Ratio = s.p99 > 0 && b.p99 > 0 ? s.p99 / b.p99 : undefined;
  // (rate ÷ router CPU share) ÷ (baseline rate ÷ baseline CPU share)
  row.efficiency = s.rate / s.routerCpu / (b.rate / b.routerCpu);
  if (s.rssPerSession !== undefined) row.rssRatio = s.rssPerSession / b.rssPerSession;
  row.otherCpu = Math.max(s.otherCpu ?? 0, b.otherCpu ?? 0);
  return row;
}

const is = (row, scenario, ...params) => row.scenario === scenario && (params.length === 0 || params.includes(row.param));

/** The issue's targets, checked row by row. */
export function evaluateTargets(rows, changes) {
  const targets = [
    { name: 'fan-out events/s ≥ 0.85× baseline at N=100 and N=1000', rows: rows.filter((r) => is(r, 'fanout', 'N=100', 'N=1000')), value: (r) => r.rateRatio, ok: (v) => v >= 0.85, unit: '×' },
    { name: 'RPC calls/s ≥ 0.80× baseline at C=16 and C=128', rows: rows.filter((r) => is(r, 'rpc', 'C=16', 'C=128')), value: (r) => r.rateRatio, ok: (v) => v >= 0.8, unit: '×' },
    { name: 'p99 RPC latency ≤ 1.5× baseline', rows: rows.filter((r) => is(r, 'rpc')), value: (r) => r.p99Ratio, ok: (v) => v <= 1.5, unit: '×' },
    { name: 'efficiency ≥ 0.8× baseline in every scenario', rows, value: (r) => r.efficiency, ok: (v) => v >= 0.8, unit: '×' },
    { name: 'idle session memory ≤ 9 KiB RSS per session', rows: rows.filter((r) => is(r, 'connect')), value: (r) => r.sprocket.rssPerSession / KiB, ok: (v) => v <= 9, unit: ' KiB' },
  ].map((t) => {
    const checks = t.rows.map((r) => ({ id: r.id, value: t.value(r), ok: t.ok(t.value(r)) }));
    return { name: t.name, unit: t.unit, checks, met: checks.length > 0 && checks.every((c) => c.ok) };
  });
  if (changes !== undefined) {
    const checks = changes.rows.filter((c) => c.regression).map((c) => ({ id: c.id, value: c.efficiencyDelta * 100, ok: Boolean(changes.note) }));
    targets.push({ name: 'no scenario regresses > 5 % (efficiency ratio) from the previous run without a note', unit: ' %', checks, met: checks.every((c) => c.ok) });
  }
  return targets;
}

/**
 * Deltas against the previous full run. A drop of the efficiency ratio over 5 % is a regression:
 * of the ratios it moves least with load from other jobs (rates and rate ratios are printed too).
 * Rows marked noisy in either run are printed but not judged.
 */
export function compare(rows, previous, note) {
  const before = new Map(previous.rows.map((r) => [r.id, r]));
  const out = [];
  for (const row of rows) {
    const old = before.get(row.id);
    if (old === undefined) continue;
    const rateDelta = row.sprocket.rate / old.sprocket.rate - 1;
    const ratioDelta = row.rateRatio / old.rateRatio - 1;
    const efficiencyDelta = row.efficiency / old.efficiency - 1;
    // A pair disturbed by other jobs (⚠, in either run) is shown but not judged.
    const judged = !row.noisy && !old.noisy;
    out.push({ id: row.id, rateDelta, ratioDelta, efficiencyDelta, judged, regression: judged && efficiencyDelta < -0.05 });
  }
  return { rows: out, regressions: out.filter((c) => c.regression).length, note, previousDate: previous.date };
}

export function machineInfo() {
  const cpus = os.cpus();
  return {
    nproc: os.availableParallelism?.() ?? cpus.length,
    cpu: cpus[0]?.model ?? 'unknown',
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

const num = (v, digits = 0) => (v === undefined || !Number.isFinite(v) ? '–' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const pair = (a, b, digits) => `${num(a, digits)} / ${num(b, digits)}`;
const pct = (v) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} %`;

export function resultsTable(rows) {
  const lines = [
    '| scenario | ser | Sprocket /s | baseline /s | rate × | p50 ms S / B | p99 ms S / B | p99 × | router CPU S / B | gen CPU S / B | other CPU S / B | efficiency × | RSS/session KiB S / B |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const [s, b] = [r.sprocket, r.baseline];
    lines.push(
      `| ${r.scenario} ${r.param}${r.noisy ? ' ⚠' : ''} | ${r.ser} | ${num(s.rate)} | ${num(b.rate)} | ${num(r.rateRatio, 2)} | ` +
        `${pair(s.p50, b.p50, 2)} | ${pair(s.p99, b.p99, 2)} | ${num(r.p99Ratio, 2)} | ` +
        `${pair(s.routerCpu, b.routerCpu, 2)} | ${pair(s.genCpu, b.genCpu, 2)} | ${pair(s.otherCpu, b.otherCpu, 2)} | ${num(r.efficiency, 2)} | ` +
        `${s.rssPerSession === undefined ? '–' : pair(s.rssPerSession / KiB, b.rssPerSession / KiB, 2)} |`,
    );
  }
  return lines.join('\n');
}

export function markdownReport({ rows, targets, changes, previous, machine, seconds, cfg, mode }) {
  const out = [
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC (${mode}), ${(seconds / 60).toFixed(1)} min; ` +
      `${machine.nproc} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}; router ${machine.git ?? '?'}; ` +
      `${cfg.warmup} s warm-up + ${cfg.duration} s measured per run, payload ${cfg.payload} B.`,
    '',
    resultsTable(rows),
    '',
    'Rates: fan-out and many = events delivered/s, rpc = calls/s, connect = sessions/s. CPU in cores (1.00 = one core busy); ' +
      '"other" = machine CPU used by neither the server nor the generator (kernel network work, other jobs). ' +
      'Efficiency × = (rate ÷ router CPU) ÷ (baseline rate ÷ baseline CPU).' +
      (rows.some((r) => r.noisy)
        ? ' ⚠ = other jobs kept > 0.35 cores busy even after waiting and retrying: the alternating slices spread that load over both servers, but absolute rates are low.'
        : ''),
    '',
    'Targets:',
    '',
  ];
  for (const t of targets) {
    const detail = t.checks.map((c) => `${c.ok ? '' : '**'}${c.id} ${num(c.value, 2)}${t.unit}${c.ok ? '' : '**'}`).join(', ');
    const state = t.met ? '✔ met' : t.checks.length === 0 ? '– (not run)' : '✘ NOT met';
    out.push(`- ${state}: ${t.name}${detail ? ` — ${detail}` : ''}`);
  }
  if (changes !== undefined) {
    out.push('', `Change vs previous run (${previous}): Sprocket rate / rate ratio / efficiency ratio`, '');
    for (const c of changes.rows) {
      const flag = c.regression ? ' **REGRESSION > 5 %**' : c.judged ? '' : ' (⚠ noisy, not judged)';
      out.push(`- ${c.id}: ${pct(c.rateDelta)} / ${pct(c.ratioDelta)} / ${pct(c.efficiencyDelta)}${flag}`);
    }
    if (changes.regressions > 0) out.push('', changes.note ? `Note: ${changes.note}` : `${changes.regressions} regression(s) > 5 % without a note: re-run, or explain with --note "…".`);
  }
  return out.join('\n');
}

const START = '<!-- bench:latest -->';
const END = '<!-- /bench:latest -->';

/** Replaces the latest-results section of bench/README.md. */
export function updateReadme(file, report) {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
  const [head, rest] = text.includes(START) ? text.split(START) : [`${text}\n`, `\n${END}\n`];
  writeFileSync(file, `${head}${START}\n${report}\n${END}${rest.split(END)[1] ?? '\n'}`);
}
