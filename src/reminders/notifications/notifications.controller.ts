import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../../common/decorators.js';
import { ApiErrors } from '../../common/swagger.js';
import { NotificationsService } from './notifications.service.js';
import { WebhookSettingsService } from './webhook-settings.service.js';
import {
  ListNotificationsQuery,
  NotificationResponseDto,
  ReadAllResponseDto,
  SnoozeDto,
  WebhookConfigDto,
  WebhookResponseDto,
} from './notifications.dto.js';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/notifications')
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly webhooks: WebhookSettingsService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List notifications, newest first',
    description:
      'Real-time delivery: connect a WebSocket to `/api/notifications/ws?token=<access token>` (or send the token as ' +
      '`Authorization: Bearer`); each new notification arrives as `{"type":"notification","notification":{…}}`.',
  })
  @ApiOkResponse({ type: [NotificationResponseDto] })
  @ApiErrors(422)
  list(
    @CurrentUser() user: AuthUser,
    @Query() q: ListNotificationsQuery,
  ): Promise<NotificationResponseDto[]> {
    return this.notifications.list(user.id, q.unread_only, q.limit);
  }

  @Put('read-all')
  @ApiOperation({ summary: 'Mark every notification read' })
  @ApiOkResponse({ type: ReadAllResponseDto })
  @ApiErrors()
  async readAll(@CurrentUser() user: AuthUser): Promise<ReadAllResponseDto> {
    return { updated: await this.notifications.markAllRead(user.id) };
  }

  @Get('webhook')
  @ApiOperation({ summary: "The user's notification webhook (the secret is never shown again)" })
  @ApiOkResponse({ type: WebhookResponseDto })
  @ApiErrors(404)
  getWebhook(@CurrentUser() user: AuthUser): Promise<WebhookResponseDto> {
    return this.webhooks.get(user.id);
  }

  @Put('webhook')
  @ApiOperation({
    summary: 'Set the notification webhook',
    description:
      'Each notification is POSTed as JSON with headers `X-Podd-Event`, `X-Podd-Delivery` (de-duplicate on it), ' +
      '`X-Podd-Timestamp` (unix seconds) and `X-Podd-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`. ' +
      'Failed deliveries (network errors, 408, 429, 5xx) are retried after 10 s, 1 min, 5 min, 30 min and 2 h.',
  })
  @ApiOkResponse({ type: WebhookResponseDto })
  @ApiErrors(422)
  setWebhook(@CurrentUser() user: AuthUser, @Body() dto: WebhookConfigDto): Promise<WebhookResponseDto> {
    return this.webhooks.set(user.id, dto);
  }

  @Delete('webhook')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the notification webhook' })
  @ApiNoContentResponse()
  @ApiErrors(404)
  deleteWebhook(@CurrentUser() user: AuthUser): Promise<void> {
    return this.webhooks.remove(user.id);
  }

  @Put(':notification_id/read')
  @ApiOperation({ summary: 'Mark a notification read' })
  @ApiOkResponse({ type: NotificationResponseDto })
  @ApiErrors(404)
  read(
    @CurrentUser() user: AuthUser,
    @Param('notification_id') id: string,
  ): Promise<NotificationResponseDto> {
    return this.notifications.markRead(user.id, id);
  }

  @Post(':notification_id/snooze')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Snooze a notification',
    description:
      'Marks it read and repeats it (a new notification of kind `snooze`) after `minutes` (1–1440, default 10).',
  })
  @ApiOkResponse({ type: NotificationResponseDto })
  @ApiErrors(404, 422)
  snooze(
    @CurrentUser() user: AuthUser,
    @Param('notification_id') id: string,
    @Body() dto: SnoozeDto,
  ): Promise<NotificationResponseDto> {
    return this.notifications.snooze(user.id, id, dto.minutes);
  }
}
