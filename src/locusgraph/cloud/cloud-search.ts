import { Logger } from '@nestjs/common';
import { counter } from '../../ops/metrics.js';
import type { LocusGraphGateway } from '../locusgraph.gateway.js';
import type { Payload, SearchQuery, StoredRecord } from '../locusgraph.types.js';
import type { LocusGraphClient } from './locusgraph-client.js';
import { LocusGraphError } from './locusgraph-client.errors.js';

export interface RecallResult<P extends Payload = Payload> {
  records: StoredRecord<P>[];
  /** Where the records came from: the hosted graph's search, the embedded full-text index, or both. */
  source: 'cloud' | 'embedded' | 'cloud+embedded';
}

export interface CloudSearchOptions {
  /** Local budget for search calls (the engine's `spend` bucket is 20/min per key, shared by all replicas). */
  perMinute?: number;
  /** Chat waits on recall: keep it short. Default 3000 ms. */
  timeoutMs?: number;
  now?: () => number;
}

const outcomes = counter({
  name: 'podd_locusgraph_recall_total',
  help: 'Chat recall searches by where the answer came from (cloud, cloud_topped_up, embedded_fallback, embedded_only)',
  labelNames: ['outcome'],
});

/**
 * Recall for the chat module: "find this user's records about <text>".
 *
 * With LOCUSGRAPH_API_KEY set it asks the hosted graph first (LocusGraph search: relevance + recency over each
 * record's `payload.data` statement), then keeps only contexts this user owns **according to the embedded store**
 * and returns the embedded (current) records: the graph is shared by all users, so the cloud only proposes
 * context ids and never decides what a user may see. When the cloud has fewer hits than asked (search freshness
 * is not guaranteed right after a write), the embedded full-text search tops the list up. Any cloud failure,
 * 429, or an exhausted local budget falls back to the embedded search; recall never fails because of the cloud.
 *
 * Without a key it is simply the embedded search, so the chat module can always inject this class.
 */
export class LocusGraphCloudSearch {
  private readonly log = new Logger('LocusGraphCloudSearch');
  private readonly perMinute: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly calls: number[] = [];
  private warned = false;

  constructor(
    private readonly gateway: LocusGraphGateway,
    private readonly client: LocusGraphClient | null,
    options: CloudSearchOptions = {},
  ) {
    this.perMinute = options.perMinute ?? 20;
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.now = options.now ?? Date.now;
  }

  /** True when recall asks LocusGraph cloud first. */
  get enabled(): boolean {
    return this.client !== null;
  }

  async search<P extends Payload = Payload>(q: SearchQuery): Promise<RecallResult<P>> {
    if (!this.client || !q.text.trim() || q.limit <= 0 || !this.takeBudget()) {
      outcomes.inc({ outcome: 'embedded_only' });
      return { records: await this.gateway.search<P>(q), source: 'embedded' };
    }
    let fromCloud: StoredRecord<P>[];
    try {
      fromCloud = await this.cloudCandidates<P>(q, this.client);
    } catch (err) {
      outcomes.inc({ outcome: 'embedded_fallback' });
      const why = err instanceof LocusGraphError ? err.describe() : (err as Error)?.message;
      if (!this.warned) this.log.warn(`cloud search failed, using the embedded index: ${why}`);
      this.warned = true;
      return { records: await this.gateway.search<P>(q), source: 'embedded' };
    }
    this.warned = false;
    if (fromCloud.length >= q.limit) {
      outcomes.inc({ outcome: 'cloud' });
      return { records: fromCloud.slice(0, q.limit), source: 'cloud' };
    }
    const seen = new Set(fromCloud.map((r) => r.contextId));
    const local = (await this.gateway.search<P>(q)).filter((r) => !seen.has(r.contextId));
    outcomes.inc({ outcome: 'cloud_topped_up' });
    return {
      records: [...fromCloud, ...local].slice(0, q.limit),
      source: fromCloud.length ? 'cloud+embedded' : 'embedded',
    };
  }

  private async cloudCandidates<P extends Payload>(
    q: SearchQuery,
    client: LocusGraphClient,
  ): Promise<StoredRecord<P>[]> {
    // Over-fetch: other users' memories share the graph and are dropped below.
    const res = await client.search(
      { query: q.text, limit: Math.min(100, Math.max(20, q.limit * 5)) },
      { timeoutMs: this.timeoutMs },
    );
    const out: StoredRecord<P>[] = [];
    const seen = new Set<string>();
    for (const item of res.items) {
      for (const contextId of item.context_ids ?? []) {
        if (out.length >= q.limit) return out;
        if (seen.has(contextId)) continue;
        seen.add(contextId);
        const type = contextId.slice(0, contextId.indexOf(':'));
        if (q.types?.length && !q.types.includes(type)) continue;
        const rec = await this.gateway.get<P>(contextId);
        if (rec && rec.userId === q.userId) out.push(rec);
      }
    }
    return out;
  }

  /** Sliding-window budget, and the engine's own word when its `spend` bucket is empty. */
  private takeBudget(): boolean {
    const now = this.now();
    const rl = this.client?.rateLimitFor('spend');
    if (rl && rl.remaining === 0 && rl.resetAt !== null && rl.resetAt > now) return false;
    while (this.calls.length && this.calls[0] <= now - 60_000) this.calls.shift();
    if (this.calls.length >= this.perMinute) return false;
    this.calls.push(now);
    return true;
  }
}
