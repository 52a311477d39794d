// One session as the dashboard and the admin page list it: the device, then where and when, and
// its short reference, so two sessions from one device, address and minute can be told apart.
import type { ReactNode } from "react";
import { describeDevice, formatTime, formatTimeToSecond, sessionRef } from "./format";

export interface SessionFacts {
  id: string;
  userAgent: string | null;
  ip: string | null;
  lastUsedAt: string;
  createdAt: string;
}

export function SessionSummary({ session, badge }: { session: SessionFacts; badge?: ReactNode }) {
  return (
    <div>
      <div>
        {describeDevice(session.userAgent)}
        {badge}
      </div>
      <div className="muted">
        {session.ip ?? "unknown address"} · last used {formatTime(session.lastUsedAt)} · signed in{" "}
        {formatTimeToSecond(session.createdAt)} · ID{" "}
        <span data-testid="session-ref">{sessionRef(session.id)}</span>
      </div>
    </div>
  );
}
