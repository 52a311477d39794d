// GET /api/health through Next.js, for deployments without server.ts (and API_HANDLER=next);
// `pnpm start` answers it on Node's objects before Next.js sees it.
import { createHealthFetchHandler } from "@kit/api";
import { getDeps } from "../../../src/server/runtime";

// Never prerendered or cached: each probe asks the database.
export const dynamic = "force-dynamic";

const handler = createHealthFetchHandler({ deps: getDeps });

// Every method, so that each is answered as the app's own server answers it (405 with Allow),
// not by Next.js (an OPTIONS 204, an empty 405 without Allow).
export {
  handler as DELETE,
  handler as GET,
  handler as HEAD,
  handler as OPTIONS,
  handler as PATCH,
  handler as POST,
  handler as PUT,
};
