"use client";
// The audit trail across every account, newest first, with a filter by event type.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../../src/auth/error-message";
import { useTRPC } from "../../src/trpc/react";
import { describeDevice, describeEvent, EVENT_TYPES, formatTime } from "../dashboard/format";

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
      {events.isPending && <p className="muted">Loading events…</p>}
      {events.isError && <p className="alert">{errorMessage(events.error)}</p>}
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
