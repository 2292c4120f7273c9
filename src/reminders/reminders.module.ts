import {
  Inject,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { AuthService } from '../auth/auth.service.js';
import { RecordEvents, RecordEventsModule } from '../common/record-events.js';
import { WebSocketUpgradeModule } from '../websocket/websocket-upgrade.js';
import { HealthDataModule } from '../health-data/health-data.module.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AlarmsController } from './alarms/alarms.controller.js';
import { AlarmsService } from './alarms/alarms.service.js';
import { EmergencyDelivery } from './delivery/emergency-delivery.js';
import { PushHub } from './delivery/push-hub.js';
import { WebhookService } from './delivery/webhook.service.js';
import { NotificationsController } from './notifications/notifications.controller.js';
import { NotificationsService } from './notifications/notifications.service.js';
import { WebhookSettingsService } from './notifications/webhook-settings.service.js';
import { BullDueDispatcher, LocalDueDispatcher, type DueDispatcher } from './scheduler/dispatchers.js';
import { DueQueue } from './scheduler/due-queue.js';
import { ReminderScheduler, WATCHED_TYPES } from './scheduler/reminder-scheduler.js';
import { ReminderSources } from './scheduler/sources.js';
import { HealthRegistry } from '../ops/health-registry.js';

/** DI token of the due dispatcher (in-process timers, or BullMQ with REDIS_URL). */
export const DUE_DISPATCHER = 'DUE_DISPATCHER';

const DAY_MS = 86_400_000;
/** How long a source record may be remembered in single-replica mode (bounds staleness after an outside write). */
const SOURCE_CACHE_TTL_MS = 10 * 60_000;
/** Delay before the background reconcile after boot (lets the app answer first). */
const RECONCILE_DELAY_MS = 5_000;

/**
 * Alarms, notifications, the reminder scheduler (alarms, medication schedules, appointment reminders,
 * missed doses, snoozes) and delivery (WebSocket push, webhooks, emergency alerts). See docs/reminders.md.
 */
@Module({
  imports: [AuthModule, WebSocketUpgradeModule, RecordEventsModule, HealthDataModule],
  controllers: [AlarmsController, NotificationsController],
  providers: [
    DueQueue,
    ReminderSources,
    PushHub,
    WebhookService,
    NotificationsService,
    WebhookSettingsService,
    AlarmsService,
    ReminderScheduler,
    EmergencyDelivery,
    {
      provide: DUE_DISPATCHER,
      inject: [APP_CONFIG, DueQueue, ReminderScheduler],
      useFactory: (config: AppConfig, due: DueQueue, scheduler: ReminderScheduler): DueDispatcher =>
        config.redisUrl
          ? new BullDueDispatcher(due, scheduler, config)
          : new LocalDueDispatcher(due, scheduler),
    },
  ],
  exports: [ReminderScheduler, NotificationsService, AlarmsService, EmergencyDelivery, PushHub],
})
export class ReminderModule implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('ReminderModule');
  private timers: NodeJS.Timeout[] = [];
  /** What GET /health reports for reminders (a scheduler that is not running means reminders do not fire). */
  private state: 'starting' | 'running' | 'failed' | 'stopped' = 'starting';

  constructor(
    private readonly events: RecordEvents,
    private readonly scheduler: ReminderScheduler,
    @Inject(DUE_DISPATCHER) private readonly dispatcher: DueDispatcher,
    private readonly auth: AuthService,
    private readonly sources: ReminderSources,
    private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.health.register({
      name: 'scheduler',
      critical: false,
      check: () =>
        Promise.resolve({
          status: this.state === 'running' ? 'up' : 'down',
          details: { mode: this.dispatcher.mode, state: this.state },
        }),
    });
    // One replica: every write passes through this process, so source records can be remembered between passes.
    if (this.dispatcher.mode === 'local') this.sources.enableCache(SOURCE_CACHE_TTL_MS);
    this.events.on(WATCHED_TYPES, (change) => this.scheduler.onChange(change));
    // Account erasure (gateway.deleteAllForUser): the scheduler's own records of the user go too.
    this.events.on(['user'], async (change) => {
      if (change.op === 'delete' && change.userId) await this.scheduler.forgetUser(change.userId);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.dispatcher.start();
    } catch (e) {
      this.state = 'failed';
      throw e;
    }
    this.state = 'running';
    this.log.log(`reminder dispatcher started (${this.dispatcher.mode})`);
    const reconcile = setTimeout(() => void this.maintenance(), RECONCILE_DELAY_MS);
    const daily = setInterval(() => void this.maintenance(), DAY_MS);
    reconcile.unref();
    daily.unref();
    this.timers.push(reconcile, daily);
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.state = 'stopped';
    await this.dispatcher.stop();
  }

  /**
   * Repairs what a crash may have left (a source change whose event was lost, due records of deleted
   * users): re-syncs every user's sources, then sweeps orphaned and idle due records.
   */
  async maintenance(): Promise<void> {
    try {
      let users = 0;
      for (let offset = 0; ; offset += 500) {
        const ids = await this.auth.userIds(offset, 500);
        for (const id of ids) await this.scheduler.reconcileUser(id);
        users += ids.length;
        if (ids.length < 500) break;
      }
      const removed = await this.scheduler.sweep();
      this.log.log(`reconciled reminders of ${users} users, removed ${removed} stale due records`);
    } catch (e) {
      this.log.warn(`reminder maintenance failed: ${(e as Error).message}`);
    }
  }
}
