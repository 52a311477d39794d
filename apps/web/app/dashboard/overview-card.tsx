"use client";
// The app's own procedure (overview.summary, src/api/overview.ts) on the dashboard.
import { useQuery } from "@tanstack/react-query";
import { errorMessage } from "../../src/auth/error-message";
import { useTRPC } from "../../src/trpc/react";

export function OverviewCard() {
  const trpc = useTRPC();
  const summary = useQuery(trpc.overview.summary.queryOptions());
  return (
    <section className="card" aria-labelledby="overview">
      <h2 id="overview">Overview</h2>
      {summary.isPending && <p className="muted">Loading…</p>}
      {summary.isError && <p className="alert">{errorMessage(summary.error)}</p>}
      {summary.data && (
        <p data-testid="overview">
          {summary.data.greeting}. Signed in on {summary.data.liveSessions}{" "}
          {summary.data.liveSessions === 1 ? "device" : "devices"}.
        </p>
      )}
    </section>
  );
}
