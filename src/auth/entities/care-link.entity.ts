import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from './user.entity.js';

/**
 * One consent between two accounts of the care circle (src/care-circle): an invitation by the owner of the data
 * (`direction` invite, addressed to `member_email`) or a request by a would-be member (`direction` request,
 * addressed to `owner_email`). Once the addressee accepts, the row IS the link: both ids are set and `status` is
 * `accepted` until either side ends it. Grants (`scopes`, `notify`) are JSON arrays of names. Rows of an erased
 * account go with it (foreign keys cascade). See docs/care-circle.md.
 */
@Entity({ name: 'care_links' })
@Index('ix_care_links_owner', ['ownerId', 'status'])
@Index('ix_care_links_member', ['memberId', 'status'])
@Index('ix_care_links_member_email', ['memberEmail', 'status'])
@Index('ix_care_links_owner_email', ['ownerEmail', 'status'])
export class CareLinkEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 8 })
  direction: 'invite' | 'request';

  @Column({ name: 'owner_id', type: 'varchar', length: 36, nullable: true })
  ownerId: string | null;

  @Column({ name: 'owner_email', type: 'varchar', length: 255, nullable: true })
  ownerEmail: string | null;

  @Column({ name: 'member_id', type: 'varchar', length: 36, nullable: true })
  memberId: string | null;

  @Column({ name: 'member_email', type: 'varchar', length: 255, nullable: true })
  memberEmail: string | null;

  @Column({ type: 'varchar', length: 16 })
  role: string;

  /** JSON array of scope names. */
  @Column({ type: 'text' })
  scopes: string;

  /** JSON array of notification kinds. */
  @Column({ type: 'text' })
  notify: string;

  /** pending | accepted | declined | cancelled | revoked (an expired invitation stays pending past expires_at). */
  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMs })
  expiresAt: number;

  @Column({ name: 'decided_at', type: 'bigint', nullable: true, transformer: epochMs })
  decidedAt: number | null;

  @Column({ name: 'ended_at', type: 'bigint', nullable: true, transformer: epochMs })
  endedAt: number | null;

  /** Who ended an accepted link (`owner` or `member`), or who cancelled a pending one. */
  @Column({ name: 'ended_by', type: 'varchar', length: 8, nullable: true })
  endedBy: string | null;

  /** HH:MM in the member's time zone when they want the daily summary (null: none). Set by the member. */
  @Column({ name: 'summary_time', type: 'varchar', length: 5, nullable: true })
  summaryTime: string | null;
}
