// `@kit/api/testing`: the kit's HTTP test helpers, for an app's own routers as for the kit's.
// A test file starts a real server over a throwaway PostgreSQL (the run's, from the global setup
// `@kit/api/testing/global-setup`) and talks to it over HTTP.
export {
  type InProcessOptions,
  type InProcessServer,
  startInProcessServer,
} from "./in-process-server";
export { type Answer, isAlive, loginInFlight, untilPrinted } from "./process-probes";
export {
  bearer,
  type Reply,
  rateLimitsOff,
  type ServerOptions,
  serversPerTest,
  type TestServer,
  uniqueEmail,
} from "./test-server";
