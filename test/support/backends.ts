import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { ManualClock } from '../../src/platform/clock.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { AppContext } from '../../src/platform/context.ts';
import { openDatabase, type DatabaseKind } from '../../src/platform/database/database.ts';
import { migrateToLatest } from '../../src/platform/database/migrator.ts';
import { EventBus } from '../../src/platform/events/bus.ts';
import { createLogger } from '../../src/platform/logger.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Backends every data-layer test runs on: both by default; TEST_BACKENDS=pglite limits it. */
export const BACKENDS: DatabaseKind[] = (process.env.TEST_BACKENDS ?? 'pglite,postgres')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is DatabaseKind => s === 'pglite' || s === 'postgres');

export const TEST_START = new Date('2026-03-02T08:00:00Z');

// Kysely's migrator looks for its table by introspecting every schema of the database, and PostgreSQL raises
// 'schema "t_…" does not exist' when another test file drops its schema in the middle of that catalog query.
// Migrations take this advisory lock shared and schema drops take it exclusively, so the two never overlap.
const SCHEMA_LOCK = 7_424_242;

async function adminClient(): Promise<pg.Client> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  return admin;
}

export interface TestEnv {
  ctx: AppContext;
  clock: ManualClock;
  kind: DatabaseKind;
}

/**
 * Opens a fresh database for one test file: an in-memory PGlite, or a new schema on the
 * PostgreSQL server (dropped afterwards). Migrations run exactly as in production.
 */
export async function openTestEnv(kind: DatabaseKind): Promise<TestEnv & { close(): Promise<void> }> {
  const clock = new ManualClock(TEST_START);
  let schema: string | undefined;
  if (kind === 'postgres') {
    schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = await adminClient();
    await admin.query(`create schema ${schema}`);
    await admin.end();
  }
  const handle = await openDatabase({
    databaseUrl: kind === 'postgres' ? TEST_DATABASE_URL : undefined,
    dataDir: 'memory://',
    schema,
    poolSize: 4,
  });
  if (kind === 'postgres') {
    const admin = await adminClient();
    try {
      await admin.query('select pg_advisory_lock_shared($1)', [SCHEMA_LOCK]);
      await migrateToLatest(handle.db);
    } finally {
      await admin.end(); // ending the session releases the lock
    }
  } else await migrateToLatest(handle.db);
  const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: 'memory://' });
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const ctx: AppContext = {
    db: handle.db,
    dbKind: handle.kind,
    clock,
    config,
    logger,
    bus: new EventBus(handle.db, logger),
    secrets: {
      idHmacKey: Buffer.from('test-only-hmac-key-0123456789abcdef'),
      keyEncryptionKey: Buffer.alloc(32, 7),
      pseudonymSecret: Buffer.alloc(32, 9),
    },
  };
  return {
    ctx,
    clock,
    kind,
    async close() {
      await handle.close();
      if (schema) {
        const admin = await adminClient();
        try {
          await admin.query('select pg_advisory_lock($1)', [SCHEMA_LOCK]);
          await admin.query(`drop schema ${schema} cascade`);
        } finally {
          await admin.end();
        }
      }
    },
  };
}

/** Runs the suite once per backend, each with its own fresh database. */
export function describeEachBackend(name: string, suite: (env: () => TestEnv) => void): void {
  for (const kind of BACKENDS) {
    describe(`${name} [${kind}]`, () => {
      let env: (TestEnv & { close(): Promise<void> }) | undefined;
      beforeAll(async () => {
        env = await openTestEnv(kind);
      });
      afterAll(async () => {
        await env?.close();
      });
      suite(() => {
        if (!env) throw new Error('test environment not ready');
        return env;
      });
    });
  }
}
