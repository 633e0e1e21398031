// Sign-in with the forge account, the dashboard's sessions, and the CSRF guard on every
// route of the web service.
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthController } from './auth.controller.js';
import { CsrfGuard } from './csrf.guard.js';
import { SessionService } from './session.service.js';
import { SignInService } from './sign-in.service.js';

@Module({
  controllers: [AuthController],
  providers: [SessionService, SignInService, { provide: APP_GUARD, useClass: CsrfGuard }],
  exports: [SessionService],
})
export class AuthModule {}
