// swc transpiles TypeScript (with legacy decorators + metadata for inversify); type-checking is `npm run typecheck`.
const swc = ['@swc/jest', {
  jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
  module: { type: 'commonjs' },
}];
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/src', '<rootDir>/plugins'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/plugins/[^/]+/dist/'],
  transform: { '^.+\\.(t|j)s$': swc },
  // inversify 8 and jose are ESM-only: let swc turn them into CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!(inversify|@inversifyjs|jose)/)'],
  // Tests use the TypeScript sources of the plugin API, so plugins and tests share one instance.
  moduleNameMapper: {
    '^tunnelforge/plugin$': '<rootDir>/src/plugin-api/index.ts',
    '^tunnelforge/testkit$': '<rootDir>/src/testkit/index.ts',
  },
  setupFiles: ['reflect-metadata'],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
