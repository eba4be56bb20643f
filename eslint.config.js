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
    // A transaction begun directly would answer 500 where the database's write runs it again (a stale PostgreSQL
    // plan), and on SQLite would commit on its own instead of with its group (db/sqlite/group-commit.ts). Only the
    // dialects' own connect modules begin transactions.
    files: ['src/**/*.ts'],
    ignores: ['src/db/sqlite/connect.ts', 'src/db/sqlite/group-commit.ts', 'src/db/postgres/connect.ts'],
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
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' } },
  },
);
