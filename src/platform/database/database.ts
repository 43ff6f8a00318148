import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { DB } from './schema.ts';

// int8 (bigint/count) as JS number: our counters stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// numeric as number (areas, rates)
pg.types.setTypeParser(1700, (v) => Number(v));

export type Database = Kysely<DB>;
export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseKind;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory; `memory://` for an in-memory database. */
  dataDir?: string | undefined;
  /** PostgreSQL schema to use (tests isolate each file in its own schema). */
  schema?: string | undefined;
  poolSize?: number | undefined;
}

/** The PostgreSQL schema a handle is confined to (test isolation), so the migrator keeps its tables there too. */
export const schemaOf = new WeakMap<Database, string>();

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      ...(options.schema ? { options: `-c search_path=${options.schema},public` } : {}),
    });
    // Fail fast with a clear message instead of on the first request.
    try {
      const client = await pool.connect();
      client.release();
    } catch (err) {
      await pool.end();
      throw new Error(`Cannot connect to PostgreSQL at DATABASE_URL: ${(err as Error).message}`);
    }
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    if (options.schema) schemaOf.set(db, options.schema);
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const dir = options.dataDir ?? './data';
  let pglite: PGlite;
  if (dir === 'memory://') {
    pglite = new PGlite();
  } else {
    const pgdata = path.resolve(dir, 'pgdata');
    mkdirSync(pgdata, { recursive: true });
    pglite = new PGlite(pgdata);
  }
  await pglite.waitReady;
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  return { db, kind: 'pglite', close: () => db.destroy() };
}

/** Serializes writers of a shared resource (e.g. the audit chain head) within a transaction. */
export async function advisoryXactLock(db: Database, key: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(${key})`.execute(db);
}
