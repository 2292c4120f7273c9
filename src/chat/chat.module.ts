import { Module } from '@nestjs/common';
import { CareCircleModule } from '../care-circle/care-circle.module.js';
import { ChatLookupsService } from './chat-lookups.service.js';
import { ChatController } from './chat.controller.js';
import { ChatService } from './chat.service.js';

/**
 * POST /api/chat and GET /api/chat/history. Uses the HealthDataModule and ReminderModule services (looked up
 * across modules at init, so those modules must be in the application) and the gateway for chat messages.
 */
@Module({
  imports: [CareCircleModule],
  controllers: [ChatController],
  providers: [ChatService, ChatLookupsService],
  exports: [ChatService],
})
export class ChatModule {}
