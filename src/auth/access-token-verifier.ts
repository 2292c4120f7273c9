import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/decorators.js';
import { ErrorCode, unauthorized } from '../common/errors.js';
import { AuthService } from './auth.service.js';
import { SessionRevocations, type RevocationListener } from './session-revocations.js';
import { TokenService, type AccessClaims } from './token.service.js';

/** How many checked tokens are kept (~0.5 KB each), and the longest token kept (ours are ~250 characters). */
const MAX_CACHED_TOKENS = 20_000;
const MAX_CACHED_TOKEN_LENGTH = 1024;

interface CheckedClaims {
  sub: string;
  exp: number;
  tv: number;
  jti: string;
}

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

  /**
   * Claims of tokens whose signature and shape were already checked, kept until the token's `exp`: a client
   * sends the same token on every request for its whole life, and the HMAC, base64 and JSON work of a verify
   * was the largest cost of an authenticated request after the socket writes. Keyed by the whole token string
   * (signature included), so a token that differs in any byte is verified afresh. Revocation is unaffected:
   * the user and token version are checked below on every request. Bounded; the oldest entries go first.
   */
  private readonly checked = new Map<string, CheckedClaims>();

  async verify(token: string): Promise<VerifiedAccess> {
    const { sub, exp, tv, jti } = this.checkedClaims(token);
    const p = await this.auth.principal(sub);
    if (!p) throw unauthorized('User not found', ErrorCode.USER_NOT_FOUND);
    if (tv !== p.tokenVersion) throw unauthorized('Token revoked', ErrorCode.TOKEN_REVOKED);
    return {
      user: { id: p.id, email: p.email, name: p.name, jti },
      tokenVersion: p.tokenVersion,
      expiresAt: Number(exp) * 1000,
    };
  }

  /** Signature, expiry and shape of an access token, or 401; from the cache of checked tokens when it is there. */
  private checkedClaims(token: string): CheckedClaims {
    const hit = this.checked.get(token);
    // The same expiry test as jsonwebtoken's (clock tolerance 0): expired from the second `exp` on.
    if (hit && Math.floor(Date.now() / 1000) < hit.exp) return hit;
    if (hit) this.checked.delete(token);
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
    const ok: CheckedClaims = { sub, exp: exp!, tv: tv!, jti: String(jti ?? '') };
    if (token.length <= MAX_CACHED_TOKEN_LENGTH) {
      if (this.checked.size >= MAX_CACHED_TOKENS) this.checked.delete(this.checked.keys().next().value!);
      this.checked.set(token, ok);
    }
    return ok;
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
