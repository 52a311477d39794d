// One session as the dashboard and the admin page list it: the device, then where and when.
import type { ReactNode } from "react";
import { describeDevice, formatTime } from "./format";

export interface SessionFacts {
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
        {formatTime(session.createdAt)}
      </div>
    </div>
  );
}
