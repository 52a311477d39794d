/** Resolves after `ms` milliseconds (browser and Node alike, unlike `node:timers/promises`). */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
