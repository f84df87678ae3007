/**
 * The console's tests, run by `npm run test:e2e` at the root: unit specs beside the code
 * (src/**\/*.spec.ts: documents valid against the committed schema, feature detection, map
 * projection) and end-to-end tests (e2e/*.e2e.ts) in headless Chromium from Debian's packages,
 * driven by playwright-core against the real server on a database of its own.
 */
const path = require('node:path');

module.exports = {
  rootDir: path.join(__dirname, '..'),
  roots: ['<rootDir>/src', '<rootDir>/e2e'],
  testEnvironment: 'node',
  testMatch: ['**/*.spec.ts', '**/*.e2e.ts'],
  testTimeout: 60000,
  maxWorkers: 1,
  transform: {
    '^.+\\.tsx?$': [
      require.resolve('@swc/jest', { paths: [path.join(__dirname, '..', '..')] }),
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic' } },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
};
