import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Module boundaries: apps → service libs → registry → api; util libs (telemetry, cel) and proto
// depend on nothing internal, so the registry may use them too (cel for CRD
// x-kubernetes-validations); a service lib never imports another service lib; the testing lib is
// for tests only.
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/out-tsc', '**/node_modules', '**/generated/**', '**/vitest.config.*.timestamp*'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:api', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:contract', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:registry', onlyDependOnLibsWithTags: ['type:api', 'type:util'] },
            {
              sourceTag: 'type:service',
              onlyDependOnLibsWithTags: ['type:registry', 'type:api', 'type:contract', 'type:util', 'type:testing'],
            },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: ['type:registry', 'type:api', 'type:contract', 'type:util'],
            },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:service', 'type:registry', 'type:api', 'type:contract', 'type:util', 'type:testing'],
            },
            {
              // The CLI composes the service apps (`portico storage|auth|admission|gateway`).
              sourceTag: 'type:cli',
              onlyDependOnLibsWithTags: ['type:app', 'type:service', 'type:registry', 'type:api', 'type:contract', 'type:util', 'type:testing'],
            },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:testing', 'type:api', 'type:contract', 'type:util', 'type:registry'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      // No-op callbacks (a health check that only proves the process answers) are deliberate.
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: ['@portico/*/src/*'] }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  ...tseslint.configs.recommended.slice(0, 0),
];
