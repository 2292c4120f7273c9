import { Injectable } from '@nestjs/common';
import type { StoredRecord } from '../../locusgraph/locusgraph.types.js';
import { WebhookService, type WebhookConfigPayload } from '../delivery/webhook.service.js';
import { RecordStore } from '../../health-data/records/record-store.js';
import { toZonedIso } from '../../schedule/local-time.js';
import type { WebhookConfigDto, WebhookResponseDto } from './notifications.dto.js';

/** The webhook routes: maps the stored config to its response (the secret only right after setting it). */
@Injectable()
export class WebhookSettingsService {
  constructor(
    private readonly webhooks: WebhookService,
    private readonly zones: RecordStore,
  ) {}

  private async render(
    rec: StoredRecord<WebhookConfigPayload>,
    withSecret: boolean,
  ): Promise<WebhookResponseDto> {
    const zone = await this.zones.zoneOf(rec.payload.user_id);
    return {
      url: rec.payload.url,
      active: rec.payload.active,
      ...(withSecret ? { secret: rec.payload.secret } : {}),
      signature_header: 'X-Podd-Signature',
      created_at: toZonedIso(rec.createdAt, zone),
      updated_at: toZonedIso(rec.updatedAt, zone),
    };
  }

  async get(userId: string): Promise<WebhookResponseDto> {
    return this.render(await this.webhooks.requireConfig(userId), false);
  }

  async set(userId: string, dto: WebhookConfigDto): Promise<WebhookResponseDto> {
    return this.render(await this.webhooks.setConfig(userId, dto.url, dto.secret, dto.active), true);
  }

  remove(userId: string): Promise<void> {
    return this.webhooks.deleteConfig(userId);
  }
}
