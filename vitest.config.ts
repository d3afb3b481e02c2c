import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // autobahn 26 uses the global WebSocket, which Node 20 has only behind this flag.
    execArgv: ['--experimental-websocket', '--no-warnings=ExperimentalWarning'],
    // Makes the TLS tests' certificates and sets NODE_EXTRA_CA_CERTS before any worker starts (issue 6).
    globalSetup: ['test/helpers/tls-global-setup.ts'],
    testTimeout: 15_000,
    hookTimeout: 15_000,
  },
});
