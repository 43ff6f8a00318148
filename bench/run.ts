import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** One measured figure. Benchmarks print these as a table and write them as JSON. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** e.g. backend, sample size */
  notes?: string;
  target?: string;
}

export type Bench = (opts: { quick: boolean }) => Promise<BenchResult[]>;

const here = path.dirname(fileURLToPath(import.meta.url));

async function main() {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const quick = process.argv.includes('--quick');
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const all: Array<BenchResult & { suite: string }> = [];
  for (const f of files) {
    const suite = f.replace(/\.bench\.ts$/, '');
    process.stderr.write(`\n▶ ${suite}\n`);
    const mod = (await import(pathToFileURL(path.join(here, f)).href)) as { default: Bench };
    const results = await mod.default({ quick });
    for (const r of results) all.push({ suite, ...r });
  }
  const rows = all.map((r) => [r.suite, r.name, fmt(r.value), r.unit, r.target ?? '', r.notes ?? '']);
  const head = ['suite', 'benchmark', 'value', 'unit', 'target', 'notes'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of rows) console.log(line(r.map(String)));
  mkdirSync(path.join(here, 'results'), { recursive: true });
  const out = path.join(here, 'results', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), results: all }, null, 2));
  writeFileSync(
    path.join(here, 'results', 'latest.json'),
    JSON.stringify({ at: new Date().toISOString(), results: all }, null, 2),
  );
  console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
}

function fmt(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

await main();
