import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.stryker-tmp*/**', 'reports/**'] },
  js.configs.recommended,
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } } },
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Unwrapping belongs in tests only: library code handles both arms of every Result.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { property: '_unsafeUnwrap', message: 'Handle the Result; _unsafeUnwrap is for tests.' },
        { property: '_unsafeUnwrapErr', message: 'Handle the Result; _unsafeUnwrapErr is for tests.' },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['src/protocol/cli/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts', '.ci/**/*.js'],
    rules: { 'no-console': 'off' },
  },
);
