/** Checkout tasks: key factory, list/detail queries, mutations (single and bulk), CSV import/export, quick task. */
import { queryOptions, useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, ensureOk, unwrap } from "../../api/client";
import type { QuickTask, TaskCreate, TaskRead, TaskStatus, TaskUpdate } from "../../api/models";
import { unwrapImport } from "../../lib/importReport";

export interface TaskListParams {
  status?: TaskStatus;
  store_id?: string;
  group?: string;
}

export const taskKeys = {
  all: ["tasks"] as const,
  lists: () => [...taskKeys.all, "list"] as const,
  list: (params: TaskListParams) => [...taskKeys.lists(), params] as const,
  details: () => [...taskKeys.all, "detail"] as const,
  detail: (id: string) => [...taskKeys.details(), id] as const,
  groups: () => [...taskKeys.all, "groups"] as const,
};

const RUNNING = new Set<TaskStatus>(["carting", "checking_out", "submitted", "waiting"]);

export const tasksQuery = (params: TaskListParams = {}) =>
  queryOptions({
    queryKey: taskKeys.list(params),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/tasks", {
          params: { query: { status: params.status ? [params.status] : undefined, store_id: params.store_id || undefined, group: params.group || undefined } },
          signal,
        }),
      ),
    // Status changes arrive on the socket (`task` messages); this refetch only catches what the socket
    // cannot say (tasks created or edited elsewhere, a dropped connection).
    refetchInterval: (query) => ((query.state.data as TaskRead[] | undefined)?.some((t) => RUNNING.has(t.status)) ? 5000 : 15_000),
  });

export const taskQuery = (id: string) =>
  queryOptions({
    queryKey: taskKeys.detail(id),
    queryFn: ({ signal }) => unwrap(api.GET("/api/tasks/{task_id}", { params: { path: { task_id: id } }, signal })),
    refetchInterval: (query) => (RUNNING.has((query.state.data as TaskRead | undefined)?.status ?? "idle") ? 5000 : 15_000),
  });

export const taskGroupsQuery = () =>
  queryOptions({
    queryKey: taskKeys.groups(),
    queryFn: ({ signal }) => unwrap(api.GET("/api/tasks/groups", { signal })),
  });

/** Put a changed task into every cached list and its detail, then let the lists refetch (filters may drop it). */
export function putTask(queryClient: QueryClient, task: TaskRead): void {
  for (const [key] of queryClient.getQueriesData<TaskRead[]>({ queryKey: taskKeys.lists() })) {
    queryClient.setQueryData<TaskRead[]>(key, (list) => list?.map((t) => (t.id === task.id ? { ...t, ...task } : t)));
  }
  queryClient.setQueryData(taskKeys.detail(task.id), (old: TaskRead | undefined) => (old ? { ...old, ...task } : old));
  void queryClient.invalidateQueries({ queryKey: taskKeys.lists() });
  void queryClient.invalidateQueries({ queryKey: taskKeys.detail(task.id) });
}

function invalidateAll(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: taskKeys.lists() });
  void queryClient.invalidateQueries({ queryKey: taskKeys.groups() });
}

export function useCreateTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ body, start }: { body: TaskCreate; start: boolean }) => {
      const task = await unwrap(api.POST("/api/tasks", { body }));
      return start ? unwrap(api.POST("/api/tasks/{task_id}/start", { params: { path: { task_id: task.id } } })) : task;
    },
    onSettled: () => invalidateAll(queryClient),
  });
}

export function useUpdateTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, changes }: { id: string; changes: TaskUpdate }) =>
      unwrap(api.PATCH("/api/tasks/{task_id}", { params: { path: { task_id: id } }, body: changes })),
    onSuccess: (task) => {
      putTask(queryClient, task);
      void queryClient.invalidateQueries({ queryKey: taskKeys.groups() });
    },
  });
}

export function useDeleteTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => ensureOk(api.DELETE("/api/tasks/{task_id}", { params: { path: { task_id: id } } })),
    onSuccess: (_void, id) => {
      queryClient.removeQueries({ queryKey: taskKeys.detail(id) });
      invalidateAll(queryClient);
    },
  });
}

export function useStartTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST("/api/tasks/{task_id}/start", { params: { path: { task_id: id } } })),
    onSuccess: (task) => putTask(queryClient, task),
  });
}

export function useStopTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST("/api/tasks/{task_id}/stop", { params: { path: { task_id: id } } })),
    onSuccess: (task) => putTask(queryClient, task),
  });
}

export type BulkAction = "start" | "stop" | "delete"; // "edit" exists too; the screen does not use it

/** Per-task results: one bad task does not stop the others. */
export function useBulkTasks() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, ids }: { action: BulkAction; ids: string[] }) =>
      unwrap(api.POST("/api/tasks/bulk", { body: { action, ids } })),
    onSettled: (_data, _error, { action, ids }) => {
      if (action === "delete") for (const id of ids) queryClient.removeQueries({ queryKey: taskKeys.detail(id) });
      else for (const id of ids) void queryClient.invalidateQueries({ queryKey: taskKeys.detail(id) });
      invalidateAll(queryClient);
    },
  });
}

/** Start or stop every task of a group; a result per task. */
export function useGroupAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, group }: { action: "start" | "stop"; group: string }) =>
      action === "start"
        ? unwrap(api.POST("/api/tasks/groups/start", { body: { group } }))
        : unwrap(api.POST("/api/tasks/groups/stop", { body: { group } })),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: taskKeys.details() });
      invalidateAll(queryClient);
    },
  });
}

/** All or nothing: a bad file throws ImportRejected with every problem by row. */
export function useImportTasks() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (content: string) => unwrapImport(api.POST("/api/tasks/import", { body: { content } })),
    onSuccess: () => invalidateAll(queryClient),
  });
}

export function exportTasks(): Promise<string> {
  return unwrap(api.GET("/api/tasks/export", { parseAs: "text" }));
}

export type QuickTaskRequest = QuickTask;

/** POST /api/quicktask: create and start in one call (201 + the task). */
export function useQuickTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: QuickTaskRequest) => unwrap(api.POST("/api/quicktask", { body })),
    onSuccess: () => invalidateAll(queryClient),
  });
}
