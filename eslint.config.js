import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'bench/results/', 'web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // A transaction begun directly would answer 500 where db/transaction.ts runs it again (a stale PostgreSQL plan),
    // and on SQLite would commit on its own instead of with its group (db/group-commit.ts).
    files: ['src/**/*.ts'],
    ignores: ['src/db/transaction.ts', 'src/db/group-commit.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          property: 'transaction',
          message: 'Use inTransaction from src/db/transaction.ts: it commits with the group on SQLite and runs the transaction again when a stale PostgreSQL plan aborts it.',
        },
        { property: 'startTransaction', message: 'Use inTransaction from src/db/transaction.ts.' },
      ],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
