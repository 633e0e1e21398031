// Sign-in with the forge account: GET /api/v1/auth/{forge}/sign-in (to the forge),
// GET /api/v1/auth/{forge}/callback (back from it), POST /api/v1/auth/sign-out, and
// GET /api/v1/me (who is signed in, the session's CSRF token, where to sign in).
import { Controller, Get, Header, HttpCode, Inject, Param, Post, Query, Redirect, Req, Res } from '@nestjs/common';
import {
  ApiFoundResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MeDto } from './auth.schemas.js';
import { SessionService } from './session.service.js';
import { SignInService } from './sign-in.service.js';

const FORGE_PARAM = { name: 'forge', enum: ['github', 'gitlab'] } as const;

@ApiTags('auth')
@Controller('api/v1')
export class AuthController {
  constructor(
    @Inject(SignInService) private readonly signIns: SignInService,
    @Inject(SessionService) private readonly sessions: SessionService,
  ) {}

  @Get('auth/:forge/sign-in')
  @Redirect()
  @ApiOperation({ summary: "Sign in with the forge account: redirects to the forge's authorize page" })
  @ApiParam(FORGE_PARAM)
  @ApiQuery({ name: 'return_to', required: false, description: 'A path of this site to open after signing in' })
  @ApiFoundResponse({ description: 'To the forge' })
  signIn(
    @Param('forge') forge: string,
    @Query('return_to') returnTo: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return { url: this.signIns.begin(forge, returnTo, reply), statusCode: 302 };
  }

  @Get('auth/:forge/callback')
  @Redirect()
  @ApiOperation({ summary: 'Where the forge sends the browser back; starts the session' })
  @ApiParam(FORGE_PARAM)
  @ApiFoundResponse({ description: 'Signed in: to the page the sign-in started from' })
  async callback(
    @Param('forge') forge: string,
    @Query() query: Record<string, string | undefined>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return { url: await this.signIns.finish(forge, query, request, reply), statusCode: 302 };
  }

  @Post('auth/sign-out')
  @HttpCode(204)
  @ApiOperation({ summary: 'Ends the session (needs its CSRF token in X-CSRF-Token)' })
  @ApiNoContentResponse({ description: 'Signed out; the cookie is deleted' })
  async signOut(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.sessions.end(request, reply);
  }

  @Get('me')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Who is signed in, the CSRF token of the session, and where to sign in' })
  @ApiOkResponse({ type: MeDto })
  async me(@Req() request: FastifyRequest): Promise<MeDto> {
    const session = await this.sessions.current(request);
    return {
      user: session ? { forge: session.forge, instanceUrl: session.instanceUrl, login: session.login } : null,
      ...(session ? { csrfToken: session.csrfToken } : {}),
      signIn: this.signIns.providers(),
    };
  }
}
