// Lint rules that protect the architecture: no floating promises anywhere, workflows stay deterministic
// (no Node built-ins, database, HTTP or Express), and only src/config.ts reads process.env.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'http',
  'https',
  'net',
  'child_process',
  'events',
  'stream',
  'util',
  'url',
  'timers',
  'worker_threads',
  'process',
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'test-output/**', 'dist/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts', 'activities/**/*.ts', 'workflows/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through src/config.ts.' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'Workflows must be deterministic: no Node built-ins.' },
            {
              group: [
                'mongoose',
                'mongodb',
                'undici',
                'express',
                'pino',
                '@temporalio/client',
                '@temporalio/worker',
                '@temporalio/activity',
              ],
              message: 'Workflows must not do I/O; call an activity.',
            },
            {
              group: ['**/src/db/**', '../src/db/*', '**/src/upgates/client*', '**/src/http/**'],
              message: 'Workflows must not import I/O modules.',
            },
          ],
        },
      ],
    },
  },
);
