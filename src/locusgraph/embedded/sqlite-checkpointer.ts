import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the hot path. The store's own connection runs with wal_autocheckpoint=0, so a
 * commit never copies pages back into the database file; this worker thread holds a second connection
 * and runs `PRAGMA wal_checkpoint(PASSIVE)` every `intervalMs`. PASSIVE never takes the writer lock and
 * never waits for readers, so writers and readers on the main thread are not delayed; once the WAL is
 * fully copied back, the writer's next transaction starts it again from the beginning (and trims it to
 * journal_size_limit).
 *
 * Under a sustained write load the writer appends while each PASSIVE runs, so the WAL is never fully
 * copied at the moment a write begins and would grow without bound (checkpoint starvation; it reached
 * 5 GB in a bulk load). When more than `restartFrames` frames remain after a PASSIVE pass, the worker
 * runs one `wal_checkpoint(RESTART)`: it copies the few frames written since the PASSIVE pass, blocking
 * new writers only for that moment, and makes the next writer restart the WAL. Under ordinary load the
 * WAL stays far below the threshold and RESTART never runs.
 *
 * After an erasure the store asks for `truncate()`: a `wal_checkpoint(TRUNCATE)` in the same thread (so it
 * never overlaps a PASSIVE pass) copies every frame back and cuts the WAL to zero bytes, so no old frame
 * still holds an erased record. It waits (busy timeout) for the writer and for readers of the WAL.
 */
export interface CheckpointStats {
  checkpoints: number;
  /** RESTART checkpoints run because the WAL stayed above the threshold. */
  restarts: number;
  /** Frames in the WAL and frames already copied back, at the last checkpoint. */
  walFrames: number;
  checkpointedFrames: number;
  lastAt: number | null;
  errors: number;
  lastError: string | null;
}

// Plain CommonJS so it runs the same from TypeScript sources (tests) and from dist/ (production).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = NORMAL');
db.pragma('secure_delete = ON');
const stats = { checkpoints: 0, restarts: 0, walFrames: 0, checkpointedFrames: 0, lastAt: null, errors: 0, lastError: null };
let busy = false;
function run() {
  if (busy) return;
  busy = true;
  try {
    let r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    stats.checkpoints++;
    if (r.log > workerData.restartFrames) {
      r = db.pragma('wal_checkpoint(RESTART)')[0];
      stats.restarts++;
    }
    stats.walFrames = r.log;
    stats.checkpointedFrames = r.checkpointed;
    stats.lastAt = Date.now();
  } catch (e) {
    stats.errors++;
    stats.lastError = String((e && e.message) || e);
  }
  busy = false;
  parentPort.postMessage({ type: 'stats', stats });
}
function truncate(id) {
  let ok = false;
  for (let attempt = 0; attempt < 5 && !ok; attempt++) {
    try {
      ok = db.pragma('wal_checkpoint(TRUNCATE)')[0].busy === 0;
    } catch (e) {
      stats.errors++;
      stats.lastError = String((e && e.message) || e);
    }
  }
  parentPort.postMessage({ type: 'truncated', id, ok });
}
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'now') run();
  else if (m && m.type === 'truncate') truncate(m.id);
  else if (m === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.postMessage({ type: 'stopped' });
    parentPort.close();
  }
});
`;

export class WalCheckpointer {
  private readonly worker: Worker;
  private last: CheckpointStats = {
    checkpoints: 0,
    restarts: 0,
    walFrames: 0,
    checkpointedFrames: 0,
    lastAt: null,
    errors: 0,
    lastError: null,
  };
  private stopped: Promise<void> | null = null;
  private truncations = new Map<number, (ok: boolean) => void>();
  private nextTruncation = 0;

  /** `restartFrames`: 16384 frames ≈ 64 MiB of WAL with 4 KiB pages. */
  constructor(file: string, intervalMs = 500, restartFrames = 16384) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, driver, intervalMs, restartFrames },
    });
    this.worker.on('message', (m: { type: string; stats?: CheckpointStats; id?: number; ok?: boolean }) => {
      if (m.type === 'stats' && m.stats) this.last = m.stats;
      if (m.type === 'truncated') {
        this.truncations.get(m.id ?? -1)?.(Boolean(m.ok));
        this.truncations.delete(m.id ?? -1);
        if (!this.truncations.size) this.worker.unref();
      }
    });
    this.worker.on('error', (e) => {
      this.last = { ...this.last, errors: this.last.errors + 1, lastError: e.message };
    });
    this.worker.unref(); // never keeps a CLI process alive
  }

  stats(): CheckpointStats {
    return this.last;
  }

  /** Asks for a checkpoint now (tests). */
  nudge(): void {
    this.worker.postMessage('now');
  }

  /** Checkpoints everything and truncates the WAL; false when readers or a writer kept it busy. */
  truncate(): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    const id = ++this.nextTruncation;
    return new Promise<boolean>((resolve) => {
      this.truncations.set(id, resolve);
      this.worker.ref(); // a process with nothing else to do (a script) waits for the answer
      this.worker.postMessage({ type: 'truncate', id });
    });
  }

  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => void this.worker.terminate().then(() => resolve()), 5000);
      this.worker.once('exit', () => {
        clearTimeout(timer);
        for (const done of this.truncations.values()) done(false);
        this.truncations.clear();
        resolve();
      });
      this.worker.postMessage('stop');
    });
    return this.stopped;
  }
}
