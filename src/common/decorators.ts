import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';

export const IS_PUBLIC = 'podd:isPublic';
/** Opts a route out of the global bearer-token guard. Everything else under /api requires a token. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** The authenticated principal attached to the request by the JWT guard. */
export interface AuthUser {
  id: string;
  email: string;
  name: string;
  /** Token id (jti) of the access token used. */
  jti: string;
}

/** Injects the authenticated user (`@CurrentUser() user: AuthUser`). */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthUser => {
  return ctx.switchToHttp().getRequest<{ user: AuthUser }>().user;
});
