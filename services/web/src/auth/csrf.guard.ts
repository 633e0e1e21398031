// The CSRF check as a global guard: it runs before every route's handler, so no POST a
// session cookie authorizes can forget it.
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { SessionService } from './session.service.js';

@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(@Inject(SessionService) private readonly sessions: SessionService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    await this.sessions.checkCsrf(context.switchToHttp().getRequest<FastifyRequest>());
    return true;
  }
}
