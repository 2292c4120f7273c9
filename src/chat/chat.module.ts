import { Module } from '@nestjs/common';
import { CareCircleModule } from '../care-circle/care-circle.module.js';
import { HealthDataModule } from '../health-data/health-data.module.js';
import { OVER_LIMIT_EXEMPTION } from '../ops/rate-limit/rate-limit.js';
import { ReminderModule } from '../reminders/reminders.module.js';
import { ChatLookupsService } from './chat-lookups.service.js';
import { ChatController } from './chat.controller.js';
import { ChatService } from './chat.service.js';
import { isOverLimitEmergency } from './over-limit-emergency.js';

/**
 * POST /api/chat and GET /api/chat/history. Acts through the HealthDataModule and ReminderModule services (the
 * ones the REST controllers use), notifies the care circle, and keeps chat messages through the gateway.
 */
@Module({
  imports: [HealthDataModule, ReminderModule, CareCircleModule],
  controllers: [ChatController],
  providers: [
    ChatService,
    ChatLookupsService,
    // An emergency message is never refused by the rate limit ("Never blocked", docs/chat-and-voice.md).
    { provide: OVER_LIMIT_EXEMPTION, useValue: isOverLimitEmergency },
  ],
  exports: [ChatService, OVER_LIMIT_EXEMPTION],
})
export class ChatModule {}
