import type { NextConfig } from 'next';

/**
 * The console is a client of the Fastish API: pages render on the server only as shells, data is fetched
 * in the browser with the signed-in user's token. Configuration (API URL, sign-in endpoints) is read at
 * request time (see lib/config.ts), so one build serves any environment, including `fastish dev`.
 */
const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Workspace root: web/ is its own npm package inside the repository.
  outputFileTracingRoot: __dirname,
  turbopack: { root: __dirname },
  // The browser tests build the console once per run and typecheck it separately
  // (`npx --prefix web tsc --noEmit -p web`), so they may skip the build's own, slower type check.
  typescript: { ignoreBuildErrors: process.env.FASTISH_CONSOLE_SKIP_TYPECHECK === '1' },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
        ],
      },
    ];
  },
};

export default config;
