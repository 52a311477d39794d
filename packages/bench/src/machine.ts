// What the figures were measured on: cores, CPU, Node, wrk, when, and how busy the machine was.
import os from "node:os";
import type { Machine } from "./results";

/** The 1-minute load average, rounded. */
export const loadNow = () => Math.round((os.loadavg()[0] ?? 0) * 100) / 100;

export function machineInfo(wrk: string, loadAtStart: number): Machine {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? "unknown",
    node: process.version,
    date: new Date().toISOString(),
    wrk,
    loadAverage: { start: loadAtStart, end: loadNow() },
  };
}
