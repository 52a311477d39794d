"use client";
// The audit trail across every account, newest first, with a filter by event type.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../../src/trpc/react";
import { QueryState } from "../../src/ui/query-state";
import { describeDevice, describeEvent, EVENT_TYPES, formatTime } from "../dashboard/format";

/** What a screen reader hears once the list is in: a change of filter shows nowhere else. */
function shownEvents(count: number, type: string): string {
  const events = count === 0 ? "No events" : count === 1 ? "1 event" : `${count} events`;
  return type ? `${events} of type “${describeEvent(type)}”.` : `${events} of every type.`;
}

export function AuditEvents() {
  const trpc = useTRPC();
  const [type, setType] = useState<(typeof EVENT_TYPES)[number] | "">("");
  const events = useQuery(trpc.admin.events.queryOptions({ limit: 25, type: type || null }));
  return (
    <section className="card" aria-labelledby="audit">
      <div className="card-header">
        <h2 id="audit">Recent audit events</h2>
        <label>
          <span className="muted">Type</span>
          <select
            aria-label="Event type"
            value={type}
            onChange={(event) => setType(event.target.value as (typeof EVENT_TYPES)[number] | "")}
          >
            <option value="">All</option>
            {EVENT_TYPES.map((name) => (
              <option key={name} value={name}>
                {describeEvent(name)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <QueryState
        query={events}
        what="Audit events"
        loading="Loading events…"
        loaded={events.data && shownEvents(events.data.items.length, type)}
      />
      {events.data && events.data.items.length === 0 && <p className="muted">No events.</p>}
      {events.data && events.data.items.length > 0 && (
        <ul className="rows" data-testid="audit-events">
          {events.data.items.map((event) => (
            <li key={event.id} data-testid="audit-event" data-type={event.type}>
              <span>{describeEvent(event.type)}</span>
              <span className="muted">
                {formatTime(event.createdAt)} ·{" "}
                {event.userEmail ?? (event.userId ? `user ${event.userId}` : "unknown user")}
                {event.actorId && <> · by {event.actorEmail ?? `admin ${event.actorId}`}</>} ·{" "}
                {event.ip ?? "unknown address"} · {describeDevice(event.userAgent)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
