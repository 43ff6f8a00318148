import type { Command } from 'commander';
import { runScenario, SCENARIOS, type ScenarioName } from '../modules/anomalies/scenario.ts';
import { intArg } from './seed.ts';
import { createProgress } from './progress.ts';

export function registerScenario(program: Command) {
  program
    .command('scenario')
    .description(
      'Replay an abuse pattern (zhengzhou: one officer gives hundreds of people at a station exit exposures with no case there, then mass red overrides) or a normal outbreak, in a throwaway in-memory database, and report what the anomaly detectors flagged and how fast. Exits 1 if zhengzhou goes unflagged or normal raises any flag.',
    )
    .addArgument(program.createArgument('<name>', 'scenario').choices(SCENARIOS))
    .option('--people <n>', 'people given exposures at the station exit (zhengzhou)', intArg(25, 20_000), 300)
    .option('--residents <n>', 'size of the demo city', intArg(500, 200_000), 3000)
    .option('--seed <n>', 'random seed', intArg(0, 2 ** 31 - 1), 1)
    .option('--json', 'print the report as JSON')
    .action((name: ScenarioName, opts: ScenarioOptions) => runScenarioCommand(name, opts));
}

export interface ScenarioOptions {
  people: number;
  residents: number;
  seed: number;
  json?: boolean;
}

/**
 * Runs a named scenario and prints its report; the exit code says whether the detectors behaved (zhengzhou flagged,
 * normal silent). Shared by `tessera scenario <name>` and `tessera simulate --scenario <name>`.
 */
export async function runScenarioCommand(name: ScenarioName, opts: ScenarioOptions): Promise<void> {
  const progress = createProgress(`scenario ${name}`);
  let report;
  try {
    report = await runScenario(name, {
      people: opts.people,
      residents: opts.residents,
      seed: opts.seed,
      onProgress: (phase, done, total) => progress.update(phase, done, total),
    });
  } finally {
    progress.stop();
  }
  const ok = name === 'zhengzhou' ? report.flags.length > 0 : report.flags.length === 0 && report.sweep.raised === 0;
  if (opts.json) process.stdout.write(`${JSON.stringify({ ok, ...report }, null, 2)}\n`);
  else {
    const lines = [
      `scenario ${name}: ${ok ? 'as expected' : 'UNEXPECTED'} — ${report.flags.length} flags (sweep afterwards: ${report.sweep.raised} new)`,
      `  actions: ${Object.entries(report.actions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; ${report.residents} residents; ${(report.wallMs / 1000).toFixed(1)} s`,
      ...report.flags.map(
        (f) =>
          `  [${f.severity}] ${f.detector} — ${f.phase}: after ${f.afterActions} actions, ${f.simMinutes} simulated min, ${f.latencyMs} ms after the triggering event\n      ${f.summary}`,
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  process.exitCode = ok ? 0 : 1;
}
