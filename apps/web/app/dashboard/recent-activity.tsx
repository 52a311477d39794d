"use client";
// Recent activity on my account, from the audit trail (account.events), newest first.
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../src/trpc/react";
import { QueryState } from "../../src/ui/query-state";
import { describeDevice, describeEvent, formatTime } from "./format";

export function RecentActivity() {
  const trpc = useTRPC();
  const events = useQuery(trpc.account.events.queryOptions({ limit: 10 }));
  return (
    <section className="card" aria-labelledby="activity">
      <h2 id="activity">Recent activity</h2>
      <QueryState query={events} what="Recent activity" loading="Loading activity…" />
      {events.data && events.data.items.length === 0 && <p className="muted">Nothing yet.</p>}
      {events.data && events.data.items.length > 0 && (
        <ul className="rows" data-testid="events">
          {events.data.items.map((event) => (
            <li key={event.id}>
              <span>{describeEvent(event.type)}</span>
              <span className="muted">
                {formatTime(event.createdAt)} · {event.ip ?? "unknown address"} ·{" "}
                {describeDevice(event.userAgent)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
