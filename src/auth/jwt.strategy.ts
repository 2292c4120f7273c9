import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthUser } from '../common/decorators.js';
import { ErrorCode, unauthorized } from '../common/errors.js';
import { AuthService } from './auth.service.js';
import { TokenService, type AccessClaims } from './token.service.js';

/** Passport JWT strategy: HS256 only, access tokens only, user must exist and the token version match. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    tokens: TokenService,
    private readonly auth: AuthService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: tokens.key as unknown as string, // a KeyObject: jsonwebtoken accepts it and verifies far faster
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  async validate(claims: Partial<AccessClaims>): Promise<AuthUser> {
    // jsonwebtoken accepts a token without `exp` (it would never expire) and we revoke through `tv`:
    // a token lacking either is refused even when correctly signed.
    if (
      claims.type !== 'access' ||
      typeof claims.sub !== 'string' ||
      !claims.sub ||
      !Number.isSafeInteger(claims.exp) ||
      !Number.isSafeInteger(claims.tv)
    )
      throw unauthorized('Invalid token');
    const p = await this.auth.principal(claims.sub);
    if (!p) throw unauthorized('User not found', ErrorCode.USER_NOT_FOUND);
    if (claims.tv !== p.tokenVersion) throw unauthorized('Token revoked', ErrorCode.TOKEN_REVOKED);
    return { id: p.id, email: p.email, name: p.name, jti: String(claims.jti ?? '') };
  }
}
