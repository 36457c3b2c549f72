import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { RuleCreate, RuleRead } from "../../api/models";
import { profilesQuery } from "../../hooks/queries/profiles";
import { rulesQuery, useCreateRule, useDeleteRule, useUpdateRule } from "../../hooks/queries/rules";
import { storesQuery } from "../../hooks/queries/stores";
import { formatPrice, kindLabel } from "../../lib/format";
import { useUiStore } from "../../store/ui";
import { Modal } from "../common/Modal";
import { Empty, ErrorMessage, Loading, errorText } from "../common/States";
import { BacktestPanel } from "./BacktestPanel";
import { RuleForm } from "./RuleForm";
import { byPriority, formFromRule, toRuleCreate, toRuleUpdate } from "./ruleForm";

type Backtest = { title: string; ruleId?: string; spec?: RuleCreate };

function RuleRow({ rule, storeNames, profileName, onEdit, onBacktest }: { rule: RuleRead; storeNames: Map<string, string>; profileName: string; onEdit: () => void; onBacktest: () => void }) {
  const update = useUpdateRule();
  const remove = useDeleteRule();
  const toast = useUiStore((s) => s.toast);
  const onError = (e: unknown) => toast(errorText(e), "error");
  return (
    <tr data-testid="rule-row" className={rule.enabled ? undefined : "disabled"}>
      <td className="num">{rule.priority}</td>
      <td>
        <label className="row">
          <input
            type="checkbox"
            checked={rule.enabled}
            aria-label={`${rule.name} enabled`}
            disabled={update.isPending}
            onChange={() => update.mutate({ id: rule.id, changes: { enabled: !rule.enabled } }, { onError })}
          />
          <b>{rule.name}</b>
        </label>
      </td>
      <td className="mono ellipsis" style={{ maxWidth: 220 }} title={rule.keywords}>{rule.keywords || <span className="faint">any title</span>}</td>
      <td className="muted ellipsis" style={{ maxWidth: 160 }}>
        {rule.store_ids.length ? rule.store_ids.map((id) => storeNames.get(id) ?? id).join(", ") : "every store"}
      </td>
      <td className="num">{rule.sizes.length ? rule.sizes.join(", ") : <span className="faint">any</span>}</td>
      <td className="num">{formatPrice(rule.max_price)}</td>
      <td className="muted" style={{ fontSize: 12 }}>{rule.events.map(kindLabel).join(", ")}</td>
      <td className="muted">
        {rule.mode} ×{rule.quantity}
        {rule.test_mode ? <span className="badge badge-muted" style={{ marginLeft: 4 }}>test</span> : null}
        <div className="faint" style={{ fontSize: 12 }}>{profileName}</div>
      </td>
      <td className="actions">
        <button type="button" className="ghost small" onClick={onBacktest}>
          Backtest
        </button>
        <button type="button" className="ghost small" onClick={onEdit}>
          Edit
        </button>
        <button
          type="button"
          className="ghost small danger"
          disabled={remove.isPending}
          onClick={() => window.confirm(`Delete rule ${rule.name}?`) && remove.mutate(rule.id, { onError })}
        >
          Delete
        </button>
      </td>
    </tr>
  );
}

export function RulesPage() {
  const rules = useQuery(rulesQuery());
  const stores = useQuery(storesQuery());
  const profiles = useQuery(profilesQuery());
  const create = useCreateRule();
  const update = useUpdateRule();
  const toast = useUiStore((s) => s.toast);
  const [editing, setEditing] = useState<RuleRead | "new" | null>(null);
  const [backtest, setBacktest] = useState<Backtest | null>(null);
  // "Try on past events" from the open form: results show under the form, which keeps what was typed.
  const [trial, setTrial] = useState<Backtest | null>(null);
  const storeNames = new Map(stores.data?.map((s) => [s.id, s.name || s.url]) ?? []);
  const profileNames = new Map(profiles.data?.map((p) => [p.id, p.name]) ?? []);

  const close = () => {
    setEditing(null);
    setTrial(null);
    create.reset();
    update.reset();
  };

  return (
    <div className="page">
      <section className="panel">
        <header className="panel-head">
          <h2>Rules</h2>
          <span className="faint">the first enabled rule (highest priority) that matches an event creates one task</span>
          <button type="button" className="primary" onClick={() => setEditing("new")}>
            New rule
          </button>
        </header>
        {rules.isPending ? (
          <Loading />
        ) : rules.isError ? (
          <ErrorMessage error={rules.error} retry={() => void rules.refetch()} />
        ) : rules.data.length === 0 ? (
          <Empty>No rules. A rule turns matching drops and restocks into checkout tasks.</Empty>
        ) : (
          <div style={{ overflowX: "auto" }}>
            <table className="table">
              <thead>
                <tr>
                  <th>Prio</th>
                  <th>Rule</th>
                  <th>Keywords</th>
                  <th>Stores</th>
                  <th>Sizes</th>
                  <th>Max</th>
                  <th>Fires on</th>
                  <th>Task</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {byPriority(rules.data).map((r) => (
                  <RuleRow
                    key={r.id}
                    rule={r}
                    storeNames={storeNames}
                    profileName={r.profile_id ? (profileNames.get(r.profile_id) ?? "(deleted profile)") : "no profile"}
                    onEdit={() => setEditing(r)}
                    onBacktest={() => setBacktest({ title: r.name, ruleId: r.id })}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {backtest ? <BacktestPanel key={backtest.ruleId ?? JSON.stringify(backtest.spec)} {...backtest} onClose={() => setBacktest(null)} /> : null}
      {editing ? (
        <Modal title={editing === "new" ? "New rule" : `Edit ${editing.name}`} onClose={close}>
          <RuleForm
            {...(editing === "new" ? {} : { initial: formFromRule(editing) })}
            submitLabel={editing === "new" ? "Create rule" : "Save"}
            busy={create.isPending || update.isPending}
            error={create.error ?? update.error}
            onCancel={close}
            onTry={(values) => setTrial({ title: `${values.name || "unsaved rule"} (as typed)`, spec: toRuleCreate(values) })}
            onSubmit={(values) => {
              if (editing === "new") {
                create.mutate(toRuleCreate(values), {
                  onSuccess: (r) => {
                    toast(`Created rule ${r.name}`, "ok");
                    close();
                  },
                });
              } else {
                const changes = toRuleUpdate(values, editing);
                if (Object.keys(changes).length === 0) return close();
                update.mutate({ id: editing.id, changes }, { onSuccess: () => close() });
              }
            }}
          />
          {trial ? <BacktestPanel key={JSON.stringify(trial.spec)} {...trial} onClose={() => setTrial(null)} /> : null}
        </Modal>
      ) : null}
    </div>
  );
}
