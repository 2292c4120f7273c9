import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../../common/decorators.js';
import { PaginationQuery } from '../../common/dto.js';
import { ApiErrors } from '../../common/swagger.js';
import { AccessLogEntryDto } from './access-log.dto.js';
import { AccessLogService } from './access-log.service.js';

@ApiTags('auth')
@Controller('api/auth/me')
export class AccessLogController {
  constructor(private readonly accessLog: AccessLogService) {}

  @Get('access-log')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Who accessed your health data: record type, operation, time and request id (newest first)',
  })
  @ApiOkResponse({ type: [AccessLogEntryDto] })
  @ApiErrors(422)
  list(@CurrentUser() user: AuthUser, @Query() q: PaginationQuery): Promise<AccessLogEntryDto[]> {
    return this.accessLog.page(user.id, q.limit, q.offset);
  }
}
