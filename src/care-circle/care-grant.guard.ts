import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthUser } from '../common/decorators.js';
import { CareCircleService } from './care-circle.service.js';
import type { CareNotifyKind, CareScope } from './care.model.js';

/** What a route on `/api/care/people/{owner_id}/…` needs from the caller's link to that person. */
export interface CareRequirement {
  scope?: CareScope;
  /** Every one of these scopes (a view that combines categories, e.g. the doctor's report). */
  scopes?: CareScope[];
  notify?: CareNotifyKind;
}

const CARE_GRANT = 'podd:careGrant';

/** Marks a route as served only within a grant (`@RequiresGrant({ scope: 'vitals' })`). */
export const RequiresGrant = (need: CareRequirement): MethodDecorator => SetMetadata(CARE_GRANT, need);

/**
 * The grant check of the care routes, as a guard so it runs before body validation: outside a grant every
 * request answers the same 404 as for a person who does not exist, whatever it sends. Runs after the global
 * JWT guard (the caller is known).
 */
@Injectable()
export class CareGrantGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly care: CareCircleService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const need = this.reflector.get<CareRequirement | undefined>(CARE_GRANT, ctx.getHandler());
    if (!need) return true;
    const req = ctx.switchToHttp().getRequest<{ user?: AuthUser; params: Record<string, string> }>();
    if (!req.user) return false;
    const { scopes, ...one } = need;
    await this.care.require(req.user.id, req.params.owner_id, one);
    for (const scope of scopes ?? []) await this.care.require(req.user.id, req.params.owner_id, { scope });
    return true;
  }
}
