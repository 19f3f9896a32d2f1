// Lint rules that keep the layering of DESIGN.md true by construction.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { builtinModules } from 'node:module';

/** What workflow code may never import: Node builtins, the ORM, SDKs and anything doing I/O. */
const notInWorkflows = [
  ...builtinModules.flatMap((m) => [m, `node:${m}`]),
  '@mikro-orm/*',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
  'stripe',
  'twilio',
  'pg',
  'koa',
  '@koa/*',
  'pino',
  'prom-client',
  'jose',
  'rate-limiter-flexible',
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', '.data/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    rules: {
      // The platform is shared machinery: it never imports a module (modules plug into it).
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './src/platform',
              from: './src',
              except: ['./platform'],
              message:
                'src/platform/ must not import a module: modules plug into the platform (see README "Adding a module")',
            },
            {
              target: './src',
              from: './workflows',
              message:
                'services start runs through their contract (<op>.contract.ts), never by importing workflow code',
            },
          ],
        },
      ],
      // Prettier wraps code at 120 columns; this also holds strings, templates and comments to it.
      'max-len': ['error', { code: 120, ignoreUrls: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: notInWorkflows,
              message: 'workflow code is deterministic: it may import only @temporalio/workflow and pure modules',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
