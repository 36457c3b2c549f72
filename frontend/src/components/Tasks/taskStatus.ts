/** Task statuses as the dashboard shows them, and what a person may do with a task in each. */
import type { TaskRead, TaskStatus } from "../../api/models";

export const TASK_STATUSES: readonly TaskStatus[] = [
  "idle",
  "waiting",
  "carting",
  "checking_out",
  "submitted",
  "success",
  "failed",
  "needs_action",
  "cancelled",
];

export const STATUS_LABELS: Record<TaskStatus, string> = {
  idle: "Idle",
  waiting: "Waiting",
  carting: "Carting",
  checking_out: "Checking out",
  submitted: "Submitted",
  success: "Success",
  failed: "Failed",
  needs_action: "Needs action",
  cancelled: "Cancelled",
};

/** Badge tone per status (badge-ok, badge-warn…): running work is info, a person's turn is warn. */
export const STATUS_TONES: Record<TaskStatus, "ok" | "warn" | "bad" | "info" | "muted" | "run"> = {
  idle: "muted",
  waiting: "info",
  carting: "run",
  checking_out: "run",
  submitted: "run",
  success: "ok",
  failed: "bad",
  needs_action: "warn",
  cancelled: "muted",
};

/** Something is working on it: it cannot be edited or deleted now. */
export const RUNNING: ReadonlySet<TaskStatus> = new Set(["carting", "checking_out", "submitted"]);
const STARTABLE: ReadonlySet<TaskStatus> = new Set(["idle", "failed", "needs_action", "cancelled"]);
const STOPPABLE: ReadonlySet<TaskStatus> = new Set(["waiting", "carting", "checking_out", "needs_action"]);

export const canStart = (status: TaskStatus) => STARTABLE.has(status);
export const canStop = (status: TaskStatus) => STOPPABLE.has(status);
export const canEdit = (status: TaskStatus) => !RUNNING.has(status) && status !== "success";
export const canDelete = (status: TaskStatus) => !RUNNING.has(status);

/** How often to re-read the task list: fast while something runs (no socket message per status step). */
export function pollInterval(tasks: readonly Pick<TaskRead, "status">[] | undefined): number {
  if (!tasks) return 5000;
  return tasks.some((t) => RUNNING.has(t.status) || t.status === "waiting") ? 1500 : 5000;
}

/** What the task buys, in a few words: the most specific target field, as the backend resolves it. */
export function describeTarget(target: Partial<Pick<TaskRead, "url" | "handle" | "variant_id" | "sku" | "keywords">>): string {
  if (target.variant_id) return `variant ${target.variant_id}`;
  if (target.handle) return target.handle;
  if (target.sku) return target.sku;
  if (target.url) {
    const m = /\/products\/([^/?#]+)/.exec(target.url);
    return m?.[1] ? decodeURIComponent(m[1]) : target.url;
  }
  if (target.keywords) return `“${target.keywords}”`;
  return "—";
}

export interface TaskFilters {
  status: TaskStatus | "";
  group: string;
  storeId: string;
}

export const NO_TASK_FILTERS: TaskFilters = { status: "", group: "", storeId: "" };

export function matchesFilters(task: TaskRead, f: TaskFilters): boolean {
  return (!f.status || task.status === f.status) && (!f.group || task.group === f.group) && (!f.storeId || task.store_id === f.storeId);
}

/** Selection that forgets ids no longer shown (deleted, or filtered out). */
export function pruneSelection(selected: ReadonlySet<string>, visible: readonly { id: string }[]): Set<string> {
  const ids = new Set(visible.map((t) => t.id));
  return new Set([...selected].filter((id) => ids.has(id)));
}

export function toggle(selected: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(selected);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/** The bulk buttons enable only when at least one selected task allows the action. */
export function bulkAllowed(tasks: readonly TaskRead[], selected: ReadonlySet<string>) {
  const chosen = tasks.filter((t) => selected.has(t.id));
  return {
    start: chosen.some((t) => canStart(t.status)),
    stop: chosen.some((t) => canStop(t.status)),
    delete: chosen.some((t) => canDelete(t.status)),
  };
}
