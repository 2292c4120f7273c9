import { Module } from '@nestjs/common';
import { ChatModule } from '../chat/chat.module.js';
import { WebSocketUpgradeModule } from '../websocket/websocket-upgrade.js';
import { VoiceWebSocket } from './voice-ws.js';
import { VoiceController } from './voice.controller.js';
import { VoiceService } from './voice.service.js';

/** Voice over Sarvam: /api/voice/stream, /synthesize, /conversation and the WebSocket /api/voice/ws. */
@Module({
  imports: [ChatModule, WebSocketUpgradeModule],
  controllers: [VoiceController],
  providers: [VoiceService, VoiceWebSocket],
})
export class VoiceModule {}
