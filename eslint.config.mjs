// ESLint flat config: typescript-eslint with type information for every .ts file in tsconfig.json.
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Workflow code runs in Temporal's deterministic sandbox and is replayed from history: no I/O,
// no clocks or randomness of its own. Every Node built-in (bare and `node:` forms), the database
// driver and the activity SDK are off limits there; activities do the I/O.
const WORKFLOW_MESSAGE =
  'Workflow code must be deterministic and do I/O only through activities (proxyActivities); move this into ' +
  'src/activities.';
// Modules that exist only with the prefix are in builtinModules from Node 22/23 on, not on Node 20.
const prefixOnly = ['node:sea', 'node:sqlite', 'node:test', 'node:test/reporters'];
const bannedInWorkflows = [
  ...new Set([
    ...builtinModules.flatMap((name) => (name.startsWith('node:') ? [name] : [name, `node:${name}`])),
    ...prefixOnly,
  ]),
  'pg',
  '@temporalio/activity',
].sort();

export default defineConfig(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.tmp/**',
      'bench/results/**',
      'jest.config.js',
      'bin/**/*.js',
    ],
  },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.cts'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Prettier lays the code out within 120 characters; what it cannot break (strings, comments) is held here.
      'max-len': ['error', { code: 120, tabWidth: 2 }],
      // Kept as errors whatever the presets say.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'smart'],

      // Tuned so that the output is worth reading.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // As in the recommended preset, except `any`: numbers, booleans and null/undefined read fine in
      // messages and audit reasons (`ospa=null`); objects (`[object Object]`) and `any` are still errors.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allowNumber: true,
          allowBoolean: true,
          allowNullish: true,
          allowRegExp: true,
          allowAny: false,
          allowNever: false,
        },
      ],
      // `() => undefined` callbacks and `void` arrow shorthands are idiomatic here.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Off: workflow arguments, signals and rows are checked defensively at runtime (`raw?.target`)
      // even where their static types say they cannot be missing; the rule calls that a mistake.
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // `rows[0]!` after an expect on the length, `expect(x.method)`, and `async () => undefined`
      // stubs where a Promise-returning callback is expected are normal in jest tests.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: bannedInWorkflows.map((name) => ({ name, message: WORKFLOW_MESSAGE })),
          patterns: [
            // Also their sub-paths (`pg/lib/...`).
            { group: ['pg/*', '@temporalio/activity/*'], message: WORKFLOW_MESSAGE },
            // The activity and database modules import pg and node:*; their types are welcome.
            {
              group: ['**/activities', '**/activities/**', '**/db', '**/db/**'],
              allowTypeImports: true,
              message: `Only types may come from the activity and database modules (import type). ${WORKFLOW_MESSAGE}`,
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'ImportExpression', message: `No dynamic import() in workflow code. ${WORKFLOW_MESSAGE}` },
      ],
    },
  },
  {
    // This file and any other ESM config: the rules that need no type information.
    files: ['**/*.mjs'],
    extends: [tseslint.configs.recommended],
  },
);
