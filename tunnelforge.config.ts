// The checkout's own agent config (`npm start` uses it). Every field is optional; the defaults are
// the safe ones: bind 127.0.0.1:4020, auth required on every surface.
import { defineConfig } from 'tunnelforge';

export default defineConfig({
  host: '127.0.0.1',
  port: 4020,
  dataDir: '~/.tunnelforge',
  logLevel: 'info',
  // Third-party plugin packages to load by name, e.g. ['tunnelforge-plugin-hello'].
  packages: [],
  plugins: {
    // 'core-sessions': { options: { maxSessions: 64 } },
    // 'tunnel-ngrok': { enabled: false },
    // Password users (hashes from `npx tunnelforge auth hash-password`). Without any, the first start
    // generates an admin password and the log says where it is (docs/security.md):
    // 'auth-password': { options: { users: [{ username: 'me', passwordHash: 'scrypt$…', role: 'admin' }] } },
  },
});
