import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type EntityManager, Repository } from 'typeorm';
import { CareLinkEntity } from '../auth/entities/care-link.entity.js';
import { UserEntity } from '../auth/entities/user.entity.js';
import { Clock } from '../common/clock.js';
import type { CounterStore } from '../common/counter-store.js';
import { AppError, conflict, ErrorCode, notFound, validationError } from '../common/errors.js';
import { noteGrantedOwner } from '../common/request-context.js';
import { COUNTER_STORE } from '../infra/infra.module.js';
import type { CareAcceptDto, CareInvitationDto, CareInviteDto, CareLinkDto } from './care.dto.js';
import {
  INVITATION_TTL_MS,
  INVITES_PER_HOUR,
  MAX_MEMBERS,
  MAX_PENDING,
  NOTIFY_NEEDS,
  type CareNotifyKind,
  type CareRole,
  type CareScope,
  type InvitationStatus,
} from './care.model.js';

const NOT_FOUND = 'Invitation not found';
const PERSON_NOT_FOUND = 'Not found';

/** A grant as stored on an accepted link. */
export interface Grant {
  linkId: string;
  ownerId: string;
  memberId: string;
  role: CareRole;
  scopes: CareScope[];
  notify: CareNotifyKind[];
  /** HH:MM in the member's zone, when they asked for a daily summary. */
  summaryTime: string | null;
}

const list = <T>(json: string): T[] => {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
};

/**
 * Consent between accounts (docs/care-circle.md): invitations by the owner of the data, requests by a would-be
 * member, acceptance by the addressee from their own account, links either side can end, and the grant check
 * every care read passes. The sender of an invitation never learns whether the addressee has an account: the
 * e-mail is matched only when the addressee, signed in, lists or accepts what is addressed to them.
 */
@Injectable()
export class CareCircleService {
  constructor(
    @InjectRepository(CareLinkEntity) private readonly links: Repository<CareLinkEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
    private readonly clock: Clock,
  ) {}

  // ------------------------------------------------------------------------------------------- sending

  /** The owner offers access to `dto.email` (invite), or a would-be member asks `dto.email` for it (request). */
  async send(
    userId: string,
    direction: 'invite' | 'request',
    dto: CareInviteDto,
  ): Promise<CareInvitationDto> {
    const me = await this.account(userId);
    if (dto.email === me.email) throw validationError(['body', 'email'], 'You cannot invite yourself');
    const grant = this.checkGrant(dto, direction === 'invite');
    await this.throttle(userId);
    const now = this.clock.nowMs();
    const row = await this.links.manager.transaction(async (m) => {
      const mine =
        direction === 'invite'
          ? { direction, ownerId: userId, memberEmail: dto.email }
          : { direction, memberId: userId, ownerEmail: dto.email };
      // Sending again to the same address replaces the earlier pending one (a re-invite).
      await m.update(
        CareLinkEntity,
        { ...mine, status: 'pending' },
        { status: 'cancelled', endedAt: now, endedBy: 'sender' },
      );
      const pending = await m
        .createQueryBuilder(CareLinkEntity, 'l')
        .where(`l.status = 'pending' AND l.expires_at > :now`, { now })
        .andWhere(
          `((l.direction = 'invite' AND l.owner_id = :u) OR (l.direction = 'request' AND l.member_id = :u))`,
          { u: userId },
        )
        .getCount();
      if (pending >= MAX_PENDING)
        throw conflict(`At most ${MAX_PENDING} pending invitations; cancel one first`, 'CARE_PENDING_LIMIT');
      if (direction === 'invite') await this.checkMembers(m, userId);
      const created = m.create(CareLinkEntity, {
        id: randomUUID(),
        ownerId: null,
        ownerEmail: null,
        memberId: null,
        memberEmail: null,
        ...mine,
        role: grant.role,
        scopes: JSON.stringify(grant.scopes),
        notify: JSON.stringify(grant.notify),
        status: 'pending',
        createdAt: now,
        expiresAt: now + INVITATION_TTL_MS,
        decidedAt: null,
        endedAt: null,
        endedBy: null,
      });
      await m.insert(CareLinkEntity, created);
      return created;
    });
    return this.invitationView(row, 'sent', dto.email, null, now);
  }

  /** Role, scopes and kinds validated together: notifications only for a caregiver, each within its scope. */
  private checkGrant(dto: CareAcceptDto, required: boolean): Pick<Grant, 'role' | 'scopes' | 'notify'> {
    if (required && !dto.scopes?.length)
      throw validationError(['body', 'scopes'], 'Grant at least one scope');
    const role = dto.role ?? 'viewer';
    const scopes = dto.scopes ?? [];
    const notify = dto.notify ?? [];
    if (notify.length && role !== 'caregiver')
      throw validationError(['body', 'notify'], 'Only a caregiver is notified');
    notify.forEach((k, i) => {
      const need = NOTIFY_NEEDS[k];
      if (need && !scopes.includes(need))
        throw validationError(['body', 'notify', i], `${k} needs the ${NOTIFY_NEEDS[k]} scope`);
    });
    if (scopes.includes('medication:write') && !scopes.includes('medication'))
      throw validationError(['body', 'scopes'], 'medication:write needs the medication scope');
    return { role, scopes, notify };
  }

  private async throttle(userId: string): Promise<void> {
    const { count, resetInMs } = await this.counters.increment(`care:invite:${userId}`, 3_600_000);
    if (count <= INVITES_PER_HOUR) return;
    const retry = Math.max(1, Math.ceil(resetInMs / 1000));
    throw new AppError(
      429,
      ErrorCode.RATE_LIMITED,
      `At most ${INVITES_PER_HOUR} invitations an hour; try again in ${retry} s`,
      { 'retry-after': String(retry) },
    );
  }

  private async checkMembers(m: EntityManager, ownerId: string, except?: string): Promise<void> {
    const n = await m.count(CareLinkEntity, { where: { ownerId, status: 'accepted' } });
    const replacing = except
      ? await m.count(CareLinkEntity, { where: { ownerId, memberId: except, status: 'accepted' } })
      : 0;
    if (n - replacing >= MAX_MEMBERS)
      throw conflict(`A care circle has at most ${MAX_MEMBERS} members`, 'CARE_MEMBER_LIMIT');
  }

  // ----------------------------------------------------------------------------------------- receiving

  /** Invitations and requests you sent (newest first), and those addressed to your e-mail. */
  async invitations(userId: string, side: 'sent' | 'received'): Promise<CareInvitationDto[]> {
    const now = this.clock.nowMs();
    if (side === 'sent') {
      const rows = await this.links.find({
        where: [
          { direction: 'invite', ownerId: userId },
          { direction: 'request', memberId: userId },
        ],
        order: { createdAt: 'DESC' },
        take: 100,
      });
      return rows.map((r) => this.invitationView(r, 'sent', r.memberEmail ?? r.ownerEmail ?? '', null, now));
    }
    const me = await this.account(userId);
    const rows = await this.links.find({
      where: [
        { direction: 'invite', memberEmail: me.email, status: 'pending' },
        { direction: 'request', ownerEmail: me.email, status: 'pending' },
      ],
      order: { createdAt: 'DESC' },
      take: 100,
    });
    const senders = await this.names(rows.map((r) => (r.direction === 'invite' ? r.ownerId : r.memberId)));
    return rows
      .filter((r) => senders.has((r.direction === 'invite' ? r.ownerId : r.memberId) ?? ''))
      .map((r) => {
        const s = senders.get((r.direction === 'invite' ? r.ownerId : r.memberId)!)!;
        return this.invitationView(r, 'received', s.email, s.name, now);
      });
  }

  /** The invitation addressed to the caller (404 for anyone else, whatever its state). */
  private async addressed(userId: string, id: string): Promise<{ row: CareLinkEntity; me: UserEntity }> {
    const me = await this.account(userId);
    const row = typeof id === 'string' && id.length <= 36 ? await this.links.findOneBy({ id }) : null;
    const mine =
      row &&
      ((row.direction === 'invite' && row.memberEmail === me.email && row.ownerId !== userId) ||
        (row.direction === 'request' && row.ownerEmail === me.email && row.memberId !== userId));
    if (!row || !mine) throw notFound(NOT_FOUND);
    if (row.status !== 'pending') throw conflict(`The invitation is ${row.status}`, 'INVITATION_NOT_PENDING');
    if (row.expiresAt <= this.clock.nowMs())
      throw conflict('The invitation has expired', 'INVITATION_EXPIRED');
    return { row, me };
  }

  /**
   * Accepts an invitation or request addressed to the caller (single use: the pending → accepted change is
   * conditional, so two accepts cannot both win). An earlier link between the same two people is replaced.
   */
  async accept(userId: string, id: string, dto: CareAcceptDto): Promise<CareLinkDto> {
    const { row } = await this.addressed(userId, id);
    const isRequest = row.direction === 'request';
    // The owner decides the grant of a request; an invitee takes the grant offered.
    const grant = isRequest && (dto.scopes || dto.role || dto.notify) ? this.checkGrant(dto, true) : null;
    const ownerId = isRequest ? userId : row.ownerId!;
    const memberId = isRequest ? row.memberId! : userId;
    const now = this.clock.nowMs();
    await this.links.manager.transaction(async (m) => {
      await this.checkMembers(m, ownerId, memberId);
      await m.update(
        CareLinkEntity,
        { ownerId, memberId, status: 'accepted' },
        { status: 'revoked', endedAt: now, endedBy: 'replaced' },
      );
      const res = await m
        .createQueryBuilder()
        .update(CareLinkEntity)
        .set({
          status: 'accepted',
          ownerId,
          memberId,
          decidedAt: now,
          ...(grant
            ? { role: grant.role, scopes: JSON.stringify(grant.scopes), notify: JSON.stringify(grant.notify) }
            : {}),
        })
        .where(`id = :id AND status = 'pending' AND expires_at > :now`, { id, now })
        .execute();
      if (!res.affected) throw conflict('The invitation is no longer pending', 'INVITATION_NOT_PENDING');
    });
    const link = await this.links.findOneByOrFail({ id });
    const other = await this.users.findOneBy({ id: isRequest ? memberId : ownerId });
    return this.linkView(link, other);
  }

  async decline(userId: string, id: string): Promise<void> {
    const { row } = await this.addressed(userId, id);
    await this.finishPending(row.id, 'declined', null);
  }

  /** The sender withdraws a pending invitation or request. */
  async cancel(userId: string, id: string): Promise<void> {
    const row = typeof id === 'string' && id.length <= 36 ? await this.links.findOneBy({ id }) : null;
    const sender = row && (row.direction === 'invite' ? row.ownerId : row.memberId) === userId;
    if (!row || !sender) throw notFound(NOT_FOUND);
    if (row.status !== 'pending') throw conflict(`The invitation is ${row.status}`, 'INVITATION_NOT_PENDING');
    await this.finishPending(row.id, 'cancelled', 'sender');
  }

  private async finishPending(
    id: string,
    status: 'declined' | 'cancelled',
    by: string | null,
  ): Promise<void> {
    const now = this.clock.nowMs();
    const res = await this.links
      .createQueryBuilder()
      .update(CareLinkEntity)
      .set({ status, decidedAt: now, endedAt: now, endedBy: by })
      .where(`id = :id AND status = 'pending'`, { id })
      .execute();
    if (!res.affected) throw conflict('The invitation is no longer pending', 'INVITATION_NOT_PENDING');
  }

  // --------------------------------------------------------------------------------------------- links

  /** Your circle (as owner: your members) or the people you care for (as member). */
  async linksOf(userId: string, side: 'owner' | 'member'): Promise<CareLinkDto[]> {
    const rows = await this.links.find({
      where:
        side === 'owner' ? { ownerId: userId, status: 'accepted' } : { memberId: userId, status: 'accepted' },
      order: { decidedAt: 'ASC' },
    });
    const others = await this.names(rows.map((r) => (side === 'owner' ? r.memberId : r.ownerId)));
    return rows.map((r) =>
      this.linkView(r, others.get((side === 'owner' ? r.memberId : r.ownerId)!) ?? null),
    );
  }

  /** Ends the link between the caller and `otherId` (the caller being the owner or the member). */
  async end(userId: string, otherId: string, side: 'owner' | 'member'): Promise<void> {
    const where =
      side === 'owner'
        ? { ownerId: userId, memberId: otherId, status: 'accepted' }
        : { ownerId: otherId, memberId: userId, status: 'accepted' };
    const res = await this.links.update(where, {
      status: 'revoked',
      endedAt: this.clock.nowMs(),
      endedBy: side,
    });
    if (!res.affected) throw notFound(PERSON_NOT_FOUND);
  }

  /**
   * The grant check of every care route (CareGrantGuard): the caller's accepted link to `ownerId` with the scope
   * (and notification kind) needed, else 404 — the same answer as for a stranger, so nobody learns whether a
   * person or a category exists. Marks the request so the reads it makes are written to the owner's access log
   * with the caller as actor.
   */
  async require(
    memberId: string,
    ownerId: string,
    need: { scope?: CareScope; notify?: CareNotifyKind },
  ): Promise<Grant> {
    const grant =
      typeof ownerId === 'string' && ownerId.length <= 36 ? await this.grant(ownerId, memberId) : null;
    const ok =
      grant &&
      (!need.scope || grant.scopes.includes(need.scope)) &&
      (!need.notify || grant.notify.includes(need.notify));
    if (!ok) throw notFound(PERSON_NOT_FOUND);
    noteGrantedOwner(ownerId);
    return grant;
  }

  async grant(ownerId: string, memberId: string): Promise<Grant | null> {
    const row = await this.links.findOneBy({ ownerId, memberId, status: 'accepted' });
    return row ? this.grantOf(row) : null;
  }

  /** Accepted caregivers of `ownerId` who asked for `kind` and hold the scope it needs. */
  async recipients(ownerId: string, kind: CareNotifyKind): Promise<Grant[]> {
    const rows = await this.links.findBy({ ownerId, status: 'accepted', role: 'caregiver' });
    return rows.map((r) => this.grantOf(r)).filter((g) => g.notify.includes(kind) && this.covers(g, kind));
  }

  private covers(g: Grant, kind: CareNotifyKind): boolean {
    const need = NOTIFY_NEEDS[kind];
    return need === null || g.scopes.includes(need);
  }

  /** Links whose member asked for a daily summary and chose a time. */
  async summaryGrants(): Promise<Grant[]> {
    const rows = await this.links
      .createQueryBuilder('l')
      .where(`l.status = 'accepted' AND l.role = 'caregiver' AND l.summary_time IS NOT NULL`)
      .getMany();
    return rows.map((r) => this.grantOf(r)).filter((g) => g.notify.includes('daily_summary'));
  }

  /** The member chooses when (HH:MM, their zone) the daily summary arrives; null stops it. */
  async setSummaryTime(memberId: string, ownerId: string, time: string | null): Promise<CareLinkDto> {
    const grant = await this.require(memberId, ownerId, { notify: 'daily_summary' });
    await this.links.update({ id: grant.linkId, status: 'accepted' }, { summaryTime: time });
    const row = await this.links.findOneByOrFail({ id: grant.linkId });
    return this.linkView(row, await this.users.findOneBy({ id: ownerId }));
  }

  /** Account erasure: every invitation, request and link of the user, and those addressed to their e-mail. */
  async forgetUser(userId: string): Promise<number> {
    const me = await this.users.findOneBy({ id: userId });
    const res = await this.links
      .createQueryBuilder()
      .delete()
      .from(CareLinkEntity)
      .where('owner_id = :u OR member_id = :u', { u: userId })
      .orWhere(me ? 'owner_email = :e OR member_email = :e' : '1 = 0', { e: me?.email ?? '' })
      .execute();
    return res.affected ?? 0;
  }

  /** The export section: your circle and what it may see, whom you care for, pending invitations. */
  async exportOf(userId: string): Promise<Record<string, unknown>> {
    const [members, caringFor, sent, received] = await Promise.all([
      this.linksOf(userId, 'owner'),
      this.linksOf(userId, 'member'),
      this.invitations(userId, 'sent'),
      this.invitations(userId, 'received'),
    ]);
    return { members, caring_for: caringFor, invitations_sent: sent, invitations_received: received };
  }

  // -------------------------------------------------------------------------------------------- views

  private async account(userId: string): Promise<UserEntity> {
    const me = await this.users.findOneBy({ id: userId });
    if (!me) throw notFound(PERSON_NOT_FOUND);
    return me;
  }

  private async names(ids: (string | null)[]): Promise<Map<string, UserEntity>> {
    const wanted = [...new Set(ids.filter((x): x is string => !!x))];
    if (!wanted.length) return new Map();
    const rows = await this.users.findBy({ id: In(wanted) });
    return new Map(rows.map((u) => [u.id, u]));
  }

  private grantOf(r: CareLinkEntity): Grant {
    return {
      linkId: r.id,
      ownerId: r.ownerId!,
      memberId: r.memberId!,
      role: r.role as CareRole,
      scopes: list<CareScope>(r.scopes),
      notify: list<CareNotifyKind>(r.notify),
      summaryTime: r.summaryTime,
    };
  }

  private invitationView(
    r: CareLinkEntity,
    side: 'sent' | 'received',
    email: string,
    name: string | null,
    now: number,
  ): CareInvitationDto {
    const status: InvitationStatus =
      r.status === 'pending' && r.expiresAt <= now ? 'expired' : (r.status as InvitationStatus);
    return {
      id: r.id,
      direction: r.direction,
      side,
      email,
      name,
      role: r.role as CareRole,
      scopes: list(r.scopes),
      notify: list(r.notify),
      status,
      created_at: new Date(r.createdAt).toISOString(),
      expires_at: new Date(r.expiresAt).toISOString(),
    };
  }

  private linkView(r: CareLinkEntity, other: UserEntity | null): CareLinkDto {
    const g = this.grantOf(r);
    return {
      link_id: r.id,
      user_id: other?.id ?? '',
      name: other?.name ?? '',
      email: other?.email ?? '',
      role: g.role,
      scopes: g.scopes,
      notify: g.notify,
      summary_time: g.summaryTime,
      since: new Date(r.decidedAt ?? r.createdAt).toISOString(),
    };
  }
}
