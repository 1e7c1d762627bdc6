// ESLint flat config, after the JupyterLab extension template: typescript-eslint's
// recommended rules, React's for the .tsx views, prettier as the formatter.
import js from '@eslint/js';
import prettierRecommended from 'eslint-plugin-prettier/recommended';
import react from 'eslint-plugin-react';
import tseslint from 'typescript-eslint';

// ui-tests is its own package but has no linter of its own: its tests are linted
// from here with the root's eslint (the rules need no type information).
const FILES = ['src/**/*.{ts,tsx}', 'ui-tests/tests/**/*.ts'];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/',
      'lib/',
      'python/jupyterlab_readiness/labextension/',
      'ui-tests/test-results/',
      'ui-tests/playwright-report/',
      // generated from the Python contract (jlpm build:contract)
      'src/contract.ts'
    ]
  },
  {
    files: FILES,
    extends: [js.configs.recommended, ...tseslint.configs.recommended]
  },
  {
    files: ['src/**/*.tsx'],
    extends: [react.configs.flat.recommended],
    settings: { react: { version: 'detect' } },
    rules: {
      // The props are typed by TypeScript; runtime propTypes would repeat them.
      'react/prop-types': 'off'
    }
  },
  // Turns off the stylistic rules that prettier owns, and reports prettier's diffs.
  { ...prettierRecommended, files: FILES },
  {
    files: FILES,
    rules: {
      // JupyterLab's idiom: a token and a namespace of the same name for its types
      // (IReadiness.IState), and `namespace CommandIDs` for command ids.
      '@typescript-eslint/no-namespace': 'off',
      // The template's extra rules (after prettier's config, which turns the last off).
      curly: ['error', 'all'],
      eqeqeq: 'error',
      'prefer-arrow-callback': 'error'
    }
  }
);
