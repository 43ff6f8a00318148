import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { seedDemoCity, DEMO_PASSWORD, demoResidentPhone } from '../modules/demo/demo-seed.service.ts';
import { createProgress } from './progress.ts';
import { openCliRuntime } from './runtime.ts';

export const intArg = (min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
  return n;
};

export function registerSeed(program: Command) {
  program
    .command('seed')
    .description('Build the deterministic demo city into the configured (empty) database')
    .option('--residents <n>', 'number of residents', intArg(100, 10_000_000), 50_000)
    .option('--seed <n>', 'random seed: the same seed gives the same city', intArg(0, 2 ** 31 - 1), 1)
    .action(async (opts: { residents: number; seed: number }) => {
      const rt = await openCliRuntime();
      const progress = createProgress('seed');
      try {
        const r = await seedDemoCity(rt.ctx, {
          seed: opts.seed,
          residents: opts.residents,
          onProgress: (p) => progress.update(p.phase, p.done, p.total),
        });
        progress.stop();
        process.stdout.write(
          `${JSON.stringify({ ...r, database: rt.ctx.dbKind, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), demoLogin: { staff: 'admin, health, auditor, lab, verifier, worker.<grid code> …', password: DEMO_PASSWORD, residentPhones: `${demoResidentPhone(0)} … ${demoResidentPhone(19)}` } }, null, 2)}\n`,
        );
      } finally {
        progress.stop();
        await rt.close();
      }
    });
}
