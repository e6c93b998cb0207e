// `npm run screenshots`: the same setup as the tests, but only the screenshot runner
// (test/screenshots/refresh.screenshots.ts), which rewrites docs/screenshots. `npm test` never does.
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/screenshots'],
  testMatch: ['**/*.screenshots.ts'],
  testTimeout: 60000,
  reporters: ['default'],
};
