import { Controller, Delete, Get, HttpCode, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../../common/decorators.js';
import { ApiErrors } from '../../common/swagger.js';
import { AccountService } from './account.service.js';
import { AccountExportDto } from './export.dto.js';

@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/auth/me')
export class AccountController {
  constructor(private readonly account: AccountService) {}

  @Delete()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Erase your account and every record of yours (replicas included); cannot be undone',
  })
  @ApiNoContentResponse({ description: 'Erased; the tokens stop working' })
  @ApiErrors()
  erase(@CurrentUser() user: AuthUser): Promise<void> {
    return this.account.erase(user.id);
  }

  @Get('export')
  @ApiOperation({
    summary: 'All your data as one JSON document: {exported_at, timezone, account, records[]}',
  })
  @ApiProduces('application/json')
  @ApiOkResponse({
    description: 'Streamed JSON (modules may add sections beside `records`, e.g. the care circle)',
    type: AccountExportDto,
  })
  @ApiErrors()
  export(@CurrentUser() user: AuthUser): Promise<StreamableFile> {
    return this.account.export(user.id);
  }
}
