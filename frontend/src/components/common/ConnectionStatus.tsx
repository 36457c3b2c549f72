import { useEffect, useState } from "react";
import { useLiveStore, type SocketStatus } from "../../store/live";

const LABELS: Record<SocketStatus, string> = {
  idle: "Offline",
  connecting: "Connecting…",
  open: "Live",
  reconnecting: "Reconnecting",
  closed: "Disconnected",
};

/** The live feed's state, always visible: green when live, amber with a countdown while reconnecting. */
export function ConnectionStatus({ onRetry }: { onRetry?: () => void }) {
  const status = useLiveStore((s) => s.status);
  const retryAt = useLiveStore((s) => s.retryAt);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (retryAt === null) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [retryAt]);

  const wait = retryAt !== null ? Math.max(0, Math.ceil((retryAt - now) / 1000)) : null;
  return (
    <span className={`conn conn-${status}`} role="status" aria-label={`Live feed: ${LABELS[status]}`}>
      <span className="dot" />
      <span>
        {LABELS[status]}
        {status === "reconnecting" && wait !== null ? ` in ${wait}s` : ""}
      </span>
      {status === "reconnecting" && onRetry ? (
        <button type="button" className="ghost small" onClick={onRetry}>
          Retry now
        </button>
      ) : null}
    </span>
  );
}
