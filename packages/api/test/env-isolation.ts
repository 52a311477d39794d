// A test server's environment must be the test's alone. `pnpm start`, `pnpm serve` and Next.js
// read apps/web's env files (a developer's .env.production.local with an ES256 key, a
// DATABASE_URL in .env.local...), but only into variables the environment leaves absent.
import { SETTING_VARIABLES } from "../src/env";

/**
 * `env` with every server setting it leaves unset set empty (the kit reads empty as unset), so
 * that no env file can supply one: the server runs on the defaults and what the test gave.
 */
export function withoutEnvFiles(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const isolated = { ...env };
  for (const name of SETTING_VARIABLES) isolated[name] ??= "";
  return isolated;
}
