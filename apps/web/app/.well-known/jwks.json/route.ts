// GET /.well-known/jwks.json through Next.js: the path of API_HANDLER=next and of deployments
// without server.ts (which otherwise answers it before Next.js). The Fetch adapter, nothing more.
import { createJwksFetchHandler } from "@kit/api";
import { getDeps } from "../../../src/server/runtime";

const handler = createJwksFetchHandler({ deps: getDeps });

export { handler as GET, handler as HEAD };
