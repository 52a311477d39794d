"use client";
// The app's own procedure (overview.summary, src/api/overview.ts) on the dashboard.
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../src/trpc/react";
import { QueryState } from "../../src/ui/query-state";

export function OverviewCard() {
  const trpc = useTRPC();
  const summary = useQuery(trpc.overview.summary.queryOptions());
  return (
    <section className="card" aria-labelledby="overview">
      <h2 id="overview">Overview</h2>
      <QueryState query={summary} what="Overview" loading="Loading…" />
      {summary.data && (
        <p data-testid="overview">
          {summary.data.greeting}. Signed in on {summary.data.liveSessions}{" "}
          {summary.data.liveSessions === 1 ? "device" : "devices"}.
        </p>
      )}
    </section>
  );
}
