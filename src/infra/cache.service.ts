import { createCache, type Cache } from 'cache-manager';
import { Keyv } from 'keyv';
import KeyvRedis from '@keyv/redis';
import type { AppConfig } from '../config/app-config.js';

/** A Map that forgets its oldest entries past `max`, so the in-memory cache stays bounded. */
class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: K, value: V): this {
    if (this.has(key)) this.delete(key);
    super.set(key, value);
    if (this.size > this.max) this.delete(this.keys().next().value as K);
    return this;
  }
}

/**
 * Application cache on cache-manager 7 (Keyv stores): in memory by default, Redis via @keyv/redis when
 * REDIS_URL is set (the maintained successor of cache-manager-redis-yet). Keys are namespaced by callers,
 * e.g. `user:<id>:appointments:upcoming`; `delPrefix`-style invalidation is done with versioned keys
 * (see `namespaceVersion`) so it works the same on both stores.
 */
export class CacheService {
  readonly cache: Cache;
  private readonly keyv: Keyv;

  constructor(config: AppConfig) {
    const store = config.redisUrl
      ? new KeyvRedis(config.redisUrl, { throwOnConnectError: false })
      : new BoundedMap<string, unknown>(10_000);
    this.keyv = new Keyv({ store, namespace: 'podd-cache' });
    this.cache = createCache({ stores: [this.keyv], ttl: config.cacheTtlSeconds * 1000 });
  }

  async get<T>(key: string): Promise<T | undefined> {
    try {
      return ((await this.cache.get<T>(key)) ?? undefined) as T | undefined;
    } catch {
      return undefined; // a cache outage must never fail a request
    }
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    try {
      await this.cache.set(key, value, ttlMs);
    } catch {
      /* cache is best-effort */
    }
  }

  async del(key: string): Promise<void> {
    try {
      await this.cache.del(key);
    } catch {
      /* best-effort */
    }
  }

  /**
   * The current version of a namespace (e.g. `user:<id>:contacts`). Cached entries include it in their key;
   * `bump` invalidates every entry of the namespace at once on any store.
   */
  async namespaceVersion(ns: string): Promise<number> {
    return (await this.get<number>(`ns:${ns}`)) ?? 0;
  }

  async bump(ns: string): Promise<void> {
    await this.set(`ns:${ns}`, Date.now(), 30 * 86400_000);
  }

  /** get-or-compute within a namespace. */
  async wrap<T>(ns: string, key: string, compute: () => Promise<T>, ttlMs?: number): Promise<T> {
    const v = await this.namespaceVersion(ns);
    const full = `${ns}:v${v}:${key}`;
    const hit = await this.get<T>(full);
    if (hit !== undefined) return hit;
    const value = await compute();
    await this.set(full, value, ttlMs);
    return value;
  }

  async close(): Promise<void> {
    try {
      await this.keyv.disconnect();
    } catch {
      /* ignore */
    }
  }
}
