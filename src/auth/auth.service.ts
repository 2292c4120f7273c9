import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, IsNull, Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { ErrorCode, badRequest, conflict, unauthorized } from '../common/errors.js';
import { newUserId } from '../common/ids.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type {
  ChangePasswordDto,
  LoginDto,
  RegisterDto,
  TokenResponseDto,
  UserResponseDto,
} from './dto/auth.dto.js';
import { RefreshTokenEntity } from './entities/refresh-token.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { LoginLimiter } from './login-limiter.js';
import { PasswordService } from './password.service.js';
import { SessionRevocations } from './session-revocations.js';
import { sha256, TokenService } from './token.service.js';

/** What the request guard needs to know about a token's user. */
export interface Principal {
  id: string;
  email: string;
  name: string;
  tokenVersion: number;
  createdAt: number;
  updatedAt: number;
}

const toPrincipal = (u: UserEntity): Principal => ({
  id: u.id,
  email: u.email,
  name: u.name,
  tokenVersion: u.tokenVersion,
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
});

/**
 * Principals are cached briefly. Revocations (logout-all, password change, erasure) clear the entry on every
 * replica at once through SessionRevocations (Redis pub/sub); this TTL bounds it if a message is lost.
 */
const PRINCIPAL_TTL_MS = 2000;

@Injectable()
export class AuthService {
  private readonly principals = new Map<string, { p: Principal | null; until: number }>();

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(RefreshTokenEntity) private readonly tokens: Repository<RefreshTokenEntity>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly passwords: PasswordService,
    private readonly jwt: TokenService,
    private readonly limiter: LoginLimiter,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly revocations: SessionRevocations,
  ) {
    // A revocation on another replica: forget the cached principal so HTTP refuses old tokens at once.
    revocations.onRevoked((r) => void this.principals.delete(r.userId));
  }

  async register(dto: RegisterDto): Promise<TokenResponseDto> {
    if (await this.users.existsBy({ email: dto.email }))
      throw conflict('Email already registered', ErrorCode.EMAIL_TAKEN);
    const now = this.clock.nowMs();
    const user = this.users.create({
      id: newUserId(),
      email: dto.email,
      name: dto.name,
      passwordHash: await this.passwords.hash(dto.password),
      tokenVersion: 0,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.users.insert(user);
    } catch (e) {
      // Two registrations racing for one e-mail: the unique index decides.
      if (await this.users.existsBy({ email: dto.email }))
        throw conflict('Email already registered', ErrorCode.EMAIL_TAKEN);
      throw e;
    }
    return this.startSession(user);
  }

  async login(dto: LoginDto, ip: string): Promise<TokenResponseDto> {
    await this.limiter.admit(dto.email, ip);
    const user = await this.users.findOneBy({ email: dto.email });
    const ok = user
      ? await this.passwords.verify(dto.password, user.passwordHash)
      : await this.passwords.verifyAgainstNothing(dto.password);
    if (!user || !ok) {
      await this.limiter.recordFailure(dto.email, ip);
      throw unauthorized('Invalid credentials', ErrorCode.INVALID_CREDENTIALS);
    }
    await this.limiter.recordSuccess(dto.email, ip);
    return this.startSession(user);
  }

  /**
   * Rotation: the presented token is exchanged for a new pair exactly once. Presenting a token that was
   * already rotated is a reuse (a stolen copy, or a replay): the whole session family is revoked.
   */
  async refresh(refreshToken: string): Promise<TokenResponseDto> {
    const claims = this.jwt.verifyRefresh(refreshToken);
    if (!claims) throw unauthorized('Invalid refresh token', ErrorCode.INVALID_REFRESH_TOKEN);
    const hash = sha256(refreshToken);
    const row = await this.tokens.findOneBy({ tokenHash: hash });
    if (!row) throw unauthorized('Token revoked', ErrorCode.TOKEN_REVOKED);
    const now = this.clock.nowMs();
    if (row.revokedAt !== null) {
      if (row.replacedBy) await this.revokeFamily(row.familyId, now);
      throw unauthorized('Token revoked', ErrorCode.TOKEN_REVOKED);
    }
    if (row.sessionExpiresAt <= now || row.expiresAt <= now) {
      throw unauthorized('Session expired, please log in again', ErrorCode.INVALID_REFRESH_TOKEN);
    }
    const user = await this.users.findOneBy({ id: row.userId });
    if (!user) throw unauthorized('User not found', ErrorCode.USER_NOT_FOUND);

    const access = this.jwt.signAccess(user.id, user.tokenVersion);
    const next = this.jwt.signRefresh(user.id, row.familyId, row.sessionExpiresAt);
    const nextHash = sha256(next.token);
    const rotated = await this.db.transaction(async (m) => {
      // Conditional update: of two concurrent refreshes with the same token, exactly one wins.
      const res = await m.update(
        RefreshTokenEntity,
        { tokenHash: hash, revokedAt: IsNull() },
        { revokedAt: now, replacedBy: nextHash },
      );
      if (!res.affected) return false;
      await m.insert(RefreshTokenEntity, {
        tokenHash: nextHash,
        userId: user.id,
        familyId: row.familyId,
        issuedAt: now,
        expiresAt: next.expiresAtMs,
        sessionExpiresAt: row.sessionExpiresAt,
        revokedAt: null,
        replacedBy: null,
      });
      return true;
    });
    if (!rotated) {
      await this.revokeFamily(row.familyId, now);
      throw unauthorized('Token revoked', ErrorCode.TOKEN_REVOKED);
    }
    return {
      access_token: access.token,
      refresh_token: next.token,
      token_type: 'bearer',
      expires_in: access.expiresIn,
    };
  }

  /** Always succeeds (the original's contract); revokes the token when it is one of ours. */
  async logout(refreshToken: string): Promise<void> {
    if (typeof refreshToken !== 'string' || !refreshToken) return;
    await this.tokens.update(
      { tokenHash: sha256(refreshToken), revokedAt: IsNull() },
      { revokedAt: this.clock.nowMs() },
    );
  }

  /** Ends every session of the user: refresh tokens revoked, access tokens refused from now on. */
  async logoutAll(userId: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.update(RefreshTokenEntity, { userId, revokedAt: IsNull() }, { revokedAt: this.clock.nowMs() });
      await m.increment(UserEntity, { id: userId }, 'tokenVersion', 1);
    });
    await this.announceRevocation(userId);
  }

  /** Changes the password and ends all other sessions; the caller gets a fresh session in the response. */
  async changePassword(userId: string, dto: ChangePasswordDto): Promise<TokenResponseDto> {
    const user = await this.users.findOneBy({ id: userId });
    if (!user) throw unauthorized('User not found', ErrorCode.USER_NOT_FOUND);
    if (!(await this.passwords.verify(dto.current_password, user.passwordHash))) {
      throw badRequest('Current password is incorrect', ErrorCode.INVALID_CREDENTIALS);
    }
    if (dto.current_password === dto.new_password)
      throw badRequest('New password must differ from the current one');
    const passwordHash = await this.passwords.hash(dto.new_password);
    await this.db.transaction(async (m) => {
      await m.update(UserEntity, { id: userId }, { passwordHash, updatedAt: this.clock.nowMs() });
      await m.update(RefreshTokenEntity, { userId, revokedAt: IsNull() }, { revokedAt: this.clock.nowMs() });
      await m.increment(UserEntity, { id: userId }, 'tokenVersion', 1);
    });
    const fresh = await this.announceRevocation(userId);
    return this.startSession(fresh);
  }

  /** From the principal cache (the guard has just filled it): no query on the hot path. */
  async me(userId: string): Promise<UserResponseDto> {
    const user = await this.principal(userId);
    if (!user) throw unauthorized('User not found', ErrorCode.USER_NOT_FOUND);
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      created_at: new Date(user.createdAt).toISOString(),
      updated_at: new Date(user.updatedAt).toISOString(),
    };
  }

  /**
   * Removes the account row and its refresh tokens. Health records are erased by the caller through the
   * gateway; access-log rows stay (ids and counts only, docs/SECURITY.md). On SQLite (secure_delete is on)
   * the WAL is then checkpointed and truncated so no old frame still holds the e-mail address.
   */
  async deleteUser(userId: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.delete(RefreshTokenEntity, { userId });
      await m.delete(UserEntity, { id: userId });
    });
    this.principals.delete(userId);
    await this.revocations.revoked({ userId, validFrom: null });
    if (this.config.authDb.kind === 'sqlite') await this.db.query('PRAGMA wal_checkpoint(TRUNCATE)');
  }

  /** Every user id (for the CLI and maintenance jobs), in pages. */
  async userIds(offset: number, limit: number): Promise<string[]> {
    const rows = await this.users.find({
      select: { id: true },
      order: { id: 'ASC' },
      skip: offset,
      take: limit,
    });
    return rows.map((r) => r.id);
  }

  async findByEmail(email: string): Promise<Principal | null> {
    const u = await this.users.findOneBy({ email: email.trim().toLowerCase() });
    return u ? toPrincipal(u) : null;
  }

  /** The user behind an access token, from a short-lived cache (the guard calls this on every request). */
  async principal(userId: string): Promise<Principal | null> {
    const now = Date.now();
    const hit = this.principals.get(userId);
    if (hit && hit.until > now) return hit.p;
    const u = await this.users.findOne({
      where: { id: userId },
      select: { id: true, email: true, name: true, tokenVersion: true, createdAt: true, updatedAt: true },
    });
    const p = u ? toPrincipal(u) : null;
    if (this.principals.size > 50_000) this.principals.clear();
    this.principals.set(userId, { p, until: now + PRINCIPAL_TTL_MS });
    return p;
  }

  /**
   * Current token versions of several users, read from the database (no cache): the re-check of open
   * WebSockets. An erased user is absent from the map.
   */
  async tokenVersions(userIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (let i = 0; i < userIds.length; i += 500) {
      const rows = await this.users.find({
        where: { id: In(userIds.slice(i, i + 500)) },
        select: { id: true, tokenVersion: true },
      });
      for (const r of rows) out.set(r.id, r.tokenVersion);
    }
    return out;
  }

  /** Deletes refresh-token rows that can no longer be used (expired for more than a day). */
  async purgeExpiredTokens(): Promise<number> {
    const res = await this.tokens
      .createQueryBuilder()
      .delete()
      .where('expires_at < :t', { t: this.clock.nowMs() - 86400_000 })
      .execute();
    return res.affected ?? 0;
  }

  private async startSession(user: UserEntity): Promise<TokenResponseDto> {
    const now = this.clock.nowMs();
    const familyId = randomUUID();
    const sessionExpiresAt = now + this.config.jwt.sessionMaxSeconds * 1000;
    const access = this.jwt.signAccess(user.id, user.tokenVersion);
    const refresh = this.jwt.signRefresh(user.id, familyId, sessionExpiresAt);
    await this.tokens.insert({
      tokenHash: sha256(refresh.token),
      userId: user.id,
      familyId,
      issuedAt: now,
      expiresAt: refresh.expiresAtMs,
      sessionExpiresAt,
      revokedAt: null,
      replacedBy: null,
    });
    return {
      access_token: access.token,
      refresh_token: refresh.token,
      token_type: 'bearer',
      expires_in: access.expiresIn,
    };
  }

  /** After a token-version bump: tells every replica which version is valid now; returns the user row. */
  private async announceRevocation(userId: string): Promise<UserEntity> {
    const user = await this.users.findOneByOrFail({ id: userId });
    await this.revocations.revoked({ userId, validFrom: user.tokenVersion });
    return user;
  }

  private async revokeFamily(familyId: string, now: number): Promise<void> {
    await this.tokens.update({ familyId, revokedAt: IsNull() }, { revokedAt: now });
  }
}
