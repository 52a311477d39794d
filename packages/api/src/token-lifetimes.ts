// Lifetimes out of order: `pnpm auth check` calls them problems, and start-up warns of them.
import type { ServerEnv } from "./env";

/**
 * What is wrong with the three lifetimes together; none when they are in order (access <
 * refresh <= session cap). An access token outliving its refresh token makes refresh pointless;
 * a refresh token outliving the session cap is cut short at the cap anyway, so the setting
 * misleads.
 */
export function lifetimeProblems(
  env: Pick<ServerEnv, "accessTtl" | "refreshTtl" | "sessionMaxAge">,
): string[] {
  const problems: string[] = [];
  if (env.accessTtl >= env.refreshTtl) {
    problems.push(
      `AUTH_ACCESS_TOKEN_TTL (${env.accessTtl}s) must be shorter than AUTH_REFRESH_TOKEN_TTL (${env.refreshTtl}s)`,
    );
  }
  if (env.refreshTtl > env.sessionMaxAge) {
    problems.push(
      `AUTH_REFRESH_TOKEN_TTL (${env.refreshTtl}s) must not be longer than AUTH_SESSION_MAX_AGE (${env.sessionMaxAge}s)`,
    );
  }
  return problems;
}
