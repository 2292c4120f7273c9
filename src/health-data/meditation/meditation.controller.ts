import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { PaginationQuery } from '../../common/dto.js';
import { CurrentUser, type AuthUser } from '../../common/decorators.js';
import { ApiErrors } from '../../common/swagger.js';
import { BatchResultDto } from '../batch/batch.js';
import {
  MeditationLogCreateDto,
  MeditationLogResponseDto,
  MeditationSessionCreateDto,
  MeditationSessionListQuery,
  MeditationSessionResponseDto,
} from './meditation.dto.js';
import { RecordRoutes } from '../records/record-controller.js';
import { MeditationService } from './meditation.service.js';
import type { SessionView } from './meditation.record.js';

@ApiTags('meditation')
@ApiBearerAuth()
@Controller('api/meditation')
@RecordRoutes<MeditationController>({
  resource: (c) => c.meditation.logRoutes,
  dto: { create: MeditationLogCreateDto, response: MeditationLogResponseDto, list: PaginationQuery },
  routes: {
    create: { name: 'log', path: 'log', summary: 'Log a session you did', errors: [400, 404, 413, 422] },
    list: { name: 'history', path: 'history', summary: 'Your meditation logs, newest first', errors: [422] },
  },
})
export class MeditationController {
  constructor(readonly meditation: MeditationService) {}

  @Get('sessions')
  @ApiOperation({
    summary: 'The built-in catalogue and your own sessions, newest first (optionally one category)',
  })
  @ApiOkResponse({ type: [MeditationSessionResponseDto] })
  @ApiErrors(422)
  sessions(@CurrentUser() user: AuthUser, @Query() q: MeditationSessionListQuery): Promise<SessionView[]> {
    return this.meditation.listSessions(user, q);
  }

  @Get('sessions/:session_id')
  @ApiOperation({ summary: 'One session: built-in, or one of yours' })
  @ApiOkResponse({ type: MeditationSessionResponseDto })
  @ApiErrors(404)
  session(@CurrentUser() user: AuthUser, @Param('session_id') id: string): Promise<SessionView> {
    return this.meditation.getSession(user, id);
  }

  @Delete('sessions/:session_id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a session you added (a built-in one or another user’s is 404)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(404)
  async remove(@CurrentUser() user: AuthUser, @Param('session_id') id: string): Promise<void> {
    await this.meditation.deleteSession(user, id);
  }

  @Post('sessions')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Add a session of your own, private to you (title unique ignoring case among yours and the catalogue)',
  })
  @ApiCreatedResponse({ type: MeditationSessionResponseDto })
  @ApiErrors(400, 409, 413, 422)
  create(@CurrentUser() user: AuthUser, @Body() dto: MeditationSessionCreateDto): Promise<SessionView> {
    return this.meditation.createSession(user, dto);
  }

  @Post('sessions/batch')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Add several sessions (JSON array, at most 100); each item succeeds or fails alone',
  })
  @ApiBody({ type: [MeditationSessionCreateDto] })
  @ApiCreatedResponse({ type: BatchResultDto })
  @ApiErrors(400, 413, 422)
  batch(@CurrentUser() user: AuthUser, @Body() body: unknown): Promise<BatchResultDto> {
    return this.meditation.createSessions(user, body);
  }
}
