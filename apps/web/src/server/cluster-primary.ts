// WEB_CONCURRENCY > 1: this process serves nothing itself. It owns the embedded PostgreSQL (so a
// worker that dies cannot take the database with it), starts one worker per WEB_CONCURRENCY on
// the shared port, replaces a worker that crashes, and on SIGTERM/SIGINT stops them all first.
import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import { openDatabase } from "@kit/api";
import type { ServerEnv } from "@kit/api/env";
import { onStopSignals } from "@kit/api/stop-signals";
import { answerClosingWorkers } from "./primary-awake";
import { workerCountWarning } from "./worker-count";

export interface PrimaryOptions {
  env: ServerEnv;
  fail(message: string): never;
}

// Long enough for in-flight requests and the workers' own pool and runtime shut-down.
const STOP_TIMEOUT_MS = 15_000;
const RESTART_DELAY_MS = 1_000;

export async function runPrimary({ env, fail }: PrimaryOptions): Promise<void> {
  const log = (line: string) => console.log(line);
  const warning = workerCountWarning(env.workers, availableParallelism());
  if (warning) console.error(`[web] ${warning}`);
  let database: Awaited<ReturnType<typeof openDatabase>>;
  try {
    // Workers reuse the server this process started on the same data folder (see
    // ensureEmbeddedPostgres); with DATABASE_URL this does nothing.
    database = await openDatabase(env, (line) => log(`[db] ${line}`));
  } catch (error) {
    fail(`start-up failed: ${error instanceof Error ? error.message : String(error)}`);
  }

  let stopping = false;
  let listening = 0;
  const everListened = new WeakSet<Worker>();

  function fork(): void {
    const worker = cluster.fork();
    worker.once("listening", (address) => {
      everListened.add(worker);
      listening += 1;
      log(`[web] worker ${worker.process.pid} listening`);
      if (listening === env.workers) {
        const host = env.host.includes(":") ? `[${env.host}]` : env.host;
        // The port listened on (with PORT=0 the system picks one, shared by the workers).
        log(`[web] ready on http://${host}:${address.port} (${env.workers} workers)`);
      }
    });
  }

  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    if (!everListened.has(worker)) {
      // It never got to serve: configuration or start-up is wrong, and a restart would loop.
      void stopAll().finally(() => fail(`a worker could not start (exit ${code ?? signal})`));
      return;
    }
    listening -= 1;
    log(`[web] worker ${worker.process.pid} ended (${code ?? signal}); starting another`);
    setTimeout(() => {
      if (!stopping) fork();
    }, RESTART_DELAY_MS);
  });

  async function stopAll(): Promise<void> {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            const timer = setTimeout(() => worker.process.kill("SIGKILL"), STOP_TIMEOUT_MS);
            worker.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
            worker.process.kill("SIGTERM");
          }),
      ),
    );
    await database.stop();
  }

  function shutdown() {
    if (stopping) return;
    void stopAll().finally(() => process.exit(0));
  }
  onStopSignals(shutdown);
  answerClosingWorkers();

  for (let i = 0; i < env.workers; i += 1) fork();
}
