import type { AttemptStatus, TaskStatus } from "../../api/models";
import { STATUS_LABELS, STATUS_TONES } from "./taskStatus";

export function TaskStatusBadge({ status }: { status: TaskStatus }) {
  const tone = STATUS_TONES[status];
  return (
    <span className={`badge badge-${tone}`} data-status={status}>
      {tone === "run" ? <span className="spinner tiny" aria-hidden="true" /> : null}
      {STATUS_LABELS[status]}
    </span>
  );
}

const ATTEMPT_TONES: Record<AttemptStatus, string> = {
  started: "run",
  submitting: "run",
  link_ready: "info",
  test_passed: "ok",
  succeeded: "ok",
  needs_action: "warn",
  out_of_stock: "muted",
  failed: "bad",
  unknown: "warn",
};

export function AttemptStatusBadge({ status }: { status: AttemptStatus }) {
  return <span className={`badge badge-${ATTEMPT_TONES[status] ?? "muted"}`}>{status.replace(/_/g, " ")}</span>;
}
