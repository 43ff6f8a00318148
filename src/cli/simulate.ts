import { Option, type Command } from 'commander';
import { runSimulation, type SimulationReport } from '../modules/simulation/simulation.service.ts';
import { createRuntime } from '../platform/bootstrap.ts';
import { ManualClock } from '../platform/clock.ts';
import { ConfigError, loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { createProgress } from './progress.ts';
import { intArg } from './seed.ts';
import { runScenarioCommand } from './scenario.ts';
import { SCENARIOS, type ScenarioName } from '../modules/anomalies/scenario.ts';

const pct = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(1)}%`);

function summary(r: SimulationReport): string {
  const m = r.metrics;
  return [
    `Simulated ${r.days} days (${r.start.slice(0, 10)} – ${r.end.slice(0, 10)}), ${r.residents} residents, seed ${r.seed}`,
    `Infections: ${r.infections.total} (${r.infections.seeded} seeded, ${r.infections.atPlaces} at places of which ${r.infections.atScannedPlaces} with both scans, ${r.infections.household} at home)`,
    `Scans: ${r.scans}; tests: ${r.tests}; positive: ${r.positives}; cases traced: ${r.timings.tracing.cases}`,
    '',
    `Recall:    ${pct(m.recall)}  (${m.found} of ${m.traceable} people infected at a scanned place by someone who later tested positive were found, ${m.foundViaInfector} through the infector's own case; ${m.foundBeforeOwnPositive} before their own positive test)`,
    `Precision: ${pct(m.precision)}  (${m.closeContactsInfected} of ${m.closeContacts} close contacts were truly infected; secondary: ${m.secondaryContactsInfected} of ${m.secondaryContacts})`,
    `Missed:    ${Object.entries(m.missed)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    ...r.diagnosis.map((d) => `  - ${d}`),
    '',
    `Timings: tracing per case p50 ${r.timings.tracing.p50Ms} ms, p99 ${r.timings.tracing.p99Ms} ms, max ${r.timings.tracing.maxMs} ms (total ${r.timings.tracing.totalSeconds} s); ` +
      `ingestion ${r.timings.ingestion.msPerUpload} ms per upload (${r.timings.ingestion.uploads} uploads, one per person per day); lab results ${r.timings.labResults.totalSeconds} s in ${r.timings.labResults.submissions} submissions; wall ${r.timings.wallSeconds} s`,
  ].join('\n');
}

const DEFAULT_RESIDENTS = 2000;

interface SimulateOptions {
  days: number;
  residents: number;
  seed: number;
  seeds?: number;
  scenario?: ScenarioName;
  people: number;
  json?: boolean;
}

export function registerSimulate(program: Command) {
  program
    .command('simulate')
    .description(
      'Run an agent-based outbreak on the demo city through the real scan, lab and tracing pipeline and report recall, precision and timings (seeds its own city into an empty database)',
    )
    .option('--days <n>', 'days to simulate (ending today)', intArg(1, 27), 14)
    .option(
      '--residents <n>',
      'residents taking part (and the city size when seeding)',
      intArg(100, 1_000_000),
      DEFAULT_RESIDENTS,
    )
    .option('--seed <n>', 'random seed: the same seed and database give the same outbreak', intArg(0, 2 ** 31 - 1), 1)
    .option(
      '--seeds <n>',
      'infections introduced at the start (default: 1 per 300 residents, at least 3)',
      intArg(1, 10_000),
    )
    .addOption(
      new Option(
        '--scenario <name>',
        'instead of an outbreak, replay an abuse pattern for the anomaly detectors: zhengzhou (mass exposures at one station exit with no case, then mass red overrides; must be flagged) or normal (a real outbreak; must raise no flag) — the same as `tessera scenario <name>`',
      ).choices(SCENARIOS),
    )
    .option(
      '--people <n>',
      'with --scenario zhengzhou: people given exposures at the station exit',
      intArg(25, 20_000),
      300,
    )
    .option('--json', 'print the report as JSON')
    .action(async (opts: SimulateOptions) => {
      if (opts.scenario) {
        // The scenario seeds its own throwaway city; the default outbreak size is too small for it.
        const residents = opts.residents === DEFAULT_RESIDENTS ? 3000 : opts.residents;
        return runScenarioCommand(opts.scenario, { people: opts.people, residents, seed: opts.seed, json: opts.json });
      }
      let config;
      try {
        config = loadConfig();
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`${err.message}\n`);
          process.exit(2);
        }
        throw err;
      }
      const rt = await createRuntime(config, {
        clock: new ManualClock(new Date()),
        logger: createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr as never),
      });
      const progress = createProgress('simulate');
      try {
        const report = await runSimulation(rt.ctx, {
          days: opts.days,
          residents: opts.residents,
          seed: opts.seed,
          seeds: opts.seeds,
          onProgress: (phase, done, total) => progress.update(phase, done, total),
        });
        progress.stop();
        process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${summary(report)}\n`);
      } finally {
        progress.stop();
        await rt.close();
      }
    });
}
