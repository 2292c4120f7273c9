import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../common/decorators.js';
import { ApiErrors } from '../common/swagger.js';
import { CareCircleService } from './care-circle.service.js';
import { CareGrantGuard, RequiresGrant } from './care-grant.guard.js';
import { CareAcceptDto, CareInvitationDto, CareInviteDto, CareLinkDto, CareSummaryDto } from './care.dto.js';

const SAME_ANSWER =
  'The answer is the same whether or not the e-mail belongs to an account; the addressee sees it once signed in.';

/** Invitations, requests and links of the care circle (consent model: docs/care-circle.md). */
@ApiTags('care-circle')
@ApiBearerAuth()
@Controller('api/care')
export class CareCircleController {
  constructor(private readonly care: CareCircleService) {}

  @Post('invitations')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Invite someone (by e-mail) to see your data within the scopes you grant; expires in 7 days',
    description: SAME_ANSWER,
  })
  @ApiCreatedResponse({ type: CareInvitationDto })
  @ApiErrors(400, 409, 413, 422)
  invite(@CurrentUser() user: AuthUser, @Body() dto: CareInviteDto): Promise<CareInvitationDto> {
    return this.care.send(user.id, 'invite', dto);
  }

  @Post('requests')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Ask someone (by e-mail) for access to their data; they decide the scopes when accepting',
    description: SAME_ANSWER,
  })
  @ApiCreatedResponse({ type: CareInvitationDto })
  @ApiErrors(400, 409, 413, 422)
  request(@CurrentUser() user: AuthUser, @Body() dto: CareInviteDto): Promise<CareInvitationDto> {
    return this.care.send(user.id, 'request', dto);
  }

  @Get('invitations')
  @ApiOperation({ summary: 'Pending invitations and requests addressed to your e-mail, newest first' })
  @ApiOkResponse({ type: [CareInvitationDto] })
  @ApiErrors()
  received(@CurrentUser() user: AuthUser): Promise<CareInvitationDto[]> {
    return this.care.invitations(user.id, 'received');
  }

  @Get('invitations/sent')
  @ApiOperation({ summary: 'Invitations and requests you sent and their state, newest first (last 100)' })
  @ApiOkResponse({ type: [CareInvitationDto] })
  @ApiErrors()
  sent(@CurrentUser() user: AuthUser): Promise<CareInvitationDto[]> {
    return this.care.invitations(user.id, 'sent');
  }

  @Post('invitations/:invitation_id/accept')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Accept an invitation or request addressed to you (single use); for a request you may set role, scopes, notify',
  })
  @ApiOkResponse({ type: CareLinkDto })
  @ApiErrors(400, 404, 413, 422, {
    status: 409,
    description:
      'No longer pending (INVITATION_NOT_PENDING), expired (INVITATION_EXPIRED) or the circle is full',
  })
  accept(
    @CurrentUser() user: AuthUser,
    @Param('invitation_id') id: string,
    @Body() dto: CareAcceptDto,
  ): Promise<CareLinkDto> {
    return this.care.accept(user.id, id, dto);
  }

  @Post('invitations/:invitation_id/decline')
  @HttpCode(204)
  @ApiOperation({ summary: 'Decline an invitation or request addressed to you' })
  @ApiNoContentResponse({ description: 'Declined' })
  @ApiErrors(404, { status: 409, description: 'No longer pending, or expired' })
  decline(@CurrentUser() user: AuthUser, @Param('invitation_id') id: string): Promise<void> {
    return this.care.decline(user.id, id);
  }

  @Delete('invitations/:invitation_id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Withdraw an invitation or request you sent' })
  @ApiNoContentResponse({ description: 'Cancelled' })
  @ApiErrors(404, { status: 409, description: 'No longer pending' })
  cancel(@CurrentUser() user: AuthUser, @Param('invitation_id') id: string): Promise<void> {
    return this.care.cancel(user.id, id);
  }

  @Get('circle')
  @ApiOperation({ summary: 'Your care circle: who may see your data, what, and what they are told' })
  @ApiOkResponse({ type: [CareLinkDto] })
  @ApiErrors()
  circle(@CurrentUser() user: AuthUser): Promise<CareLinkDto[]> {
    return this.care.linksOf(user.id, 'owner');
  }

  @Delete('circle/:member_id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member from your care circle (immediately)' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors(404)
  removeMember(@CurrentUser() user: AuthUser, @Param('member_id') memberId: string): Promise<void> {
    return this.care.end(user.id, memberId, 'owner');
  }

  @Get('people')
  @ApiOperation({ summary: 'The people you care for, and what each lets you see' })
  @ApiOkResponse({ type: [CareLinkDto] })
  @ApiErrors()
  people(@CurrentUser() user: AuthUser): Promise<CareLinkDto[]> {
    return this.care.linksOf(user.id, 'member');
  }

  @Put('people/:owner_id/summary')
  @UseGuards(CareGrantGuard)
  @RequiresGrant({ notify: 'daily_summary' })
  @ApiOperation({
    summary:
      'Choose when the daily summary about this person arrives (HH:MM in your time zone; null stops it); needs the daily_summary grant',
  })
  @ApiOkResponse({ type: CareLinkDto })
  @ApiErrors(400, 404, 413, 422)
  summary(
    @CurrentUser() user: AuthUser,
    @Param('owner_id') ownerId: string,
    @Body() dto: CareSummaryDto,
  ): Promise<CareLinkDto> {
    return this.care.setSummaryTime(user.id, ownerId, dto.time);
  }

  @Delete('people/:owner_id')
  @HttpCode(204)
  @ApiOperation({ summary: "Leave a person's care circle" })
  @ApiNoContentResponse({ description: 'Left' })
  @ApiErrors(404)
  leave(@CurrentUser() user: AuthUser, @Param('owner_id') ownerId: string): Promise<void> {
    return this.care.end(user.id, ownerId, 'member');
  }
}
