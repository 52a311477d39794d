// How long one start of the production build may take before the test fails with its output: a
// module of its own, so that vitest.config.ts sizes its timeouts from the same figure.
export const START_TIMEOUT_MS = 120_000;
