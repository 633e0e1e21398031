// Lint: typescript-eslint's recommended rules, plus the architecture rules of the house
// style: no import cycles, no deep imports into another package, no relative imports
// across packages (each package is used through its src/index.ts).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';

// Each package is used through its src/index.ts.
const packageBoundaries = [
  {
    // @packflow/testing/fakes: the fakes of external services alone, for the sandbox of `pnpm start` too.
    group: ['@packflow/*/*', '!@packflow/*/testing', '!@packflow/testing/fakes'],
    message:
      'import the package itself; its public API is src/index.ts (fakes: @packflow/<pkg>/testing, @packflow/testing/fakes)',
  },
  { group: ['**/src/*', '!./**', '!../**'], message: 'no deep imports into another package' },
];

export default tseslint.config(
  // The dashboard (services/web/ui) is browser code with its own tsconfig (DOM libs), checked by its own tsc in
  // `pnpm typecheck`.
  { ignores: ['**/node_modules/**', '**/dist/**', '.packflow/**', 'coverage/**', 'services/web/ui/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,mjs,js}'],
    languageOptions: { globals: { ...globals.node } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-relative-packages': 'error',
      'no-restricted-imports': ['error', { patterns: packageBoundaries }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
    },
  },
  {
    // NestJS resolves constructor parameters from their emitted types; a type-only
    // import would erase them.
    files: ['services/**/*.ts', 'shared/platform/**/*.ts', 'shared/nest-jetstream/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    // The framework stays at the edges: services, shared/platform and
    // shared/nest-jetstream are where NestJS lives.
    files: [
      'shared/{base,core,engine,config,events,forges,clients,results,messaging,migrator,testing,upstream,stream,ecosystems,source-git}/**/*.ts',
      'migrations/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...packageBoundaries,
            {
              group: ['@nestjs/*', '@packflow/platform', '@packflow/nest-jetstream'],
              message: 'NestJS stays at the edges',
            },
          ],
        },
      ],
    },
  },
);
