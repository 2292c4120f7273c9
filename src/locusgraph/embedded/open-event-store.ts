import type { AppConfig } from '../../config/app-config.js';
import type { EmbeddedEventStore } from './embedded-event-store.js';
import { PostgresEventStore } from './postgres-event-store.js';
import { SqliteEventStore, type SqliteDurability } from './sqlite-event-store.js';

export interface OpenEventStoreOptions {
  /** Enqueue outbox entries for the cloud replica. Default: on when LOCUSGRAPH_API_KEY is set. */
  replicate?: boolean;
  /** SQLite only: durability mode (default wal-fdatasync) and background checkpoints (default on). */
  durability?: SqliteDurability;
  checkpointer?: boolean;
  /** SQLite only: memory-mapped reads (default on); one-pass tools (export, backup) turn it off. */
  mmapBytes?: number;
  /** PostgreSQL only: schema to use instead of the connection's default (tests). */
  schema?: string;
}

/**
 * Opens (and migrates) the embedded event store named by the configuration: the SQLite file
 * (EVENT_STORE_URL, default DATA_DIR/locusgraph.db) or PostgreSQL. Usable outside Nest (CLI, benchmarks,
 * tests); the caller closes it.
 */
export async function openEventStore(
  config: Pick<AppConfig, 'eventStore' | 'locusgraph'>,
  opts: OpenEventStoreOptions = {},
): Promise<EmbeddedEventStore> {
  const replicate = opts.replicate ?? Boolean(config.locusgraph.apiKey);
  const target = config.eventStore;
  if (target.kind === 'postgres') {
    return PostgresEventStore.open({ url: target.url, replicate, schema: opts.schema });
  }
  return SqliteEventStore.open({
    file: target.file,
    replicate,
    durability: opts.durability,
    checkpointer: opts.checkpointer,
    mmapBytes: opts.mmapBytes,
  });
}
