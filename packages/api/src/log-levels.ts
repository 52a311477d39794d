// pino's levels, most severe first; `silent` writes nothing. Apart from logger.ts so that env.ts,
// which every `pnpm start` worker loads before anything else, does not load pino.
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];
