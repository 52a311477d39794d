// GET /.well-known/jwks.json through Next.js: the path of API_HANDLER=next and of deployments
// without server.ts (which otherwise answers it before Next.js). The Fetch adapter, nothing more.
import { createJwksFetchHandler } from "@kit/api";
import { getDeps } from "../../../src/server/runtime";

const handler = createJwksFetchHandler({ deps: getDeps });

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
