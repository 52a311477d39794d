// `pnpm --filter @kit/api serve`: the kit's routers alone on the standalone server (an API-only
// deployment of the kit). The app's `pnpm serve` (apps/web/serve.ts) serves the app's router.
import { startStandalone } from "../start-standalone";

await startStandalone();
