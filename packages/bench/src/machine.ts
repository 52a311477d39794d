// What the figures were measured on: cores, CPU, Node, wrk, when.
import os from "node:os";
import type { Machine } from "./results";

export function machineInfo(wrk: string): Machine {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? "unknown",
    node: process.version,
    date: new Date().toISOString(),
    wrk,
  };
}
