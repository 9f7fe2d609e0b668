import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engine } from '../../test/database.js';
import { databaseUrlFor } from '../../test/global-setup.js';
import { type Database, openPglite, openPostgres, queryRows } from './database.js';
import { DataDirInUseError } from './lock.js';
import { migrateDatabase, migrationStatus, migrationsFolder } from './migrate.js';

const available = readMigrationFiles({ migrationsFolder }).length;

describe('migrations on an embedded database in a data directory', () => {
  let base = '';
  let dataDir = '';
  beforeAll(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'custodian-migrate-'));
    dataDir = path.join(base, 'data');
  });
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  // Creating a file-based database (initdb in WebAssembly) takes a while on a busy machine.
  it('migrates once, and migrating again after reopening changes nothing', { timeout: 90_000 }, async () => {
    expect(available).toBeGreaterThanOrEqual(2);
    const first = await openPglite(dataDir);
    try {
      expect(await migrationStatus(first)).toEqual({ applied: 0, available, current: false });
      await migrateDatabase(first);
      expect(await migrationStatus(first)).toEqual({ applied: available, available, current: true });
    } finally {
      await first.close();
    }
    expect(fs.existsSync(path.join(dataDir, 'custodian.lock'))).toBe(false);

    const again = await openPglite(dataDir);
    try {
      expect(await migrationStatus(again)).toEqual({ applied: available, available, current: true });
      await migrateDatabase(again);
      expect(await migrationStatus(again)).toEqual({ applied: available, available, current: true });
      // The schema survived the restart: the audit trail's append-only trigger is there, once.
      const triggers = await queryRows<{ n: number }>(
        again.db,
        sql`select count(*)::int as n from pg_trigger where tgname = 'audit_entries_append_only'`,
      );
      expect(triggers[0]?.n).toBe(1);
    } finally {
      await again.close();
    }
  });

  it('refuses a second open of the same directory while the first is open', async () => {
    const holder = await openPglite(dataDir);
    try {
      const lockFile = path.join(dataDir, 'custodian.lock');
      expect(fs.readFileSync(lockFile, 'utf8')).toBe(String(process.pid));
      const second = openPglite(dataDir);
      await expect(second).rejects.toBeInstanceOf(DataDirInUseError);
      await expect(second).rejects.toThrow(/in use/);
      // The refused open left the holder's lock alone.
      expect(fs.readFileSync(lockFile, 'utf8')).toBe(String(process.pid));
    } finally {
      await holder.close();
    }
  });

  it('respects a lock held by another live process', async () => {
    const lockFile = path.join(dataDir, 'custodian.lock');
    // The process that started this test worker is alive and is not this one.
    fs.writeFileSync(lockFile, String(process.ppid));
    try {
      const refused = openPglite(dataDir);
      await expect(refused).rejects.toBeInstanceOf(DataDirInUseError);
      await expect(refused).rejects.toThrow(`pid ${process.ppid}`);
      expect(fs.readFileSync(lockFile, 'utf8')).toBe(String(process.ppid));
    } finally {
      fs.rmSync(lockFile, { force: true });
    }
  });

  it('takes over a lock left by a process that died', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']);
    expect(dead.status).toBe(0);
    const lockFile = path.join(dataDir, 'custodian.lock');
    fs.writeFileSync(lockFile, String(dead.pid));

    const database = await openPglite(dataDir);
    try {
      expect(fs.readFileSync(lockFile, 'utf8')).toBe(String(process.pid));
      expect(await migrationStatus(database)).toEqual({ applied: available, available, current: true });
    } finally {
      await database.close();
    }
    expect(fs.existsSync(lockFile)).toBe(false);
  });

  it('takes over a lock file that names no process', async () => {
    const lockFile = path.join(dataDir, 'custodian.lock');
    fs.writeFileSync(lockFile, '');
    const database = await openPglite(dataDir);
    try {
      expect(fs.readFileSync(lockFile, 'utf8')).toBe(String(process.pid));
    } finally {
      await database.close();
    }
  });
});

describe('migrations on a PostgreSQL server', () => {
  it.runIf(engine === 'postgres')(
    'migrating the (already migrated) test database again is a no-op',
    async () => {
      const database = await createTestDatabase();
      try {
        const before = await migrationStatus(database);
        expect(before).toEqual({ applied: available, available, current: true });
        const rowsBefore = await queryRows<{ id: number; hash: string }>(
          database.db,
          sql`select id, hash from drizzle.__drizzle_migrations order by id`,
        );
        await migrateDatabase(database);
        expect(await migrationStatus(database)).toEqual(before);
        const rowsAfter = await queryRows<{ id: number; hash: string }>(
          database.db,
          sql`select id, hash from drizzle.__drizzle_migrations order by id`,
        );
        expect(rowsAfter).toEqual(rowsBefore);
      } finally {
        await database.close();
      }
    },
  );

  it.runIf(engine === 'postgres')(
    'two servers migrating a fresh database at once both succeed, once',
    async () => {
      const base = process.env.DATABASE_URL ?? '';
      const name = `custodian_m_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`create database ${name}`);
      const opened: Database[] = [];
      try {
        const url = databaseUrlFor(base, name);
        opened.push(await openPostgres(url, { max: 2 }), await openPostgres(url, { max: 2 }));
        const [a, b] = opened as [Database, Database];
        await Promise.all([migrateDatabase(a), migrateDatabase(b)]);
        expect(await migrationStatus(a)).toEqual({ applied: available, available, current: true });
        expect(await migrationStatus(b)).toEqual({ applied: available, available, current: true });
        const triggers = await queryRows<{ n: number }>(
          a.db,
          sql`select count(*)::int as n from pg_trigger where tgname = 'audit_entries_append_only'`,
        );
        expect(triggers[0]?.n).toBe(1);
      } finally {
        await Promise.all(opened.map((d) => d.close()));
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    },
  );

  it.runIf(engine === 'postgres')(
    "opens connections with JIT compilation off, unless the URL's own options say otherwise",
    async () => {
      const base = process.env.DATABASE_URL ?? '';
      const jitOf = async (url: string) => {
        const database = await openPostgres(url, { max: 1 });
        try {
          return (await queryRows<{ jit: string }>(database.db, sql`select current_setting('jit') as jit`))[0]
            ?.jit;
        } finally {
          await database.close();
        }
      };
      expect(await jitOf(base)).toBe('off');
      const own = new URL(base);
      own.searchParams.set('options', '-c jit=on');
      expect(await jitOf(own.toString())).toBe('on');
    },
  );
});
