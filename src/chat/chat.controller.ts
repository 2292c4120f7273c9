import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../common/decorators.js';
import { ApiErrors } from '../common/swagger.js';
import { ChatHistoryQuery, ChatHistoryResponseDto, ChatRequestDto, ChatResponseDto } from './chat.dto.js';
import { ChatService } from './chat.service.js';

@ApiTags('chat')
@ApiBearerAuth()
@Controller('api/chat')
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a message to the assistant',
    description:
      'English, Hindi (Devanagari) and Hinglish. Red flags (15 categories: chest pain, stroke, breathing, collapse, seizure, bleeding, ' +
      'anaphylaxis, poisoning, self-harm, fall, head injury, dangerous readings, infants, burns, abdominal/obstetric; in 12 languages) ' +
      'get an immediate safety reply in the message language (112/108, the primary emergency contact, the emergency alert, Tele-MANAS 14416 for self-harm) ' +
      "with intent `emergency`. Otherwise the assistant acts on the caller's own data (water, food, vitals, a dose taken, a reminder: " +
      'the same records the REST routes create, listed in `metadata.actions`) or answers from it. Works without any API key; ' +
      'with OPENAI_API_KEY or SARVAM_API_KEY a model phrases the reply from the records, falling back to the offline assistant, ' +
      'and gives a second opinion that may add an alarm (`metadata.emergency.source` = `model`). ' +
      'For 30 minutes after an alarm every reply starts with a short safety line (`metadata.emergency.follow_up`). ' +
      'Limited to CHAT_RATE_PER_MINUTE messages a minute per user and RATE_LIMIT_PER_MINUTE requests (429 with Retry-After) — ' +
      'except an emergency, which is answered whatever the limits and however long the message.',
  })
  @ApiOkResponse({ type: ChatResponseDto })
  @ApiErrors(400, 422, 503, {
    status: 429,
    description: 'Chat quota or rate limit reached (never for an emergency message)',
  })
  send(@CurrentUser() user: AuthUser, @Body() dto: ChatRequestDto): Promise<ChatResponseDto> {
    return this.chat.chat(user, dto);
  }

  @Get('history')
  @ApiOperation({
    summary: "The caller's chat messages, oldest first",
    description:
      '`offset` counts from the oldest message; `total_count` is before paging. `emergency` is the alarm an exchange raised (categories, confidence, local or model), else null.',
  })
  @ApiOkResponse({ type: ChatHistoryResponseDto })
  @ApiErrors(422)
  history(@CurrentUser() user: AuthUser, @Query() q: ChatHistoryQuery): Promise<ChatHistoryResponseDto> {
    return this.chat.history(user, q);
  }
}
