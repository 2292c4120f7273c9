import {
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { HealthRegistry } from '../../ops/health-registry.js';
import { LocusGraphGateway } from '../locusgraph.gateway.js';
import { OUTBOX_STORE, type OutboxStore } from '../outbox.types.js';
import { LocusGraphCloudSearch } from './cloud-search.js';
import { LocusGraphClient } from './locusgraph-client.js';
import { ReplicationWorker } from './replication-worker.js';

/**
 * Runs the replication worker with the application: registers the non-critical `locusgraph_cloud` health
 * check, starts draining on bootstrap, and stops in beforeApplicationShutdown (the request in flight is
 * answered and recorded; the rest stays in the outbox), i.e. before LocusGraphModule closes the store in
 * onApplicationShutdown.
 */
@Injectable()
export class CloudReplication implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly worker: ReplicationWorker,
    private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.health.register({ name: 'locusgraph_cloud', critical: false, check: () => this.worker.health() });
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }
}

/**
 * The cloud half of LocusGraphModule. Always: `LocusGraphCloudSearch` (recall; the embedded search when no key
 * is set). With LOCUSGRAPH_API_KEY: the HTTP client, the outbox replication worker and its lifecycle.
 * Needs `LocusGraphGateway` and `OUTBOX_STORE` (LocusGraphModule provides both) and `HealthRegistry`.
 */
export function cloudReplicationProviders(config: AppConfig): Provider[] {
  const lg = config.locusgraph;
  const search: Provider = {
    provide: LocusGraphCloudSearch,
    useFactory: (gateway: LocusGraphGateway, client?: LocusGraphClient) =>
      new LocusGraphCloudSearch(gateway, client ?? null),
    inject: [LocusGraphGateway, { token: LocusGraphClient, optional: true }],
  };
  if (!lg.apiKey) return [search];
  return [
    {
      provide: LocusGraphClient,
      useFactory: () =>
        new LocusGraphClient({
          baseUrl: lg.apiUrl,
          apiKey: lg.apiKey,
          graphId: lg.graphId,
          timeoutMs: lg.timeoutMs,
        }),
    },
    {
      provide: ReplicationWorker,
      useFactory: (outbox: OutboxStore, client: LocusGraphClient) =>
        new ReplicationWorker(outbox, client, { maxAttempts: lg.maxAttempts }),
      inject: [OUTBOX_STORE, LocusGraphClient],
    },
    CloudReplication,
    search,
  ];
}
