import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, Public, type AuthUser } from '../common/decorators.js';
import { ApiErrors } from '../common/swagger.js';
import { AuthService } from './auth.service.js';
import {
  ChangePasswordDto,
  LoginDto,
  LogoutDto,
  MessageResponseDto,
  RefreshDto,
  RegisterDto,
  TokenResponseDto,
  UserResponseDto,
} from './dto/auth.dto.js';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('register')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an account and start a session' })
  @ApiCreatedResponse({ type: TokenResponseDto })
  @ApiErrors({ only: true }, 400, 409, 413, 422, 429)
  register(@Body() dto: RegisterDto): Promise<TokenResponseDto> {
    return this.auth.register(dto);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Log in with e-mail and password (429 per account and address, and per address; an account under attack is slowed down, never locked)',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiErrors({ only: true }, 400, { status: 401, description: 'Invalid credentials' }, 413, 422, 429)
  login(@Body() dto: LoginDto, @Req() req: FastifyRequest): Promise<TokenResponseDto> {
    return this.auth.login(dto, req.ip);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair (rotation; reuse revokes the session)' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiErrors(
    { only: true },
    400,
    { status: 401, description: 'Invalid, expired or revoked refresh token' },
    413,
    422,
    429,
  )
  refresh(@Body() dto: RefreshDto): Promise<TokenResponseDto> {
    return this.auth.refresh(dto.refresh_token);
  }

  @Public()
  @Post('logout')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a refresh token (always 200)' })
  @ApiOkResponse({ type: MessageResponseDto })
  @ApiErrors({ only: true }, 400, 413, 422, 429)
  async logout(@Body() dto: LogoutDto): Promise<MessageResponseDto> {
    await this.auth.logout(dto.refresh_token);
    return { message: 'logged out' };
  }

  @Post('logout-all')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End every session of the current user (all refresh and access tokens)' })
  @ApiOkResponse({ type: MessageResponseDto })
  @ApiErrors()
  async logoutAll(@CurrentUser() user: AuthUser): Promise<MessageResponseDto> {
    await this.auth.logoutAll(user.id);
    return { message: 'logged out of all sessions' };
  }

  @Post('change-password')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change the password; other sessions are ended, a new session is returned' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiErrors(400, 413, 422)
  changePassword(@CurrentUser() user: AuthUser, @Body() dto: ChangePasswordDto): Promise<TokenResponseDto> {
    return this.auth.changePassword(user.id, dto);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The current user' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiErrors()
  me(@CurrentUser() user: AuthUser): Promise<UserResponseDto> {
    return this.auth.me(user.id);
  }
}
