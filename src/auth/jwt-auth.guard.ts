import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { IS_PUBLIC, type AuthUser } from '../common/decorators.js';
import { StaticMetadataReflector } from '../common/static-reflector.js';
import { ErrorCode, unauthorized } from '../common/errors.js';
import { AccessTokenVerifier } from './access-token-verifier.js';

/**
 * The credentials of `Authorization: Bearer <token>` (scheme in any case, any whitespace between): exactly two
 * parts, as RFC 6750 has it. Anything after the token (a second token, a comma and another scheme) is refused
 * rather than ignored.
 */
export function bearerToken(header: string | undefined): string | null {
  const m = typeof header === 'string' ? /^\s*(\S+)\s+(\S+)\s*$/.exec(header) : null;
  return m && m[1].toLowerCase() === 'bearer' ? m[2] : null;
}

/**
 * Global guard, deny by default: every route needs a valid access token unless marked @Public().
 * Missing header → 401 "Not authenticated"; bad/expired/refresh token → 401 "Invalid token"; the user gone or
 * the token version outdated → 401 from AccessTokenVerifier. The user is set on `req.user`.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: StaticMetadataReflector,
    private readonly verifier: AccessTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const req = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | string[] | undefined>; user?: AuthUser }>();
    const header = req.headers.authorization;
    const token = bearerToken(typeof header === 'string' ? header : undefined);
    if (!token) {
      if (typeof header !== 'string' || !/^bearer\s+\S+/i.test(header))
        throw unauthorized('Not authenticated', ErrorCode.NOT_AUTHENTICATED);
      throw unauthorized('Invalid token');
    }
    req.user = (await this.verifier.verify(token)).user;
    return true;
  }
}
