import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Files holding health records, accounts, backups, exports or secrets are the owner's only: 0600, in
 * folders we create 0700. The process umask is left alone (it would not protect files created before).
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** mkdir -p with 0700 for every folder it creates (existing folders are left as the operator made them). */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Sets 0600 on a file when it exists (a missing file, or one we may not chmod, is left alone). */
export function tightenFile(file: string): void {
  try {
    chmodSync(file, PRIVATE_FILE_MODE);
  } catch {
    // absent, or not ours: nothing to tighten
  }
}

/**
 * Before SQLite opens a database file: creates it 0600 (SQLite gives the -wal and -shm files it creates
 * the database file's mode) and tightens an existing one and its -wal/-shm from older installs.
 */
export function ensurePrivateSqliteFile(file: string): void {
  if (file === ':memory:' || file === '') return;
  ensurePrivateDir(dirname(file));
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) tightenFile(f);
}
