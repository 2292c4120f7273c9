#!/usr/bin/env node
import { createReadStream, createWriteStream, existsSync, realpathSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runAuthMigrations } from './auth/auth-datasource.js';
import { backup, CliError, restore } from './cli/backup.js';
import { Progress } from './cli/progress.js';
import { PRIVATE_FILE_MODE } from './common/private-files.js';
import { ConfigError, loadConfig, readDotEnv, type AppConfig } from './config/app-config.js';
import { openEventStore } from './locusgraph/embedded/open-event-store.js';
import type { StoredRecord } from './locusgraph/locusgraph.types.js';
import { NdjsonLineError, readNdjson, writeNdjson } from './locusgraph/ndjson.js';

/**
 * `podd` — operator commands (npm run cli -- <command>, or the `podd` bin after npm link / install).
 * Exit codes: 0 success, 1 the operation failed, 2 usage error, 78 invalid configuration (EX_CONFIG).
 */

const USAGE = `Usage: podd <command> [options]

Commands:
  migrate                              apply pending schema migrations (event store and auth database)
  export [--user ID] [--out FILE|-]    write the event store (or one user's records) as NDJSON (default: stdout)
  import FILE|-                        upsert records from an NDJSON export (file or stdin)
  backup [--dir DIR] [--keep-days N]   online backup of the SQLite files + NDJSON export into
                                       DIR/podd-backup-<UTC time> (default DIR: DATA_DIR/backups);
                                       removes backups older than N days (default 7)
  restore DIR [--force]                verify a backup folder and swap its files in.
                                       STOP THE SERVICE FIRST: a running server cannot be detected
                                       reliably; restore refuses while -wal/-shm files show a database
                                       in use (--force overrides after an unclean shutdown).
                                       Replaced files are kept aside as <file>.pre-restore-<time>.
  outbox status                        replication outbox depth and dead letters (no record contents)
  outbox requeue                       re-queue dead letters (each re-sent as its current state)
  help                                 this text

Configuration comes from the environment and ./.env (see .env.example), as for the server.
Progress is drawn on stderr when it is a terminal; stdout carries only data (export) or results.
`;

export const EXIT = { ok: 0, failed: 1, usage: 2, config: 78 } as const;

/** Short-lived commands: no checkpointer thread (closing checkpoints), no memory map (one pass over the file). */
const CLI_STORE = { checkpointer: false, mmapBytes: 0 } as const;

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const defaultIo = (): CliIo => ({
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});

class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/**
 * Applies every pending migration: the event store's (opening it migrates) and the auth database's
 * (TypeORM). Also run by the server at start-up; safe to run concurrently with it.
 */
export async function runAllMigrations(config: AppConfig): Promise<{ eventStore: number[]; auth: string[] }> {
  const store = await openEventStore(config, CLI_STORE);
  const eventStore = store.migrationsApplied;
  await store.close();
  const auth = await runAuthMigrations(config);
  return { eventStore, auth };
}

function parse(
  args: string[],
  options: Record<string, { type: 'string' | 'boolean' }>,
  positionals: [number, number],
) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const [min, max] = positionals;
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    throw new UsageError(
      `expected ${min === max ? min : `${min} to ${max}`} argument(s), got ${parsed.positionals.length}`,
    );
  }
  return parsed;
}

async function cmdExport(config: AppConfig, args: string[], io: CliIo): Promise<void> {
  const { values } = parse(args, { user: { type: 'string' }, out: { type: 'string' } }, [0, 0]);
  const userId = values.user as string | undefined;
  const out = (values.out as string | undefined) ?? '-';
  // Opening a missing SQLite file would create an empty store and "export" nothing with exit 0: a wrong
  // DATA_DIR must be an error, as it is for backup.
  if (config.eventStore.kind === 'sqlite' && !existsSync(config.eventStore.file))
    throw new CliError(
      `event store ${config.eventStore.file} does not exist (check DATA_DIR or EVENT_STORE_URL)`,
    );
  const store = await openEventStore(config, CLI_STORE);
  try {
    const total = await store.count(userId !== undefined ? { userId } : undefined);
    const bar = new Progress(io.stderr, 'export', total);
    const records = store.exportRecords(userId !== undefined ? { userId } : undefined);
    let n: number;
    if (out === '-') {
      n = await writeNdjson(records, io.stdout, (k) => bar.update(k));
    } else {
      // Written beside the target and renamed when complete: a failed export never looks like a good one.
      const target = resolve(io.cwd, out);
      const tmp = `${target}.partial`;
      await rm(tmp, { force: true }); // a stale one may have another mode; the export is the owner's only
      const file = createWriteStream(tmp, { mode: PRIVATE_FILE_MODE });
      try {
        n = await writeNdjson(records, file, (k) => bar.update(k));
        file.end();
        await finished(file);
        const fh = await open(tmp, 'r');
        await fh.sync();
        await fh.close();
        await rename(tmp, target);
      } catch (e) {
        file.destroy();
        await rm(tmp, { force: true });
        throw e;
      }
    }
    bar.done(n);
    io.stderr.write(
      `exported ${n} record(s)${userId !== undefined ? ` of user ${userId}` : ''}${out === '-' ? '' : ` to ${out}`}\n`,
    );
  } finally {
    await store.close();
  }
}

async function cmdImport(config: AppConfig, args: string[], io: CliIo): Promise<void> {
  const { positionals } = parse(args, {}, [1, 1]);
  const src = positionals[0];
  let input: Readable;
  if (src === '-') input = io.stdin;
  else {
    const file = resolve(io.cwd, src);
    if (!existsSync(file)) throw new CliError(`${src}: no such file`);
    input = createReadStream(file);
  }
  const store = await openEventStore(config, CLI_STORE);
  const bar = new Progress(io.stderr, 'import');
  let read = 0;
  async function* counted(): AsyncGenerator<StoredRecord> {
    for await (const r of readNdjson(input)) {
      bar.update(++read);
      yield r;
    }
  }
  try {
    const n = await store.importRecords(counted());
    bar.done(n);
    io.stderr.write(
      `imported ${n} record(s)${store.replicate ? ' (queued for LocusGraph replication)' : ''}\n`,
    );
  } catch (e) {
    if (e instanceof NdjsonLineError)
      throw new CliError(`${src}: ${e.message}; the records before it were imported`);
    if (e instanceof Error && !(e instanceof CliError)) {
      throw new CliError(
        `${src}: record ${read}: ${e.message}; the records of earlier chunks were imported (re-running is safe)`,
      );
    }
    throw e;
  } finally {
    await store.close();
  }
}

async function cmdBackup(config: AppConfig, args: string[], io: CliIo): Promise<void> {
  const { values } = parse(args, { dir: { type: 'string' }, 'keep-days': { type: 'string' } }, [0, 0]);
  const keepRaw = (values['keep-days'] as string | undefined) ?? '7';
  if (!/^\d+$/.test(keepRaw)) throw new UsageError('--keep-days must be a whole number of days');
  const dir = values.dir !== undefined ? resolve(io.cwd, values.dir as string) : undefined;
  const result = await backup(config, { dir, keepDays: Number(keepRaw), stderr: io.stderr });
  const m = result.manifest;
  io.stdout.write(
    `backup ${result.dir}\n` +
      `  event store: ${m.event_store.records} record(s) (${m.event_store.driver}${m.event_store.file ? `, ${m.event_store.file}` : ''})\n` +
      `  auth db: ${m.auth_db ? m.auth_db.file : 'not copied'}\n` +
      m.notes.map((n) => `  note: ${n}\n`).join('') +
      (result.pruned.length ? `  pruned: ${result.pruned.join(', ')}\n` : ''),
  );
}

async function cmdRestore(config: AppConfig, args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parse(args, { force: { type: 'boolean' } }, [1, 1]);
  const dir = resolve(io.cwd, positionals[0]);
  if (!existsSync(dir)) throw new CliError(`${positionals[0]}: no such backup folder`);
  const result = await restore(config, dir, { force: Boolean(values.force), stderr: io.stderr });
  io.stdout.write(
    `restored ${result.records} record(s) from ${dir}\n` +
      result.restored.map((f) => `  restored: ${f}\n`).join('') +
      result.keptAside.map((f) => `  previous file kept as: ${f}\n`).join('') +
      (result.reErased ? `  erased again: ${result.reErased} account(s) erased after the backup\n` : '') +
      '  start the service again.\n',
  );
}

async function cmdOutbox(config: AppConfig, args: string[], io: CliIo): Promise<void> {
  const { positionals } = parse(args, {}, [1, 1]);
  const store = await openEventStore(config, CLI_STORE);
  try {
    if (positionals[0] === 'status') {
      const dead = await store.deadLetters(20);
      io.stdout.write(
        `outbox depth: ${await store.depth()}\ndead letters (newest 20):${dead.length ? '' : ' none'}\n`,
      );
      for (const d of dead) {
        io.stdout.write(
          `  #${d.seq} ${d.op.op} ${d.contextId} attempts=${d.attempts} failed_at=${new Date(d.failedAt).toISOString()} error=${d.lastError ?? ''}\n`,
        );
      }
    } else if (positionals[0] === 'requeue') {
      io.stdout.write(`requeued ${await store.requeueDeadLetters()} dead letter(s)\n`);
    } else {
      throw new UsageError(`unknown outbox command "${positionals[0]}" (status, requeue)`);
    }
  } finally {
    await store.close();
  }
}

const COMMANDS: Record<string, (config: AppConfig, args: string[], io: CliIo) => Promise<void>> = {
  migrate: async (config, args, io) => {
    parse(args, {}, [0, 0]);
    const r = await runAllMigrations(config);
    io.stdout.write(
      `event store: ${r.eventStore.length ? `applied ${r.eventStore.join(', ')}` : 'up to date'}\n` +
        `auth database: ${r.auth.length ? `applied ${r.auth.join(', ')}` : 'up to date'}\n`,
    );
  },
  export: cmdExport,
  import: cmdImport,
  backup: cmdBackup,
  restore: cmdRestore,
  outbox: cmdOutbox,
};

/** Runs one command; returns the exit code (never throws, never calls process.exit). */
export async function runCli(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    (command ? io.stdout : io.stderr).write(USAGE);
    return command ? EXIT.ok : EXIT.usage;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr.write(`podd: unknown command "${command}"\n\n${USAGE}`);
    return EXIT.usage;
  }
  let config: AppConfig;
  try {
    readDotEnv(join(io.cwd, '.env'), io.env);
    config = loadConfig(io.env);
  } catch (e) {
    io.stderr.write(`podd: ${e instanceof ConfigError ? e.message : (e as Error).message}\n`);
    return EXIT.config;
  }
  try {
    await run(config, args, io);
    return EXIT.ok;
  } catch (e) {
    if ((e as { code?: string }).code === 'EPIPE') return EXIT.ok; // `podd export | head`
    const err = e as Error & { exitCode?: number };
    io.stderr.write(`podd ${command}: ${err.message}\n`);
    if (e instanceof UsageError) io.stderr.write(`\n${USAGE}`);
    if (io.env.DEBUG === 'true' && !(e instanceof CliError)) io.stderr.write(`${err.stack}\n`);
    return e instanceof CliError ? e.exitCode : EXIT.failed;
  }
}

function invokedDirectly(): boolean {
  try {
    return (
      Boolean(process.argv[1]) &&
      realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
    );
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT.ok);
  });
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // Nothing should keep the loop alive; if a driver does, do not hang an operator's shell.
    setTimeout(() => process.exit(code), 2000).unref();
  });
}
