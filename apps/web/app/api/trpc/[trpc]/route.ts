// The tRPC endpoint: the Fetch adapter from @kit/api, nothing more.
import { createFetchHandler } from "@kit/api";
import { appRouter } from "../../../../src/api/root";
import { currentConnection } from "../../../../src/server/connection";
import { getDeps } from "../../../../src/server/runtime";

const handler = createFetchHandler({
  router: appRouter,
  deps: getDeps,
  connection: currentConnection,
});

// Every method, so that the handler answers each as the app's own server does (OPTIONS 204, the
// others 405 from tRPC with Allow), not Next.js with an empty 405.
export {
  handler as DELETE,
  handler as GET,
  handler as OPTIONS,
  handler as PATCH,
  handler as POST,
  handler as PUT,
};
