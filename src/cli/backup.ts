import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import Database from 'better-sqlite3';
import { ensurePrivateSqliteFile, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../common/private-files.js';
import type { AppConfig } from '../config/app-config.js';
import { openEventStore } from '../locusgraph/embedded/open-event-store.js';
import { SQLITE_SCHEMA_VERSION, SqliteEventStore } from '../locusgraph/embedded/sqlite-event-store.js';
import { readNdjson, writeNdjson } from '../locusgraph/ndjson.js';
import { Progress } from './progress.js';

/**
 * `podd backup` and `podd restore`: the seed guide's backup and recovery procedures as commands.
 *
 * A backup is a folder `podd-backup-<UTC time>` holding an online, consistent copy of each SQLite file
 * (SQLite's backup API, safe while the server runs), an NDJSON export of the event store taken FROM THAT
 * COPY (so both describe the same moment), and manifest.json with counts and a checksum. The folder is
 * written as `<name>.partial` and renamed when complete, so a half-written backup is never mistaken for
 * one. Restore verifies everything before it swaps a file in. Folders are created 0700 and files 0600:
 * a backup holds every account and health record.
 */

export const BACKUP_PREFIX = 'podd-backup-';
const NAME_RE = /^podd-backup-(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z(\.partial)?$/;
const DAY = 86_400_000;
const EVENT_FILE = 'locusgraph.db';
const AUTH_FILE = 'podd_auth.db';
const NDJSON_FILE = 'records.ndjson';

export interface BackupManifest {
  format: 'podd-backup/1';
  created_at: string;
  event_store: {
    driver: 'sqlite' | 'postgres';
    file: string | null;
    schema_version: number;
    records: number;
  };
  auth_db: { file: string } | null;
  export: { file: string; records: number; sha256: string };
  notes: string[];
}

export interface BackupResult {
  dir: string;
  manifest: BackupManifest;
  pruned: string[];
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

const folderName = (d: Date): string => BACKUP_PREFIX + d.toISOString().replace(/[:.]/g, '-');

function folderTime(name: string): number | null {
  const m = NAME_RE.exec(name);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms] = m;
  return Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, +ms);
}

/** A pass-through that hashes and counts what is written to the file. */
function hashingFile(path: string): { stream: Transform; done: () => Promise<string> } {
  const hash = createHash('sha256');
  const file = createWriteStream(path, { mode: PRIVATE_FILE_MODE });
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  stream.pipe(file);
  return {
    stream,
    done: async () => {
      stream.end();
      await finished(file);
      await fsyncFile(path);
      return hash.digest('hex');
    },
  };
}

async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function fsyncDir(path: string): Promise<void> {
  try {
    await fsyncFile(path);
  } catch {
    // not supported on every platform; the renames are still atomic
  }
}

/** sha256 and line count of a file in one streaming pass. */
async function scanNdjson(path: string): Promise<{ sha256: string; lines: number }> {
  const hash = createHash('sha256');
  let lines = 0;
  let last = 10;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
    if (chunk.length) last = chunk[chunk.length - 1];
  }
  if (last !== 10) lines++; // a final line without newline
  return { sha256: hash.digest('hex'), lines };
}

async function sqliteBackup(src: string, dest: string): Promise<void> {
  ensurePrivateSqliteFile(dest); // the copy is written into this empty 0600 file
  const db = new Database(src, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(dest);
  } finally {
    db.close();
  }
}

export async function backup(
  config: AppConfig,
  opts: { dir?: string; keepDays: number; stderr: Writable; now?: Date },
): Promise<BackupResult> {
  const root = opts.dir ?? join(config.dataDir, 'backups');
  const now = opts.now ?? new Date();
  const name = folderName(now);
  const final = join(root, name);
  const partial = final + '.partial';
  if (existsSync(final) || existsSync(partial)) throw new CliError(`${final} already exists`);
  await mkdir(partial, { recursive: true, mode: PRIVATE_DIR_MODE });
  const notes: string[] = [];
  try {
    // 1. Event store: an online copy of the file (or nothing to copy on PostgreSQL).
    let exportSource: { store: Awaited<ReturnType<typeof openEventStore>>; close: () => Promise<void> };
    let schemaVersion: number;
    if (config.eventStore.kind === 'sqlite') {
      if (!existsSync(config.eventStore.file))
        throw new CliError(`event store ${config.eventStore.file} does not exist`);
      await sqliteBackup(config.eventStore.file, join(partial, EVENT_FILE));
      const copy = await SqliteEventStore.open({
        file: join(partial, EVENT_FILE),
        checkpointer: false,
        mmapBytes: 0,
      });
      exportSource = { store: copy, close: () => copy.close() };
    } else {
      const live = await openEventStore(config, { replicate: false, checkpointer: false, mmapBytes: 0 });
      exportSource = { store: live, close: () => live.close() };
      notes.push(
        'event store is PostgreSQL: records.ndjson is the event-store backup (use pg_dump for the whole database)',
      );
    }
    // 2. Auth database.
    let authDb: BackupManifest['auth_db'] = null;
    if (config.authDb.kind === 'sqlite' && existsSync(config.authDb.file)) {
      await sqliteBackup(config.authDb.file, join(partial, AUTH_FILE));
      authDb = { file: AUTH_FILE };
    } else if (config.authDb.kind === 'postgres') {
      notes.push('auth database is PostgreSQL: back it up with pg_dump');
    } else {
      notes.push(`auth database ${config.authDb.file} does not exist yet`);
    }
    // 3. NDJSON export of the copied event store.
    let records: number;
    let sha256: string;
    try {
      schemaVersion = await exportSource.store.schemaVersion();
      const total = await exportSource.store.count();
      const bar = new Progress(opts.stderr, 'export', total);
      const out = hashingFile(join(partial, NDJSON_FILE));
      records = await writeNdjson(exportSource.store.exportRecords(), out.stream, (n) => bar.update(n));
      sha256 = await out.done();
      bar.done(records);
    } finally {
      await exportSource.close();
    }
    const manifest: BackupManifest = {
      format: 'podd-backup/1',
      created_at: now.toISOString(),
      event_store: {
        driver: config.eventStore.kind,
        file: config.eventStore.kind === 'sqlite' ? EVENT_FILE : null,
        schema_version: schemaVersion,
        records,
      },
      auth_db: authDb,
      export: { file: NDJSON_FILE, records, sha256 },
      notes,
    };
    await writeFile(join(partial, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n', {
      mode: PRIVATE_FILE_MODE,
    });
    await fsyncFile(join(partial, 'manifest.json'));
    await rename(partial, final);
    await fsyncDir(root);
    const pruned = await prune(root, opts.keepDays, now, name);
    return { dir: final, manifest, pruned };
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    throw e;
  }
}

/** Removes backup folders (and abandoned .partial ones) older than keepDays; never `keep`. */
export async function prune(root: string, keepDays: number, now: Date, keep: string): Promise<string[]> {
  const cutoff = now.getTime() - keepDays * DAY;
  const removed: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === keep) continue;
    const t = folderTime(entry.name);
    if (t === null || t >= cutoff) continue;
    await rm(join(root, entry.name), { recursive: true, force: true });
    removed.push(entry.name);
  }
  return removed.sort();
}

// ---------------------------------------------------------------------------------------------- restore

export interface RestoreResult {
  records: number;
  restored: string[];
  keptAside: string[];
  /** Accounts erased after the backup was taken, erased again in the restored data. */
  reErased: number;
}

function checkIntegrity(file: string): void {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new CliError(`${basename(file)} cannot be opened: ${(e as Error).message}`);
  }
  try {
    const rows = db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[];
    const result = rows.map((r) => r.integrity_check).join('; ');
    if (result !== 'ok')
      throw new CliError(`${basename(file)} failed PRAGMA integrity_check: ${result.slice(0, 500)}`);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${basename(file)} is not a valid SQLite database: ${(e as Error).message}`);
  } finally {
    db.close();
  }
}

function recordCount(file: string): { records: number; schema: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const records = (db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
    const schema = (
      db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }
    ).v;
    return { records, schema };
  } catch (e) {
    throw new CliError(`${basename(file)} is not a Podd event store: ${(e as Error).message}`);
  } finally {
    db.close();
  }
}

/** SQLite keeps -wal and -shm files next to a database while any process has it open. */
function inUse(file: string): boolean {
  return existsSync(file + '-wal') || existsSync(file + '-shm');
}

/** Copies src over target atomically; the previous target (and its WAL) is kept aside, never deleted. */
async function swapIn(src: string, target: string, stamp: string): Promise<string | null> {
  await mkdir(dirname(target), { recursive: true, mode: PRIVATE_DIR_MODE });
  const tmp = `${target}.restore-tmp`;
  await copyFile(src, tmp);
  await chmod(tmp, PRIVATE_FILE_MODE);
  await fsyncFile(tmp);
  let aside: string | null = null;
  if (existsSync(target)) {
    aside = `${target}.pre-restore-${stamp}`;
    await rename(target, aside);
    // An old WAL belongs to the old file: it must never be replayed into the restored one.
    for (const suffix of ['-wal', '-shm'])
      if (existsSync(target + suffix)) await rename(target + suffix, aside + suffix);
  }
  await rename(tmp, target);
  await fsyncDir(dirname(target));
  return aside;
}

export async function restore(
  config: AppConfig,
  dir: string,
  opts: { force: boolean; stderr: Writable; now?: Date },
): Promise<RestoreResult> {
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) throw new CliError(`${dir} is not a Podd backup (no manifest.json)`);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as BackupManifest;
  } catch {
    throw new CliError(`${manifestFile} is not valid JSON`);
  }
  if (manifest.format !== 'podd-backup/1')
    throw new CliError(`unsupported backup format ${String(manifest.format)}`);

  // 1. Verify everything before touching anything.
  const ndjson = join(dir, manifest.export.file);
  if (!existsSync(ndjson)) throw new CliError(`${manifest.export.file} is missing`);
  const scan = await scanNdjson(ndjson);
  if (scan.sha256 !== manifest.export.sha256)
    throw new CliError(`${manifest.export.file} does not match its checksum`);
  if (scan.lines !== manifest.export.records) {
    throw new CliError(
      `${manifest.export.file} has ${scan.lines} lines, the manifest says ${manifest.export.records}`,
    );
  }
  const eventCopy = manifest.event_store.file ? join(dir, manifest.event_store.file) : null;
  if (eventCopy) {
    if (!existsSync(eventCopy)) throw new CliError(`${manifest.event_store.file} is missing`);
    checkIntegrity(eventCopy);
    const { records, schema } = recordCount(eventCopy);
    if (records !== manifest.event_store.records || records !== scan.lines) {
      throw new CliError(
        `${manifest.event_store.file} holds ${records} records, the export ${scan.lines}, the manifest ${manifest.event_store.records}`,
      );
    }
    if (schema > SQLITE_SCHEMA_VERSION)
      throw new CliError(
        `the backup has event-store schema ${schema}; this build knows ${SQLITE_SCHEMA_VERSION}`,
      );
  }
  const authCopy = manifest.auth_db ? join(dir, manifest.auth_db.file) : null;
  if (authCopy) {
    if (!existsSync(authCopy)) throw new CliError(`${manifest.auth_db?.file} is missing`);
    checkIntegrity(authCopy);
  }

  // 2. Refuse to swap files under a running server (see `podd help`: stop the service first).
  const targets: [string, string][] = [];
  if (config.eventStore.kind === 'sqlite') {
    if (!eventCopy)
      throw new CliError('the backup has no SQLite event store file (it was taken from PostgreSQL)');
    targets.push([eventCopy, config.eventStore.file]);
  }
  if (authCopy && config.authDb.kind === 'sqlite') targets.push([authCopy, config.authDb.file]);
  const busy = targets.filter(([, t]) => inUse(t)).map(([, t]) => t);
  if (busy.length && !opts.force) {
    throw new CliError(
      `${busy.join(', ')} ${busy.length > 1 ? 'look' : 'looks'} in use (-wal/-shm files present): stop the Podd service first. ` +
        'If it is stopped and was not shut down cleanly, re-run with --force.',
    );
  }

  // Accounts erased since the backup was taken must not come back with it: their tombstones are read from
  // the store being replaced (on PostgreSQL they stay in the store, and the import skips those users).
  const erased = await currentErasedUsers(config);

  const stamp = (opts.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
  const restored: string[] = [];
  const keptAside: string[] = [];
  let records = manifest.event_store.records;

  // 3. PostgreSQL event store: load the NDJSON into an empty store.
  if (config.eventStore.kind === 'postgres') {
    const store = await openEventStore(config, { replicate: false });
    try {
      if ((await store.count()) > 0) {
        throw new CliError(
          'the PostgreSQL event store is not empty; restore into an empty database (or schema)',
        );
      }
      const bar = new Progress(opts.stderr, 'import', scan.lines);
      let n = 0;
      const counted = async function* () {
        for await (const r of readNdjson(createReadStream(ndjson))) {
          bar.update(++n);
          yield r;
        }
      };
      records = await store.importRecords(counted());
      bar.done(records);
      restored.push('event store (PostgreSQL) from ' + manifest.export.file);
    } finally {
      await store.close();
    }
  }

  // 4. Swap SQLite files in.
  for (const [src, target] of targets) {
    const aside = await swapIn(src, target, stamp);
    restored.push(target);
    if (aside) keptAside.push(aside);
  }

  // 5. Re-open the restored event store (applies newer migrations) and check the count once more.
  if (config.eventStore.kind === 'sqlite') {
    const store = await SqliteEventStore.open({ file: config.eventStore.file, checkpointer: false });
    try {
      const n = await store.count();
      if (n !== manifest.event_store.records)
        throw new CliError(
          `restored event store holds ${n} records, expected ${manifest.event_store.records}`,
        );
    } finally {
      await store.close();
    }
  }

  // 6. Erase again what was erased after the backup: records (and tombstones) and the restored accounts.
  if (erased.length) {
    const store = await openEventStore(config, { replicate: false, checkpointer: false });
    try {
      for (const id of erased) records -= await store.deleteAllForUser(id);
    } finally {
      await store.close();
    }
    if (authCopy && config.authDb.kind === 'sqlite') deleteAccounts(config.authDb.file, erased);
  }
  return { records, restored, keptAside, reErased: erased.length };
}

async function currentErasedUsers(config: AppConfig): Promise<string[]> {
  if (config.eventStore.kind === 'sqlite' && !existsSync(config.eventStore.file)) return [];
  const store = await openEventStore(config, { replicate: false, checkpointer: false });
  try {
    return await store.erasedUsers();
  } finally {
    await store.close();
  }
}

/** Removes accounts (and their refresh tokens) from a restored SQLite auth database, overwriting them. */
function deleteAccounts(file: string, userIds: string[]): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('secure_delete = ON');
    const tokens = db.prepare('DELETE FROM refresh_tokens WHERE user_id = ?');
    const users = db.prepare('DELETE FROM users WHERE id = ?');
    db.transaction(() => {
      for (const id of userIds) {
        tokens.run(id);
        users.run(id);
      }
    })();
  } finally {
    db.close(); // the last connection checkpoints and removes the WAL
  }
}
