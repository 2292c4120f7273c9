import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { HealthRegistry } from '../ops/health-registry.js';
import type { EmbeddedEventStore } from './embedded/embedded-event-store.js';
import { openEventStore } from './embedded/open-event-store.js';
import { LocusGraphGateway } from './locusgraph.gateway.js';
import { AuditedGateway } from './audited-gateway.js';
import { ObservedGateway } from './observed-gateway.js';
import { RecordEvents, RecordEventsModule } from '../common/record-events.js';
import { OUTBOX_STORE } from './outbox.types.js';
import { cloudReplicationProviders } from './cloud/cloud-replication.providers.js';
import { LocusGraphCloudSearch } from './cloud/cloud-search.js';

export { openEventStore, type OpenEventStoreOptions } from './embedded/open-event-store.js';
export { OUTBOX_STORE } from './outbox.types.js';
export { LocusGraphCloudSearch, type RecallResult } from './cloud/cloud-search.js';

/** DI token of the embedded store itself (admin features: export route, counts). Modules use LocusGraphGateway. */
export const EVENT_STORE = 'EVENT_STORE';

/**
 * Provides the LocusGraphGateway port (the embedded event store, the system of record) to every module,
 * the OUTBOX_STORE for the cloud replication worker (entries are enqueued when LOCUSGRAPH_API_KEY is set),
 * registers the critical `event_store` readiness check and closes the store on shutdown.
 *
 * Shutdown order: Nest calls every beforeApplicationShutdown before any onApplicationShutdown, so the
 * replication worker stops in beforeApplicationShutdown and the store closes here afterwards (pending
 * writes are committed and made durable first).
 */
@Global()
@Module({})
export class LocusGraphModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EmbeddedEventStore,
    private readonly health: HealthRegistry,
  ) {}

  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: LocusGraphModule,
      imports: [RecordEventsModule],
      providers: [
        {
          provide: EVENT_STORE,
          useFactory: () => openEventStore(config, { replicate: Boolean(config.locusgraph.apiKey) }),
        },
        // Modules get the store wrapped so committed writes are announced on RecordEvents (observed-gateway.ts).
        {
          provide: LocusGraphGateway,
          inject: [EVENT_STORE, RecordEvents],
          useFactory: (store: EmbeddedEventStore, events: RecordEvents) =>
            new AuditedGateway(new ObservedGateway(store, events)),
        },
        { provide: OUTBOX_STORE, useExisting: EVENT_STORE },
        // LocusGraphCloudSearch always; the cloud client + replication worker when LOCUSGRAPH_API_KEY is set.
        ...cloudReplicationProviders(config),
      ],
      exports: [EVENT_STORE, LocusGraphGateway, OUTBOX_STORE, LocusGraphCloudSearch],
    };
  }

  onModuleInit(): void {
    this.health.register({ name: 'event_store', critical: true, check: () => this.store.health() });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
