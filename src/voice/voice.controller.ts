import { Body, Controller, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, type AuthUser } from '../common/decorators.js';
import { ApiErrors } from '../common/swagger.js';
import {
  VoiceConversationResponseDto,
  VoiceQuery,
  VoiceStreamResponseDto,
  VoiceSynthesizeRequestDto,
  VoiceSynthesizeResponseDto,
} from './voice.dto.js';
import { VoiceService } from './voice.service.js';

const AUDIO_BODY = {
  schema: {
    type: 'object',
    required: ['file'],
    properties: {
      file: {
        type: 'string',
        format: 'binary',
        description: 'Audio (WAV, MP3, M4A, OGG, FLAC, WebM), at most UPLOAD_LIMIT_BYTES',
      },
    },
  },
};
const VOICE_ERRORS = [
  { status: 400, description: 'Empty audio, or no speech detected (code NO_SPEECH)' },
  { status: 413, description: 'Audio larger than UPLOAD_LIMIT_BYTES' },
  { status: 415, description: 'Not multipart/form-data, or not an audio file' },
  422,
  { status: 502, description: 'The speech service failed (code UPSTREAM_FAILED)' },
  {
    status: 503,
    description:
      'Voice not configured (SARVAM_API_KEY unset, code VOICE_NOT_CONFIGURED) or the speech service timed out',
  },
];

@ApiTags('voice')
@ApiBearerAuth()
@Controller('api/voice')
export class VoiceController {
  constructor(private readonly voice: VoiceService) {}

  @Post('stream')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Speech to text',
    description: 'Multipart `file` → transcript (Sarvam speech-to-text).',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody(AUDIO_BODY)
  @ApiOkResponse({ type: VoiceStreamResponseDto })
  @ApiErrors(...VOICE_ERRORS)
  stream(@Req() req: FastifyRequest, @Query() q: VoiceQuery): Promise<VoiceStreamResponseDto> {
    return this.voice.transcribeUpload(req, q.language_code);
  }

  @Post('synthesize')
  @HttpCode(200)
  @ApiOperation({ summary: 'Text to speech', description: 'Text → base64 WAV (Sarvam Bulbul).' })
  @ApiOkResponse({ type: VoiceSynthesizeResponseDto })
  @ApiErrors(
    400,
    422,
    { status: 502, description: 'The speech service failed' },
    { status: 503, description: 'Voice not configured or timed out' },
  )
  synthesize(@Body() dto: VoiceSynthesizeRequestDto): Promise<VoiceSynthesizeResponseDto> {
    return this.voice.synthesize(dto.text, dto.language_code, dto.speaker);
  }

  @Post('conversation')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Spoken conversation: audio → chat → audio',
    description:
      'Transcribes the audio, runs it through POST /api/chat (channel voice, same triage, actions and quota), and speaks the reply.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody(AUDIO_BODY)
  @ApiOkResponse({ type: VoiceConversationResponseDto })
  @ApiErrors(...VOICE_ERRORS)
  conversation(
    @CurrentUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Query() q: VoiceQuery,
  ): Promise<VoiceConversationResponseDto> {
    return this.voice.conversationUpload(user, req, q.language_code, q.speaker);
  }
}
