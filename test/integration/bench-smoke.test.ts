// A few seconds of `node bench/run.mjs --smoke`: every scenario must produce a positive rate on
// both targets and a parseable table. Never a timing threshold: the benchmark itself is not a test.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

interface BenchRow {
  scenario: string;
  sprocket: { rate: number };
  baseline: { rate: number };
}

it('bench --smoke runs every scenario against Sprocket and the baseline', async () => {
  if (!existsSync(join(root, 'dist/router/index.js'))) await run('npm', ['run', 'build'], { cwd: root });
  const dir = mkdtempSync(join(tmpdir(), 'sprocket-bench-'));
  try {
    const jsonOut = join(dir, 'smoke.json');
    const { stdout } = await run(process.execPath, ['bench/run.mjs', '--smoke', '--json-out', jsonOut], {
      cwd: root,
      timeout: 110_000,
      maxBuffer: 16 * 1024 * 1024,
    });

    // The markdown table: | scenario | ser | Sprocket /s | baseline /s | rate × | …
    const lines = stdout.split('\n').filter((line) => line.startsWith('| '));
    expect(lines[0]).toMatch(/^\| scenario \| ser \| Sprocket \/s \| baseline \/s \| rate × \|/);
    const table = lines.slice(1).filter((line) => !line.startsWith('| ---'));
    const cells = table.map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
    for (const row of cells) {
      expect(row).toHaveLength(lines[0].split('|').length - 2);
      expect(Number(row[2].replace(/,/g, ''))).toBeGreaterThan(0);
      expect(Number(row[3].replace(/,/g, ''))).toBeGreaterThan(0);
    }
    const scenarios = new Set(cells.map((row) => row[0].split(' ')[0]));
    expect([...scenarios].sort()).toEqual(['connect', 'fanout', 'many', 'rpc']);

    const data = JSON.parse(readFileSync(jsonOut, 'utf8')) as { rows: BenchRow[] };
    expect(data.rows).toHaveLength(cells.length);
    for (const row of data.rows) {
      expect(row.sprocket.rate).toBeGreaterThan(0);
      expect(row.baseline.rate).toBeGreaterThan(0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
