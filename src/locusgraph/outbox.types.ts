import type { StoredRecord } from './locusgraph.types.js';

/**
 * The durable outbox that carries writes from the embedded store to LocusGraph cloud.
 * Entries are written in the SAME transaction as the record change they describe, so an acknowledged
 * write is never lost for replication, whatever crashes afterwards.
 */
export type OutboxOp = { op: 'store'; record: StoredRecord } | { op: 'delete'; contextId: string };

export interface OutboxEntry {
  /** Monotonic sequence; drained in this order per context. */
  seq: number;
  contextId: string;
  op: OutboxOp;
  attempts: number;
  /** Epoch ms before which the entry must not be retried. */
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
}

export interface DeadLetter extends OutboxEntry {
  failedAt: number;
}

/** Implemented by the embedded drivers; used by the cloud replication worker. */
export interface OutboxStore {
  /**
   * Oldest due entries, at most one (the oldest) per context so per-context order is kept.
   * Claimed entries are leased for `leaseMs` (default 60 s): no other claim returns them, nor any later
   * entry of their context, until they are completed, retried or dead-lettered, or the lease runs out
   * (a crashed worker). So several replicas may drain one shared store.
   */
  claimDue(now: number, limit: number, leaseMs?: number): Promise<OutboxEntry[]>;
  /** Removes a delivered entry. */
  complete(seq: number): Promise<void>;
  /** Schedules a retry. */
  retryLater(seq: number, nextAttemptAt: number, error: string): Promise<void>;
  /** Moves a poison entry to the dead-letter list (later entries of its context may proceed). */
  deadLetter(seq: number, error: string): Promise<void>;
  depth(): Promise<number>;
  deadLetters(limit: number): Promise<DeadLetter[]>;
  /**
   * Re-queues dead letters (operator action, CLI). Each dead context is re-sent as its CURRENT state
   * (a store of the current record, or a delete when it no longer exists), never the stale payload, so
   * it cannot overwrite newer data already replicated. Returns the number of dead letters re-queued.
   */
  requeueDeadLetters(): Promise<number>;
}

/** DI token of the OutboxStore (provided by LocusGraphModule; the embedded store implements it). */
export const OUTBOX_STORE = 'OUTBOX_STORE';
