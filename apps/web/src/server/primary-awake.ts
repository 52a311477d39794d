// In a cluster, connections reach a worker through the primary, which accepts them and hands them
// on one at a time, and resets those it still holds once every worker stops listening. A closing
// worker keeps listening until none has arrived for a moment (graceful-close.ts, `settle`), but
// counted from its own signal that moment can pass while the primary, starved of CPU, has not yet
// handed on what it accepted before the signal. So the worker asks the primary and counts from
// the answer: the primary is running then, and hands on what it holds within the moment.
import cluster from "node:cluster";

const QUESTION = "kit:worker-closing";
const ANSWER = "kit:primary-awake";

/** In the primary: answers each closing worker at once. */
export function answerClosingWorkers(): void {
  cluster.on("message", (worker, message) => {
    // A worker gone meanwhile needs no answer: the callback takes the error instead of a throw.
    if (message === QUESTION) worker.send(ANSWER, () => {});
  });
}

/** In a worker: resolves once the primary has answered, or is gone (with its connections). */
export function primaryAwake(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off("message", onMessage);
      process.off("disconnect", done);
      resolve();
    };
    const onMessage = (message: unknown) => {
      if (message === ANSWER) done();
    };
    if (!process.send || !process.connected) return done();
    process.on("message", onMessage);
    process.once("disconnect", done);
    process.send(QUESTION, undefined, undefined, (error) => {
      if (error) done();
    });
  });
}
