import { Global, Injectable, Logger, Module } from '@nestjs/common';

/** A committed change to a record of the event store. */
export interface RecordChange {
  /** `<type>:<id>`. */
  contextId: string;
  type: string;
  /** Owner (null for shared records). */
  userId: string | null;
  op: 'store' | 'delete';
  /** For `store`: the payload as committed (what a `get` would return now), so a listener need not read it back. */
  payload?: Readonly<Record<string, unknown>>;
}

export type RecordChangeListener = (change: RecordChange) => void | Promise<void>;

/**
 * In-process notifications of record writes, so a module can react to another module's data without
 * either depending on the other (the ReminderModule reschedules when a medication schedule, medication,
 * appointment or profile changes). The gateway announces every committed change itself (see
 * src/locusgraph/observed-gateway.ts), so writers do nothing; listeners subscribe by context type with `on`.
 * Listener errors are logged, never thrown back to the writer. A change missed by a crash between commit and
 * announcement is repaired by the listener's own reconcile.
 */
@Injectable()
export class RecordEvents {
  private readonly log = new Logger('RecordEvents');
  private readonly listeners = new Map<string, RecordChangeListener[]>();

  /** Subscribes to changes of the given context types. */
  on(types: readonly string[], listener: RecordChangeListener): void {
    for (const t of types) this.listeners.set(t, [...(this.listeners.get(t) ?? []), listener]);
  }

  /** True when somebody listens to changes of this type. */
  has(type: string): boolean {
    return this.listeners.has(type);
  }

  emit(change: RecordChange): void {
    const list = this.listeners.get(change.type);
    if (!list) return;
    for (const l of list) {
      Promise.resolve()
        .then(() => l(change))
        .catch((e: unknown) => this.log.error(`listener for ${change.type} failed: ${(e as Error).message}`));
    }
  }

  /** Awaits every listener of a change (writers that must not answer before reminders are rescheduled). */
  async emitAndWait(change: RecordChange): Promise<void> {
    const list = this.listeners.get(change.type) ?? [];
    await Promise.all(
      list.map(async (l) => {
        try {
          await l(change);
        } catch (e) {
          this.log.error(`listener for ${change.type} failed: ${(e as Error).message}`);
        }
      }),
    );
  }
}

/** Global: one bus for the whole app. */
@Global()
@Module({ providers: [RecordEvents], exports: [RecordEvents] })
export class RecordEventsModule {}
