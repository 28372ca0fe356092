import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/*.mjs', 'helm/faultline/**'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            // Apps and the harness build on libs; libs never import apps or the harness.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            // Shared libs stay generic; a demo's code depends only on its own scope and the shared libs.
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:store', onlyDependOnLibsWithTags: ['scope:store', 'scope:shared'] },
            { sourceTag: 'scope:tracing', onlyDependOnLibsWithTags: ['scope:tracing', 'scope:shared'] },
            { sourceTag: 'scope:resilience', onlyDependOnLibsWithTags: ['scope:resilience', 'scope:shared'] },
            { sourceTag: 'scope:dns', onlyDependOnLibsWithTags: ['scope:dns', 'scope:shared'] },
            { sourceTag: 'scope:harness', onlyDependOnLibsWithTags: ['scope:shared', 'scope:dns', 'scope:resilience', 'scope:tracing', 'scope:store'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];
