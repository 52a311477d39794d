// The server's structured log: one JSON line per event (pino), never a token, password or input.
import { type DestinationStream, type Logger, pino } from "pino";
import type { LogLevel } from "./log-levels";
import { loggableError } from "./loggable-error";

export type { Logger };

/**
 * A pino logger for the API. `destination` is for tests (an in-memory stream); by default lines
 * go to stdout, where a process manager or log shipper collects them. `level` is LOG_LEVEL's.
 */
export function createLogger(destination?: DestinationStream, level: LogLevel = "info"): Logger {
  return pino(
    {
      name: "kit-api",
      level,
      serializers: { err: loggableError },
      // Belt and braces: should a caller ever log a request, its credentials stay out.
      redact: {
        paths: [
          "password",
          "*.password",
          "refresh",
          "*.refresh",
          "access",
          "*.access",
          "headers.authorization",
          "headers.cookie",
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
