import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { IS_PUBLIC } from '../common/decorators.js';
import { AppError, ErrorCode, unauthorized } from '../common/errors.js';

/**
 * Global guard, deny by default: every route needs a valid access token unless marked @Public().
 * Missing header → 401 "Not authenticated"; bad/expired/refresh token → 401 "Invalid token".
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    return super.canActivate(context);
  }

  override handleRequest<TUser>(err: unknown, user: TUser, _info: unknown, context: ExecutionContext): TUser {
    if (err instanceof AppError) throw err;
    if (err || !user) {
      const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>()
        .headers.authorization;
      if (!header || !/^bearer\s+\S+/i.test(header))
        throw unauthorized('Not authenticated', ErrorCode.NOT_AUTHENTICATED);
      throw unauthorized('Invalid token');
    }
    return user;
  }
}
