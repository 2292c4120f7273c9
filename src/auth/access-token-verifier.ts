import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/decorators.js';
import { ErrorCode, unauthorized } from '../common/errors.js';
import { AuthService } from './auth.service.js';
import { SessionRevocations, type RevocationListener } from './session-revocations.js';
import { TokenService, type AccessClaims } from './token.service.js';

/** A valid access token: whose it is, and what a long-lived connection must re-check. */
export interface VerifiedAccess {
  user: AuthUser;
  /** The token version the token carries (`tv`). */
  tokenVersion: number;
  /** When the token expires (ms since the epoch). */
  expiresAt: number;
}

/**
 * The one check of an access token, used by the HTTP guard and the WebSocket handshake alike: signature
 * (HS256 only) and expiry, `type: access`, a numeric `exp` and `tv`, the user exists, and the token version is
 * the user's current one (logout-all, password change and erasure bump it). Every failure is a 401 AppError.
 *
 * Long-lived connections (WebSockets) also need to hear of revocations and to re-check versions later; both
 * are here so that nothing outside this module depends on the auth service's internals.
 */
@Injectable()
export class AccessTokenVerifier {
  constructor(
    private readonly tokens: TokenService,
    private readonly auth: AuthService,
    private readonly revocations: SessionRevocations,
  ) {}

  async verify(token: string): Promise<VerifiedAccess> {
    let claims: Partial<AccessClaims>;
    try {
      claims = this.tokens.verify<AccessClaims>(token);
    } catch {
      throw unauthorized('Invalid token');
    }
    // jsonwebtoken accepts a token without `exp` (it would never expire) and we revoke through `tv`:
    // a token lacking either is refused even when correctly signed.
    const { type, sub, exp, tv, jti } = claims;
    if (
      type !== 'access' ||
      typeof sub !== 'string' ||
      !sub ||
      !Number.isSafeInteger(exp) ||
      !Number.isSafeInteger(tv)
    )
      throw unauthorized('Invalid token');
    const p = await this.auth.principal(sub);
    if (!p) throw unauthorized('User not found', ErrorCode.USER_NOT_FOUND);
    if (tv !== p.tokenVersion) throw unauthorized('Token revoked', ErrorCode.TOKEN_REVOKED);
    return {
      user: { id: p.id, email: p.email, name: p.name, jti: String(jti ?? '') },
      tokenVersion: p.tokenVersion,
      expiresAt: Number(exp) * 1000,
    };
  }

  /** Current token versions of these users, from the database (an erased user is absent). */
  currentVersions(userIds: readonly string[]): Promise<Map<string, number>> {
    return this.auth.tokenVersions(userIds);
  }

  /** Hears every revocation, on this replica and (with Redis) the others; returns the unsubscribe function. */
  onRevoked(listener: RevocationListener): () => void {
    return this.revocations.onRevoked(listener);
  }
}
