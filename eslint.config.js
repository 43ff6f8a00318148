import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// core/ must stay pure: no database, file, network, process or clock access.
const forbiddenInCore = [
  'node:fs',
  'node:fs/promises',
  'fs',
  'fs/promises',
  'node:net',
  'node:http',
  'node:https',
  'node:child_process',
  'node:process',
  'node:worker_threads',
  'pg',
  'kysely',
  '@electric-sql/pglite',
  'fastify',
  'nats',
  'pino',
  'react',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'data/**',
      'web/dist/**',
      'test-artifacts/**',
      'bench/results/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: forbiddenInCore.map((name) => ({
            name,
            message: 'core/ is pure: pass I/O in from modules/ or platform/.',
          })),
          patterns: [
            {
              group: ['**/platform/**', '**/modules/**', '**/cli/**'],
              message: 'core/ must not depend on outer layers.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'core/ is pure: pass configuration in.' },
        { name: 'fetch', message: 'core/ is pure: no network.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'core/ takes time as a parameter.' },
        { object: 'Math', property: 'random', message: 'core/ takes randomness as a parameter.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'core/ takes time as a parameter.',
        },
      ],
    },
  },
);
