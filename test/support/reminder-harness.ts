import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { AuthDatabaseModule } from '../../src/auth/auth.module.js';
import { Clock } from '../../src/common/clock.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { ConfigModule } from '../../src/config/config.module.js';
import { InfraModule } from '../../src/infra/infra.module.js';
import { LocusGraphGateway } from '../../src/locusgraph/locusgraph.gateway.js';
import { LocusGraphModule } from '../../src/locusgraph/locusgraph.module.js';
import type { Payload, StoredRecord } from '../../src/locusgraph/locusgraph.types.js';
import { PushHub, type PushMessage } from '../../src/reminders/delivery/push-hub.js';
import { NOTIFICATION, type NotificationPayload } from '../../src/reminders/reminder.record.js';
import { ReminderModule } from '../../src/reminders/reminders.module.js';
import { ReminderScheduler } from '../../src/reminders/scheduler/reminder-scheduler.js';
import { ManualClock } from './manual-clock.js';

/**
 * The ReminderModule on a real event store (SQLite file in a temp DATA_DIR, or the configured PostgreSQL)
 * with a ManualClock, WITHOUT lifecycle hooks: no dispatcher timers run, the test drives the scheduler
 * (`runDue`) itself. "Restart" = close and open again on the same DATA_DIR. Pushes are recorded (the real
 * PushHub still runs; the spy only records its calls).
 */
export interface ReminderHarness {
  module: TestingModule;
  config: AppConfig;
  clock: ManualClock;
  gateway: LocusGraphGateway;
  scheduler: ReminderScheduler;
  pushes: { userId: string; message: PushMessage }[];
  dataDir: string;
  /** Writes a record as its owner would (health-data's records are written with their field names). */
  put(contextId: string, userId: string, payload: Payload, createdAt?: Date): Promise<StoredRecord>;
  notifications(userId: string): Promise<StoredRecord<NotificationPayload>[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  dataDir?: string;
  clock: ManualClock;
  env?: Record<string, string>;
}

export async function createReminderHarness(opts: HarnessOptions): Promise<ReminderHarness> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'podd-rem-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const module = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      InfraModule,
      AuthDatabaseModule.forRoot(config),
      LocusGraphModule.forRoot(config),
      ReminderModule,
    ],
  })
    .overrideProvider(Clock)
    .useValue(opts.clock)
    .compile();
  module.useLogger(false);
  const gateway = module.get(LocusGraphGateway);
  const pushes: { userId: string; message: PushMessage }[] = [];
  const hub = module.get(PushHub);
  const original = hub.push.bind(hub);
  hub.push = async (userId: string, message: PushMessage) => {
    pushes.push({ userId, message });
    return original(userId, message);
  };
  return {
    module,
    config,
    clock: opts.clock,
    gateway,
    scheduler: module.get(ReminderScheduler),
    pushes,
    dataDir,
    put: (contextId, userId, payload, createdAt) =>
      gateway.store({
        contextId,
        userId,
        kind: 'fact',
        source: 'user',
        payload: { ...payload, user_id: userId },
        expectedVersion: 'any',
        ...(createdAt ? { occurredAt: createdAt } : {}),
      }),
    notifications: async (userId) =>
      (await gateway.list<NotificationPayload>({ userId, type: NOTIFICATION, order: 'asc', limit: 1000 }))
        .items,
    close: async () => {
      await module.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
