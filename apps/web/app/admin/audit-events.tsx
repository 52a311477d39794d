"use client";
// The audit trail across every account, newest first, with a filter by event type and one by the
// admin who acted (chosen from an event of theirs).
import { useQuery } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { flushSync } from "react-dom";
import { useTRPC } from "../../src/trpc/react";
import { QueryState } from "../../src/ui/query-state";
import { describeDevice, describeEvent, EVENT_TYPES, formatTime } from "../dashboard/format";

/** The admin whose doings the list is narrowed to, named as the rows name them. */
interface Actor {
  id: string;
  name: string;
}

/** What a screen reader hears once the list is in: a change of filter shows nowhere else. */
function shownEvents(count: number, type: string, actor: Actor | null): string {
  const events = count === 0 ? "No events" : count === 1 ? "1 event" : `${count} events`;
  const kind = type ? `of type “${describeEvent(type)}”` : "of every type";
  return `${events} ${kind}${actor ? ` by ${actor.name}` : ""}.`;
}

export function AuditEvents() {
  const trpc = useTRPC();
  const [type, setType] = useState<(typeof EVENT_TYPES)[number] | "">("");
  const [actor, setActor] = useState<Actor | null>(null);
  const everyone = useRef<HTMLButtonElement>(null);
  const typeSelect = useRef<HTMLSelectElement>(null);
  const events = useQuery(
    trpc.admin.events.queryOptions({ limit: 25, type: type || null, actorId: actor?.id ?? null }),
  );
  const narrowTo = (chosen: Actor) => {
    // The row clicked may leave the list: the keyboard goes to the way back, shown at once.
    flushSync(() => setActor(chosen));
    everyone.current?.focus();
  };
  const showEveryone = () => {
    setActor(null);
    typeSelect.current?.focus();
  };
  return (
    <section className="card" aria-labelledby="audit">
      <div className="card-header">
        <h2 id="audit">Recent audit events</h2>
        <label>
          <span className="muted">Type</span>
          <select
            ref={typeSelect}
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
      {actor && (
        <p className="actions" data-testid="audit-actor">
          <span>
            Only what <strong>{actor.name}</strong> did.
          </span>
          <button ref={everyone} type="button" className="secondary" onClick={showEveryone}>
            Show everyone’s
          </button>
        </p>
      )}
      <QueryState
        query={events}
        what="Audit events"
        loading="Loading events…"
        loaded={events.data && shownEvents(events.data.items.length, type, actor)}
      />
      {events.data && events.data.items.length === 0 && <p className="muted">No events.</p>}
      {events.data && events.data.items.length > 0 && (
        <ul className="rows" data-testid="audit-events">
          {events.data.items.map((event) => {
            const by: Actor | null = event.actorId
              ? { id: event.actorId, name: event.actorEmail ?? `admin ${event.actorId}` }
              : null;
            return (
              <li key={event.id} data-testid="audit-event" data-type={event.type}>
                <span>{describeEvent(event.type)}</span>
                <span className="muted">
                  {formatTime(event.createdAt)} ·{" "}
                  {event.userEmail ?? (event.userId ? `user ${event.userId}` : "unknown user")}
                  {by && (
                    <>
                      {" "}
                      · by{" "}
                      {actor ? (
                        by.name
                      ) : (
                        <button
                          type="button"
                          className="link"
                          aria-label={`${by.name}: only what they did`}
                          onClick={() => narrowTo(by)}
                        >
                          {by.name}
                        </button>
                      )}
                    </>
                  )}{" "}
                  · {event.ip ?? "unknown address"} · {describeDevice(event.userAgent)}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
