// swc only strips types (type-checking is `npm run typecheck`); no dependency needs transforming:
// inversify 7 and jose 5 ship CommonJS, so a plugin author's plain jest setup loads the agent too.
const swc = ['@swc/jest', {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
}];
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/src', '<rootDir>/plugins'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/plugins/[^/]+/dist/', '<rootDir>/packages/[^/]+/dist/'],
  transform: { '^.+\\.(t|j)s$': swc },
  // Tests use the TypeScript sources of the plugin API, so plugins and tests share one instance.
  moduleNameMapper: {
    '^tunnelforge/plugin$': '<rootDir>/src/plugin-api/index.ts',
    '^tunnelforge/testkit$': '<rootDir>/src/testkit/index.ts',
    '^@tunnelforge/client$': '<rootDir>/packages/client/src/index.ts',
    '^@tunnelforge/client/node$': '<rootDir>/packages/client/src/node.ts',
  },
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
