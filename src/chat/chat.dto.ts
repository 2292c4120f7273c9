import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { MAX_OFFSET, ToInt } from '../common/dto.js';
import { INTENTS } from './pipeline/intent.js';
import { CHAT_MAX_CHARS, ChatMessageLength } from './triage-gate.js';
import {
  TRIAGE_CATEGORIES,
  TRIAGE_LANGUAGES,
  type TriageCategory,
  type TriageLanguage,
} from './triage/index.js';

export const CHANNELS = ['text', 'voice'] as const;
export type Channel = (typeof CHANNELS)[number];

export class ChatRequestDto {
  @ApiProperty({
    minLength: 1,
    maxLength: CHAT_MAX_CHARS,
    example: 'maine dawai le li',
    description:
      'A longer message is triaged first: an emergency gets its emergency reply (200), anything else the usual 422',
  })
  @IsString()
  @MinLength(1)
  @ChatMessageLength()
  message: string;

  @ApiPropertyOptional({
    default: 'en-IN',
    example: 'hi-IN',
    description: 'BCP-47 locale; hi-IN replies without Devanagari get a "[hi-IN] " prefix',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, { message: 'locale must look like en-IN or hi-IN' })
  locale: string = 'en-IN';

  @ApiPropertyOptional({ enum: CHANNELS, default: 'text' })
  @IsOptional()
  @IsIn(CHANNELS, { message: 'channel must be one of: text, voice' })
  channel: Channel = 'text';
}

/** The records a chat message can create. */
export const CHAT_ACTION_TYPES = [
  'water_log',
  'food_log',
  'exercise_log',
  'vitals',
  'medication_log',
  'alarm',
] as const;

export class ChatActionDto {
  @ApiProperty({
    enum: CHAT_ACTION_TYPES,
    enumName: 'ChatActionType',
    example: 'water_log',
    description: 'Record type as the REST API names it',
  })
  type: string;
  @ApiProperty({ example: 'f2ea5ecd24e3', description: 'Record id, usable with the REST route of that type' })
  id: string;
}

export class ChatTriageFindingDto {
  @ApiProperty({ enum: TRIAGE_CATEGORIES, example: 'chest_pain' })
  category: TriageCategory;
  @ApiProperty({ minimum: 0, maximum: 1, example: 0.9, description: 'How directly the message says it' })
  confidence: number;
}

export class ChatEmergencyDto {
  @ApiProperty({
    enum: TRIAGE_CATEGORIES,
    isArray: true,
    example: ['chest_pain'],
    description: 'Red-flag categories found, main one first; empty on a follow-up',
  })
  flags: TriageCategory[];
  @ApiProperty({ type: [ChatTriageFindingDto], description: 'Same order as flags, with confidence' })
  categories: ChatTriageFindingDto[];
  @ApiProperty({
    enum: TRIAGE_LANGUAGES,
    example: 'en',
    description: 'Detected language of the message (of the reply)',
  })
  language: TriageLanguage;
  @ApiProperty({
    example: 'POST /api/emergency/alert',
    description: 'The route that alerts every emergency contact',
  })
  alert_route: string;
  @ApiProperty({ description: 'Whether the user has a primary emergency contact (named in the reply)' })
  has_primary_contact: boolean;
  @ApiProperty({
    enum: ['local', 'model'],
    nullable: true,
    description:
      "Who raised the alarm: the local triage, or the model's safety second opinion (which can add an alarm, never remove one); null on a follow-up",
  })
  source: 'local' | 'model' | null;
  @ApiProperty({
    description:
      'True when this message is not an emergency itself but follows an alarm of the last 30 minutes: the reply then starts with the safety line (112, the emergency alert) and `flags` is empty',
  })
  follow_up: boolean;
}

export class TriageFindingDto {
  @ApiProperty({ example: 'chest_pain' })
  category: string;
  @ApiProperty({ minimum: 0, maximum: 1, example: 1 })
  confidence: number;
}

/** The alarm as stored with both messages of the exchange that raised it. */
export class ChatAlarmDto {
  @ApiProperty({ type: [String], example: ['chest_pain'] })
  categories: string[];
  @ApiProperty({ type: [TriageFindingDto] })
  findings: TriageFindingDto[];
  @ApiProperty({ enum: ['local', 'model'] })
  source: 'local' | 'model';
  @ApiProperty({ example: 'en', description: 'Language the message was triaged in' })
  language: string;
}

export class ChatMetadataDto {
  @ApiProperty({ example: 'en-IN' })
  locale: string;
  @ApiProperty({ enum: CHANNELS })
  channel: Channel;
  @ApiProperty({ type: [ChatActionDto], description: 'Records this message created (type + id only)' })
  actions: ChatActionDto[];
  @ApiProperty({ enum: ['offline', 'openai', 'sarvam', 'triage'], description: 'Who phrased the reply' })
  provider: string;
  @ApiPropertyOptional({ type: ChatEmergencyDto, nullable: true })
  emergency?: ChatEmergencyDto | null;
}

export class ChatResponseDto {
  @ApiProperty({ example: 'f2ea5ecd24e3' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  user_id: string;
  @ApiProperty()
  user_message: string;
  @ApiProperty()
  assistant_message: string;
  @ApiProperty({ enum: INTENTS })
  intent: string;
  @ApiProperty({ example: '2026-03-01T08:00:00.000+05:30' })
  created_at: string;
  @ApiProperty({ type: ChatMetadataDto })
  metadata: ChatMetadataDto;
}

export class ChatHistoryQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;

  @ApiPropertyOptional({ default: 0, description: 'Messages to skip from the oldest' })
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  offset: number = 0;
}

export class ChatMessageDto {
  @ApiProperty({ example: 'f2ea5ecd24e3_user', description: 'Message id: the chat id and the role' })
  id: string;
  @ApiProperty({
    example: 'f2ea5ecd24e3',
    description: 'Id of the exchange (the POST /api/chat response id)',
  })
  chat_id: string;
  @ApiProperty({ format: 'uuid' })
  user_id: string;
  @ApiProperty({ enum: ['user', 'assistant'] })
  role: string;
  @ApiProperty()
  content: string;
  @ApiPropertyOptional({ nullable: true, enum: INTENTS })
  intent: string | null;
  @ApiProperty()
  created_at: string;
  @ApiProperty({ enum: CHANNELS })
  channel: string;
  @ApiProperty({
    type: ChatAlarmDto,
    nullable: true,
    description: 'The emergency alarm this exchange raised (on the user message and on the reply), else null',
  })
  emergency: ChatAlarmDto | null;
}

export class ChatHistoryResponseDto {
  @ApiProperty({ format: 'uuid' })
  user_id: string;
  @ApiProperty({ type: [ChatMessageDto], description: 'Oldest first' })
  messages: ChatMessageDto[];
  @ApiProperty({ description: 'All messages of the user, before limit/offset' })
  total_count: number;
  @ApiProperty()
  retrieved_at: string;
}
