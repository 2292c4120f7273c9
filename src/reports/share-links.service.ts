import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AccessLogService } from '../auth/access-log/access-log.service.js';
import { ShareLinkEntity } from '../auth/entities/share-link.entity.js';
import { Clock } from '../common/clock.js';
import { notFound } from '../common/errors.js';
import type { ReportDays } from './doctor-report.service.js';
import type { ReportLang } from './report-i18n.js';

/** Most links a user keeps (expired and revoked ones included). */
const MAX_LINKS = 200;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

export type ShareStatus = 'active' | 'expired' | 'revoked';

export interface ShareLinkView {
  id: string;
  days: number;
  lang: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  status: ShareStatus;
  open_count: number;
  last_opened_at: string | null;
}

/**
 * Share links of the doctor's report: a 256-bit random token (base64url) shown once; only its SHA-256 is stored
 * (auth DB, `share_links`). A link opens the report until it expires or is revoked, then answers 404 like an
 * unknown token; every opening is counted and written to the owner's access log.
 */
@Injectable()
export class ShareLinksService {
  constructor(
    @InjectRepository(ShareLinkEntity) private readonly repo: Repository<ShareLinkEntity>,
    private readonly clock: Clock,
    private readonly accessLog: AccessLogService,
  ) {}

  async create(
    userId: string,
    o: { days: ReportDays; expiresInHours: number; lang: ReportLang },
  ): Promise<ShareLinkView & { token: string }> {
    const now = this.clock.nowMs();
    // Oldest links beyond the cap go first (a user never needs hundreds).
    const old = await this.repo.find({
      where: { userId },
      order: { createdAt: 'DESC' },
      skip: MAX_LINKS - 1,
    });
    if (old.length) await this.repo.delete(old.map((l) => l.id));
    const token = randomBytes(32).toString('base64url');
    const row = this.repo.create({
      id: randomBytes(8).toString('hex'),
      userId,
      tokenHash: hash(token),
      days: o.days,
      lang: o.lang,
      createdAt: now,
      expiresAt: now + o.expiresInHours * 3_600_000,
      revokedAt: null,
      openCount: 0,
      lastOpenedAt: null,
    });
    await this.repo.insert(row);
    return { ...this.view(row, now), token };
  }

  async list(userId: string): Promise<ShareLinkView[]> {
    const now = this.clock.nowMs();
    const rows = await this.repo.find({ where: { userId }, order: { createdAt: 'DESC' } });
    return rows.map((r) => this.view(r, now));
  }

  /** Revokes one of the user's links (again: no-op); another user's or an unknown id → 404. */
  async revoke(userId: string, id: string): Promise<void> {
    const row = await this.repo.findOneBy({ id, userId });
    if (!row) throw notFound('Share link not found');
    if (row.revokedAt === null) await this.repo.update({ id }, { revokedAt: this.clock.nowMs() });
  }

  /**
   * The link behind a token, if it is open now: counts the opening and writes it to the owner's access log
   * (operation `shared`, record type `report`, record id = the link id). Anything else → 404.
   */
  async open(token: string, requestId: string): Promise<ShareLinkEntity> {
    const now = this.clock.nowMs();
    const row = TOKEN.test(token) ? await this.repo.findOneBy({ tokenHash: hash(token) }) : null;
    if (!row || row.revokedAt !== null || row.expiresAt <= now) throw notFound('Share link not found');
    await this.repo.increment({ id: row.id }, 'openCount', 1);
    await this.repo.update({ id: row.id }, { lastOpenedAt: now });
    await this.accessLog.record({
      requestId,
      userId: row.userId,
      accesses: [
        { recordType: 'report', operation: 'shared', recordId: row.id, ownerId: row.userId, count: 1 },
      ],
      grantedOwners: new Set(),
      route: null,
    });
    return row;
  }

  private view(r: ShareLinkEntity, now: number): ShareLinkView {
    const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
    return {
      id: r.id,
      days: r.days,
      lang: r.lang,
      created_at: iso(r.createdAt)!,
      expires_at: iso(r.expiresAt)!,
      revoked_at: iso(r.revokedAt),
      status: r.revokedAt !== null ? 'revoked' : r.expiresAt <= now ? 'expired' : 'active',
      open_count: r.openCount,
      last_opened_at: iso(r.lastOpenedAt),
    };
  }
}
