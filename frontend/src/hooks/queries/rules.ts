/** Rules (event -> task): key factory, queries, mutations, and the backtest against stored events. */
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ensureOk, unwrap } from "../../api/client";
import type { RuleCreate, RuleRead, RuleUpdate } from "../../api/models";

export const ruleKeys = {
  all: ["rules"] as const,
  list: () => [...ruleKeys.all, "list"] as const,
};

export const rulesQuery = () =>
  queryOptions({
    queryKey: ruleKeys.list(),
    queryFn: ({ signal }) => unwrap(api.GET("/api/rules", { signal })),
  });

function upsert(list: RuleRead[] | undefined, rule: RuleRead): RuleRead[] | undefined {
  if (!list) return list;
  return list.some((r) => r.id === rule.id) ? list.map((r) => (r.id === rule.id ? rule : r)) : [...list, rule];
}

export function useCreateRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RuleCreate) => unwrap(api.POST("/api/rules", { body })),
    onSuccess: (rule) => {
      queryClient.setQueryData(ruleKeys.list(), (l: RuleRead[] | undefined) => upsert(l, rule));
      void queryClient.invalidateQueries({ queryKey: ruleKeys.list() });
    },
  });
}

export function useUpdateRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, changes }: { id: string; changes: RuleUpdate }) =>
      unwrap(api.PATCH("/api/rules/{rule_id}", { params: { path: { rule_id: id } }, body: changes })),
    onSuccess: (rule) => {
      queryClient.setQueryData(ruleKeys.list(), (l: RuleRead[] | undefined) => upsert(l, rule));
    },
  });
}

export function useDeleteRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => ensureOk(api.DELETE("/api/rules/{rule_id}", { params: { path: { rule_id: id } } })),
    onSuccess: (_void, id) => {
      queryClient.setQueryData(ruleKeys.list(), (l: RuleRead[] | undefined) => l?.filter((r) => r.id !== id));
    },
  });
}

export interface BacktestWindow {
  /** ISO timestamps; null: no bound. */
  since: string | null;
  until: string | null;
  limit?: number;
}

/** The events a rule would have fired on: a saved rule by id, or an unsaved spec straight from the form. */
export function useBacktest() {
  return useMutation({
    mutationFn: ({ ruleId, spec, window }: { ruleId?: string; spec?: RuleCreate; window: BacktestWindow }) => {
      const range = { since: window.since ?? undefined, until: window.until ?? undefined, limit: window.limit ?? 500 };
      return ruleId
        ? unwrap(api.POST("/api/rules/{rule_id}/backtest", { params: { path: { rule_id: ruleId } }, body: range }))
        : unwrap(api.POST("/api/rules/backtest", { body: { rule: spec as RuleCreate, ...range } }));
    },
  });
}
