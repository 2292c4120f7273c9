import { Body, Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../../common/decorators.js';
import { ApiErrors } from '../../common/swagger.js';
import { ProfileDto, ProfileResponseDto } from './profile.dto.js';
import { ProfileService } from './profile.service.js';

@ApiTags('profile')
@ApiBearerAuth()
@Controller('api/profile')
export class ProfileController {
  constructor(private readonly profiles: ProfileService) {}

  @Get()
  @ApiOperation({ summary: 'Your profile (all fields null/empty when none was saved yet)' })
  @ApiOkResponse({ type: ProfileResponseDto })
  @ApiErrors()
  get(@CurrentUser() user: AuthUser): Promise<ProfileResponseDto> {
    return this.profiles.get(user);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Create your profile (200, as the original); 400 when one exists — use PUT' })
  @ApiOkResponse({ type: ProfileResponseDto })
  @ApiErrors(400, 413, 422)
  create(@CurrentUser() user: AuthUser, @Body() dto: ProfileDto): Promise<ProfileResponseDto> {
    return this.profiles.create(user, dto);
  }

  @Put()
  @ApiOperation({
    summary: 'Create or update your profile: only the fields sent change; null clears a field',
  })
  @ApiOkResponse({ type: ProfileResponseDto })
  @ApiErrors(400, 413, 422)
  update(@CurrentUser() user: AuthUser, @Body() dto: ProfileDto): Promise<ProfileResponseDto> {
    return this.profiles.update(user, dto);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Erase your profile (idempotent)' })
  @ApiNoContentResponse({ description: 'Erased' })
  @ApiErrors()
  remove(@CurrentUser() user: AuthUser): Promise<void> {
    return this.profiles.remove(user);
  }
}
