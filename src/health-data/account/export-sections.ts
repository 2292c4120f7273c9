import { Injectable } from '@nestjs/common';

export type ExportSection = (userId: string) => Promise<unknown>;

/**
 * Extra top-level sections of the account export (GET /api/auth/me/export) contributed by modules that hold
 * account data outside the event store (the care circle registers `care_circle`). A port, so those modules
 * depend on health-data and not the other way round.
 */
@Injectable()
export class AccountExportSections {
  private readonly sections = new Map<string, ExportSection>();

  register(name: string, section: ExportSection): void {
    this.sections.set(name, section);
  }

  async collect(userId: string): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const [name, section] of this.sections) out[name] = await section(userId);
    return out;
  }
}
