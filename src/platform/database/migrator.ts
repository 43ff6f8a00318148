import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import { schemaOf, type Database } from './database.ts';

// Timestamped migrations: every `YYYYMMDDTHHMMSS_name.ts` file in ./migrations, applied in name order.
const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export function migrationNames(): string[] {
  return readdirSync(migrationsDir)
    .filter((f) => /^\d{8}T\d{6}_[a-z0-9_]+\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
}

const provider: MigrationProvider = {
  async getMigrations() {
    const out: Record<string, Migration> = {};
    for (const name of migrationNames()) {
      out[name] = (await import(pathToFileURL(path.join(migrationsDir, `${name}.ts`)).href)) as Migration;
    }
    return out;
  },
};

// Kysely looks for its bookkeeping tables in every schema; pin them to ours so parallel test schemas never mix.
function migratorFor(db: Database): Migrator {
  const schema = schemaOf.get(db);
  return new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
}

export async function migrateToLatest(db: Database): Promise<string | null> {
  const migrator = migratorFor(db);
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(
      `Migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return appliedMigration(db);
}

export async function appliedMigration(db: Database): Promise<string | null> {
  const migrator = migratorFor(db);
  const list = await migrator.getMigrations();
  return list.filter((m) => m.executedAt).at(-1)?.name ?? null;
}
