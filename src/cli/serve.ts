import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { buildServer } from '../platform/http/server.ts';
import { startBackgroundJobs } from '../platform/jobs.ts';
import { seedDemoCity } from '../modules/demo/demo-seed.service.ts';
import { createProgress } from './progress.ts';
import { openCliRuntime } from './runtime.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function serve(opts: { seedIfEmpty: boolean; buildWeb: boolean }) {
  if (opts.buildWeb) buildWebIfStale();
  const rt = await openCliRuntime('info');
  const { ctx } = rt;
  if (opts.seedIfEmpty) {
    const any = await ctx.db.selectFrom('jurisdictions').select('id').limit(1).execute();
    if (any.length === 0) {
      ctx.logger.info({ residents: ctx.config.SEED_RESIDENTS }, 'empty database: seeding the demo city');
      const progress = createProgress('seed');
      const r = await seedDemoCity(ctx, {
        seed: 1,
        residents: ctx.config.SEED_RESIDENTS,
        onProgress: (p) => progress.update(p.phase, p.done, p.total),
      });
      progress.stop();
      ctx.logger.info({ ...r }, 'demo city seeded');
    }
  }
  const app = await buildServer(ctx);
  const jobs = startBackgroundJobs(ctx);
  ctx.bus.start();
  await app.listen({ port: ctx.config.PORT, host: ctx.config.HOST });
  ctx.logger.info({ url: `http://${ctx.config.HOST}:${ctx.config.PORT}`, database: ctx.dbKind }, 'Tessera is serving');
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    ctx.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close(); // stops accepting, lets in-flight requests finish
    await jobs.stop();
    await rt.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/** Builds web/dist when it is missing or older than the web sources. */
function buildWebIfStale() {
  const dist = path.join(repoRoot, 'web', 'dist', 'index.html');
  const src = path.join(repoRoot, 'web', 'src');
  if (!existsSync(src)) return;
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
      const p = path.join(dir, e.name);
      return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
    }, 0);
  if (existsSync(dist) && statSync(dist).mtimeMs >= newest(src)) return;
  process.stderr.write('building the web app (vite)…\n');
  execFileSync(
    process.execPath,
    [path.join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts'],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

export function registerServe(program: Command) {
  program
    .command('serve')
    .description('Serve the HTTP API and web app on PORT (default 8080)')
    .action(() => serve({ seedIfEmpty: false, buildWeb: false }));
  program
    .command('start')
    .description('Build the web app if needed, seed the demo city into an empty database, and serve')
    .action(() => serve({ seedIfEmpty: true, buildWeb: true }));
}
