// GET /api/v1/about: what kind of instance this is, so the dashboard can say so (a sandbox
// of `pnpm start`, whose forge, Copr and Testing Farm are local fakes).
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CONFIG } from '@packflow/platform';
import type { WebConfig } from '../web.config.js';

export class AboutDto {
  @ApiProperty({
    description:
      'True when this is the sandbox of `pnpm start` without a forge identity: the forge, Copr and ' +
      'Testing Farm are local fakes and nothing leaves the machine',
  })
  sandbox!: boolean;
}

@ApiTags('about')
@Controller('api/v1/about')
export class AboutController {
  constructor(@Inject(CONFIG) private readonly config: Readonly<WebConfig>) {}

  @Get()
  @ApiOperation({ summary: 'What kind of instance this is' })
  @ApiOkResponse({ type: AboutDto })
  about(): AboutDto {
    return { sandbox: this.config.sandbox };
  }
}
