// OpenAPI schemas of the sign-in answers: who is signed in, and what they may do on a pipeline.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class SignedInUserDto {
  @ApiProperty({ example: 'github' }) forge!: string;
  @ApiProperty({ example: 'https://github.com' }) instanceUrl!: string;
  @ApiProperty({ example: 'octocat' }) login!: string;
}

export class SignInLinkDto {
  @ApiProperty({ enum: ['github', 'gitlab'] }) forge!: string;
  @ApiProperty({ example: '/api/v1/auth/github/sign-in', description: 'Add ?return_to=<path> to come back there' })
  url!: string;
}

export class MeDto {
  @ApiProperty({ type: SignedInUserDto, nullable: true, description: 'null when signed out' })
  user!: SignedInUserDto | null;
  @ApiPropertyOptional({ description: 'Send it as X-CSRF-Token with every POST of this session' })
  csrfToken?: string;
  @ApiProperty({ type: [SignInLinkDto], description: 'The forges one can sign in with here' })
  signIn!: SignInLinkDto[];
}

export class PipelinePermissionsDto {
  @ApiProperty({ description: 'Whether the caller may start the reruns of this pipeline' }) rerun!: boolean;
  @ApiPropertyOptional({ description: 'Why not, when not (names the project)' }) reason?: string;
}
