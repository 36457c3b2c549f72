import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { TaskRead, TaskStatus } from "../../api/models";
import { profilesQuery } from "../../hooks/queries/profiles";
import { storesQuery } from "../../hooks/queries/stores";
import {
  exportTasks,
  taskGroupsQuery,
  tasksQuery,
  useBulkTasks,
  useCreateTask,
  useDeleteTask,
  useGroupAction,
  useImportTasks,
  useStartTask,
  useStopTask,
  useUpdateTask,
  type BulkAction,
  type TaskListParams,
} from "../../hooks/queries/tasks";
import { downloadText } from "../../lib/download";
import { formatPrice, relativeTime } from "../../lib/format";
import { navigate, useLocation } from "../../lib/router";
import { useUiStore } from "../../store/ui";
import { ImportBox } from "../common/ImportBox";
import { Modal } from "../common/Modal";
import { Empty, ErrorMessage, Loading, errorText } from "../common/States";
import { EnableDesktopAlerts } from "./CheckoutBanner";
import { TaskStatusBadge } from "./TaskBadges";
import { TaskDrawer } from "./TaskDrawer";
import { TaskForm } from "./TaskForm";
import { formFromQuery, formFromTask, toTaskCreate, toTaskUpdate } from "./taskForm";
import { NO_TASK_FILTERS, STATUS_LABELS, TASK_STATUSES, bulkAllowed, canDelete, canEdit, canStart, canStop, describeTarget, pruneSelection, toggle, type TaskFilters } from "./taskStatus";

const IMPORT_HINT = "store,url,handle,variant_id,sku,keywords,sizes,quantity,profile,mode,max_price,proxy_list,group,test_mode\nhttps://kith.com,,nike-dunk-low,,,,9;9.5;10,1,Main,assist,180,,drop-1,false";

function toParams(f: TaskFilters): TaskListParams {
  const p: TaskListParams = {};
  if (f.status) p.status = f.status;
  if (f.storeId) p.store_id = f.storeId;
  if (f.group) p.group = f.group;
  return p;
}

interface RowProps {
  task: TaskRead;
  selected: boolean;
  storeName: string;
  profileName: string;
  onSelect: () => void;
  onOpen: () => void;
  onEdit: () => void;
}

function TaskRow({ task, selected, storeName, profileName, onSelect, onOpen, onEdit }: RowProps) {
  const start = useStartTask();
  const stop = useStopTask();
  const remove = useDeleteTask();
  const toast = useUiStore((s) => s.toast);
  const onError = (e: unknown) => toast(errorText(e), "error");
  const del = () => {
    if (window.confirm("Delete this task and its history?")) remove.mutate(task.id, { onError });
  };
  return (
    <tr data-testid="task-row" data-task-id={task.id} className={selected ? "selected" : undefined}>
      <td>
        <input type="checkbox" checked={selected} onChange={onSelect} aria-label={`Select task ${describeTarget(task)}`} />
      </td>
      <td>
        <TaskStatusBadge status={task.status} />
        {task.status_reason ? (
          <div className="faint ellipsis" style={{ fontSize: 12, maxWidth: 220 }} title={task.status_reason}>
            {task.status_reason}
          </div>
        ) : null}
      </td>
      <td style={{ maxWidth: 260 }}>
        <button type="button" className="linklike ellipsis" onClick={onOpen} title="Details">
          {describeTarget(task)}
        </button>
        <div className="faint" style={{ fontSize: 12 }}>
          {storeName}
          {task.group ? <span className="chip" style={{ marginLeft: 6 }}>{task.group}</span> : null}
        </div>
      </td>
      <td className="num">{task.sizes.length ? task.sizes.join(", ") : <span className="faint">any</span>}</td>
      <td className="muted nowrap">
        {task.mode}
        {task.test_mode ? <span className="badge badge-muted" style={{ marginLeft: 4 }}>test</span> : null}
        <div className="faint" style={{ fontSize: 12 }}>{profileName}</div>
      </td>
      <td className="num right">{formatPrice(task.max_price)}</td>
      <td className="num right">{task.attempts}</td>
      <td className="nowrap muted">{relativeTime(task.updated_at)}</td>
      <td className="actions">
        {task.checkout_url ? (
          <a className="button primary small" href={task.checkout_url} target="_blank" rel="noreferrer noopener">
            Open checkout ↗
          </a>
        ) : null}
        {canStart(task.status) ? (
          <button type="button" className="ghost small" onClick={() => start.mutate(task.id, { onError })} disabled={start.isPending}>
            Start
          </button>
        ) : null}
        {canStop(task.status) ? (
          <button type="button" className="ghost small" onClick={() => stop.mutate(task.id, { onError })} disabled={stop.isPending}>
            Stop
          </button>
        ) : null}
        <button type="button" className="ghost small" onClick={onEdit} disabled={!canEdit(task.status)}>
          Edit
        </button>
        <button type="button" className="ghost small danger" onClick={del} disabled={!canDelete(task.status) || remove.isPending}>
          Delete
        </button>
      </td>
    </tr>
  );
}

export function TasksPage({ taskId }: { taskId?: string }) {
  const { search } = useLocation();
  const [filters, setFilters] = useState<TaskFilters>(NO_TASK_FILTERS);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [dialog, setDialog] = useState<TaskRead | "import" | null>(null);
  const tasks = useQuery(tasksQuery(toParams(filters)));
  const stores = useQuery(storesQuery());
  const profiles = useQuery(profilesQuery());
  const groups = useQuery(taskGroupsQuery());
  const create = useCreateTask();
  const update = useUpdateTask();
  const bulk = useBulkTasks();
  const groupAction = useGroupAction();
  const importer = useImportTasks();
  const toast = useUiStore((s) => s.toast);

  const creating = search.get("new") === "1";
  const prefill = useMemo(() => formFromQuery(search), [search]);
  const storeNames = new Map(stores.data?.map((s) => [s.id, s.name || s.url]) ?? []);
  const profileNames = new Map(profiles.data?.map((p) => [p.id, p.name]) ?? []);
  const storeName = (id: string) => storeNames.get(id) ?? id;
  const profileName = (id: string | null) => (id ? (profileNames.get(id) ?? "(deleted profile)") : "no profile");
  const rows = tasks.data ?? [];
  const chosen = pruneSelection(selected, rows);
  const allowed = bulkAllowed(rows, chosen);
  const groupNames = groups.data ?? [];

  const closeDialog = () => {
    setDialog(null);
    update.reset();
  };
  const closeNew = () => {
    create.reset();
    navigate(taskId ? `/tasks/${encodeURIComponent(taskId)}` : "/tasks", { replace: true });
  };

  const runBulk = (action: BulkAction) => {
    const ids = [...chosen];
    if (action === "delete" && !window.confirm(`Delete ${ids.length} task(s)?`)) return;
    bulk.mutate(
      { action, ids },
      {
        onSuccess: (results) => {
          const failed = results.filter((r) => !r.ok);
          if (failed.length === 0) toast(`${action}: ${results.length} task(s)`, "ok");
          else toast(`${action}: ${results.length - failed.length} done, ${failed.length} not: ${failed[0]?.detail ?? failed[0]?.error ?? ""}`, "error");
          if (action === "delete") setSelected(new Set());
        },
        onError: (e) => toast(errorText(e), "error"),
      },
    );
  };

  const runGroup = (action: "start" | "stop") =>
    groupAction.mutate(
      { action, group: filters.group },
      {
        onSuccess: (results) => {
          const done = results.filter((r) => r.ok).length;
          toast(`${action} group ${filters.group}: ${done} of ${results.length} task(s)`, done === results.length ? "ok" : "error");
        },
        onError: (e) => toast(errorText(e), "error"),
      },
    );

  const doExport = () =>
    exportTasks().then(
      (text) => downloadText(text, "phantom-tasks.csv", "text/csv"),
      (e: unknown) => toast(errorText(e), "error"),
    );

  const allSelected = rows.length > 0 && chosen.size === rows.length;
  return (
    <div className={`page${taskId ? " with-drawer" : ""}`}>
      <section className="panel">
        <header className="panel-head">
          <h2>Tasks</h2>
          <div className="row">
            <EnableDesktopAlerts />
            <button type="button" onClick={doExport}>Export</button>
            <button type="button" onClick={() => { importer.reset(); setDialog("import"); }}>Import</button>
            <button type="button" className="primary" onClick={() => navigate("/tasks?new=1")}>
              New task
            </button>
          </div>
        </header>
        <div className="panel-body row-wrap" role="search" aria-label="Task filters">
          <label className="field">
            Status
            <select value={filters.status} onChange={(e) => setFilters({ ...filters, status: e.target.value as TaskStatus | "" })} aria-label="Status">
              <option value="">Any status</option>
              {TASK_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABELS[s]}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            Group
            <select value={filters.group} onChange={(e) => setFilters({ ...filters, group: e.target.value })} aria-label="Group">
              <option value="">All groups</option>
              {groupNames.map((g) => (
                <option key={g} value={g}>
                  {g}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            Store
            <select value={filters.storeId} onChange={(e) => setFilters({ ...filters, storeId: e.target.value })} aria-label="Store">
              <option value="">All stores</option>
              {stores.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name || s.url}
                </option>
              ))}
            </select>
          </label>
          {filters.group ? (
            <div className="row bulk-bar" role="group" aria-label="Group actions">
              <button type="button" className="small" disabled={groupAction.isPending} onClick={() => runGroup("start")}>
                Start group
              </button>
              <button type="button" className="small" disabled={groupAction.isPending} onClick={() => runGroup("stop")}>
                Stop group
              </button>
            </div>
          ) : null}
          <span className="spacer" />
          <div className="row bulk-bar" role="group" aria-label="Bulk actions">
            <span className="muted">{chosen.size} selected</span>
            <button type="button" className="small" disabled={!allowed.start || bulk.isPending} onClick={() => runBulk("start")}>
              Start
            </button>
            <button type="button" className="small" disabled={!allowed.stop || bulk.isPending} onClick={() => runBulk("stop")}>
              Stop
            </button>
            <button type="button" className="small danger" disabled={!allowed.delete || bulk.isPending} onClick={() => runBulk("delete")}>
              Delete
            </button>
          </div>
        </div>
        {tasks.isPending ? (
          <Loading />
        ) : tasks.isError ? (
          <ErrorMessage error={tasks.error} retry={() => void tasks.refetch()} />
        ) : rows.length === 0 ? (
          <Empty>No tasks{filters.status || filters.group || filters.storeId ? " match these filters" : ""}. Create one, or add a rule that creates them from drops.</Empty>
        ) : (
          <div style={{ overflowX: "auto" }}>
            <table className="table">
              <thead>
                <tr>
                  <th>
                    <input
                      type="checkbox"
                      aria-label="Select all tasks"
                      checked={allSelected}
                      onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map((t) => t.id)))}
                    />
                  </th>
                  <th>Status</th>
                  <th>Product</th>
                  <th>Sizes</th>
                  <th>Mode</th>
                  <th className="right">Max</th>
                  <th className="right">Attempts</th>
                  <th>Updated</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {rows.map((t) => (
                  <TaskRow
                    key={t.id}
                    task={t}
                    selected={chosen.has(t.id)}
                    storeName={storeName(t.store_id)}
                    profileName={profileName(t.profile_id)}
                    onSelect={() => setSelected(toggle(chosen, t.id))}
                    onOpen={() => navigate(`/tasks/${encodeURIComponent(t.id)}`)}
                    onEdit={() => setDialog(t)}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {taskId ? <TaskDrawer key={taskId} taskId={taskId} storeName={storeName} profileName={profileName} onClose={() => navigate("/tasks")} /> : null}
      {creating ? (
        <Modal title="New task" onClose={closeNew}>
          <TaskForm
            initial={prefill}
            submitLabel="Create task"
            groups={groupNames}
            busy={create.isPending}
            error={create.error}
            onCancel={closeNew}
            onSubmit={(values) =>
              create.mutate(
                { body: toTaskCreate(values), start: values.start },
                {
                  onSuccess: (task) => {
                    toast(values.start ? "Task started" : "Task created", "ok");
                    create.reset();
                    navigate(`/tasks/${encodeURIComponent(task.id)}`, { replace: true });
                  },
                },
              )
            }
          />
        </Modal>
      ) : dialog === "import" ? (
        <Modal title="Import tasks (CSV)" onClose={closeDialog}>
          <ImportBox
            what="tasks"
            accept=".csv"
            placeholder={IMPORT_HINT}
            busy={importer.isPending}
            error={importer.error}
            done={importer.data ? `Imported ${importer.data.length} task(s)` : null}
            onImport={(content) => importer.mutate(content)}
          />
        </Modal>
      ) : dialog ? (
        <Modal title="Edit task" onClose={closeDialog}>
          <TaskForm
            initial={formFromTask(dialog)}
            editing
            submitLabel="Save"
            groups={groupNames}
            busy={update.isPending}
            error={update.error}
            onCancel={closeDialog}
            onSubmit={(values) => {
              const changes = toTaskUpdate(values, dialog);
              if (Object.keys(changes).length === 0) return closeDialog();
              update.mutate({ id: dialog.id, changes }, { onSuccess: () => closeDialog() });
            }}
          />
        </Modal>
      ) : null}
    </div>
  );
}
