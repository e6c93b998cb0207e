// `npm run screenshots`: the same setup as the tests, but only the screenshot runners
// (test/screenshots/refresh.screenshots.ts, and test/e2e/screenshots/panels.shots.ts for the agent's
// panels, which need a tunnel provider and a fast monitor), which rewrite docs/screenshots. `npm test` never does.
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/screenshots', '<rootDir>/test/e2e/screenshots'],
  testMatch: ['**/*.screenshots.ts', '**/*.shots.ts'],
  testTimeout: 60000,
  reporters: ['default'],
};
