import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { SARVAM_LANGUAGES, TTS_MAX_CHARS } from './sarvam-speech.client.js';

const LANG_MSG = `language_code must be one of: ${SARVAM_LANGUAGES.join(', ')}`;
const SPEAKER = /^[a-z][a-z0-9_-]{1,31}$/;
/** An explicit `null` means "the default", as an absent field does (it must never reach Sarvam as null). */
const DefaultWhenNull = (value: string): PropertyDecorator => Transform(({ value: v }) => v ?? value);

/** Speech-to-text also takes `unknown`: Sarvam detects the language (the reply is then spoken in it). */
const STT_LANGUAGES = [...SARVAM_LANGUAGES, 'unknown'];

/** Query of `/stream` and `/conversation`. */
export class VoiceQuery {
  @ApiPropertyOptional({
    enum: STT_LANGUAGES,
    default: 'hi-IN',
    description: '`unknown` lets Sarvam detect the language',
  })
  @IsOptional()
  @DefaultWhenNull('hi-IN')
  @IsIn(STT_LANGUAGES, { message: `language_code must be one of: ${STT_LANGUAGES.join(', ')}` })
  language_code: string = 'hi-IN';

  @ApiPropertyOptional({ default: 'shubh', description: 'Bulbul voice (used by /conversation)' })
  @IsOptional()
  @DefaultWhenNull('shubh')
  @IsString()
  @Matches(SPEAKER, { message: 'speaker must be a voice name such as shubh' })
  speaker: string = 'shubh';
}

export class VoiceSynthesizeRequestDto {
  @ApiProperty({ minLength: 1, maxLength: TTS_MAX_CHARS, example: 'नमस्ते, आज पानी पीना न भूलें।' })
  @IsString()
  @MinLength(1)
  @MaxLength(TTS_MAX_CHARS)
  @Matches(/\S/, { message: 'text must contain something to say' })
  text: string;

  @ApiPropertyOptional({
    enum: SARVAM_LANGUAGES,
    default: 'hi-IN',
    nullable: true,
    description: 'null: the default',
  })
  @IsOptional()
  @DefaultWhenNull('hi-IN')
  @IsIn(SARVAM_LANGUAGES, { message: LANG_MSG })
  language_code: string = 'hi-IN';

  @ApiPropertyOptional({ default: 'shubh', nullable: true, description: 'Bulbul voice; null: the default' })
  @IsOptional()
  @DefaultWhenNull('shubh')
  @IsString()
  @Matches(SPEAKER, { message: 'speaker must be a voice name such as shubh' })
  speaker: string = 'shubh';
}

export class VoiceStreamResponseDto {
  @ApiProperty({ example: 'maine dawai le li' })
  transcript: string;
  @ApiProperty({ example: 'hi-IN' })
  language_code: string;
  @ApiProperty({ example: 0.93, description: "Sarvam's language probability (0 when not given)" })
  confidence: number;
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 2.4,
    description: 'Seconds, for WAV uploads',
  })
  duration: number | null;
}

export class VoiceSynthesizeResponseDto {
  @ApiProperty({ description: 'Base64 WAV' })
  audio_content: string;
  @ApiProperty({ example: 'wav' })
  audio_format: string;
  @ApiProperty({ example: 'hi-IN' })
  language_code: string;
  @ApiProperty({ example: 'shubh' })
  speaker: string;
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description: 'Seconds of audio (from the WAV header)',
  })
  duration: number | null;
  @ApiProperty()
  character_count: number;
}

export class VoiceConversationResponseDto {
  @ApiProperty()
  transcript: string;
  @ApiProperty({ example: 'medication' })
  intent: string;
  @ApiProperty()
  assistant_response: string;
  @ApiProperty({
    description:
      'Base64 WAV of the reply; empty only for an emergency reply whose speech synthesis failed (the text is still returned)',
  })
  audio_content: string;
  @ApiProperty({ example: 'wav' })
  audio_format: string;
  @ApiProperty({ example: 'hi-IN' })
  language_code: string;
  @ApiProperty({ description: 'Id of the stored chat exchange (see GET /api/chat/history)' })
  chat_id: string;
}
