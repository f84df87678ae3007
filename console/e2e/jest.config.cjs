/**
 * End-to-end tests of the web console: headless Chromium (Debian's package) driven by
 * playwright-core against the real server on a database of its own. Run by `npm run test:e2e`
 * at the root, which builds everything and installs Chromium when it is missing.
 */
const path = require('node:path');

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['**/*.e2e.ts'],
  testTimeout: 60000,
  maxWorkers: 1,
  transform: {
    '^.+\\.ts$': [
      require.resolve('@swc/jest', { paths: [path.join(__dirname, '..', '..')] }),
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
};
