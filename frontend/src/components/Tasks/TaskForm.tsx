import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { TaskMode } from "../../api/models";
import { profilesQuery } from "../../hooks/queries/profiles";
import { proxyListsQuery } from "../../hooks/queries/proxies";
import { storesQuery } from "../../hooks/queries/stores";
import { errorText } from "../common/States";
import { EMPTY_TASK_FORM, parseProductRef, validateTaskForm, type TaskFormErrors, type TaskFormValues } from "./taskForm";

export interface TaskFormProps {
  initial?: TaskFormValues;
  editing?: boolean;
  submitLabel: string;
  busy?: boolean;
  error?: unknown;
  groups?: readonly string[];
  onSubmit: (values: TaskFormValues) => void;
  onCancel: () => void;
}

function targetHint(product: string): string {
  const t = parseProductRef(product);
  if (!t) return "URL, handle, variant id or SKU";
  const [key, value] = Object.entries(t)[0] ?? ["", ""];
  return `read as ${key.replace("_", " ")}: ${value}`;
}

export function TaskForm({ initial = EMPTY_TASK_FORM, editing, submitLabel, busy, error, groups = [], onSubmit, onCancel }: TaskFormProps) {
  const stores = useQuery(storesQuery());
  const profiles = useQuery(profilesQuery());
  const proxies = useQuery(proxyListsQuery());
  const [values, setValues] = useState<TaskFormValues>(initial);
  const [errors, setErrors] = useState<TaskFormErrors>({});
  const [touched, setTouched] = useState(false);

  const set = <K extends keyof TaskFormValues>(key: K, value: TaskFormValues[K]) => {
    const next = { ...values, [key]: value };
    setValues(next);
    if (touched) setErrors(validateTaskForm(next));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = validateTaskForm(values);
    setTouched(true);
    setErrors(found);
    if (Object.keys(found).length === 0) onSubmit(values);
  };

  const err = (key: keyof TaskFormValues) => (errors[key] ? <span className="field-error">{errors[key]}</span> : null);
  const text = (key: "product" | "keywords" | "sizes" | "quantity" | "maxPrice", label: string, props: { placeholder?: string; className?: string; hint?: string } = {}) => (
    <label className={`field ${props.className ?? ""}`}>
      {label}
      <input
        name={key}
        value={values[key]}
        placeholder={props.placeholder}
        aria-invalid={errors[key] ? true : undefined}
        onChange={(e) => set(key, e.target.value)}
      />
      {err(key) ?? (props.hint ? <span className="faint" style={{ fontSize: 11 }}>{props.hint}</span> : null)}
    </label>
  );

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Task">
      <div className="form-grid">
        <label className="field span-2">
          Store
          <select name="storeId" value={values.storeId} aria-invalid={errors.storeId ? true : undefined} onChange={(e) => set("storeId", e.target.value)}>
            <option value="">Pick a store…</option>
            {stores.data?.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name || s.url}
              </option>
            ))}
          </select>
          {err("storeId")}
        </label>
        <label className="field">
          Mode
          <select name="mode" value={values.mode} onChange={(e) => set("mode", e.target.value as TaskMode)}>
            <option value="assist">Assist (prefilled link)</option>
            <option value="browser">Browser (drives the checkout)</option>
          </select>
        </label>
        <label className="field">
          Profile
          <select name="profileId" value={values.profileId} aria-invalid={errors.profileId ? true : undefined} onChange={(e) => set("profileId", e.target.value)}>
            <option value="">None</option>
            {profiles.data?.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          {err("profileId")}
        </label>
        {text("product", "Product", { className: "span-2", placeholder: "https://kith.com/products/… or handle, variant id, SKU", hint: targetHint(values.product) })}
        {text("keywords", "Keywords", { className: "span-2", placeholder: "+dunk +low -kids", hint: "+word must appear, -word must not; commas separate alternatives" })}
        {text("sizes", "Sizes", { placeholder: "any", hint: "comma-separated, first choice first; empty = any" })}
        {text("quantity", "Quantity")}
        {text("maxPrice", "Max price ($)", { placeholder: "no limit" })}
        <label className="field">
          Proxy list
          <select name="proxyListId" value={values.proxyListId} onChange={(e) => set("proxyListId", e.target.value)}>
            <option value="">Direct</option>
            {proxies.data?.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field span-2">
          Group
          <input name="group" list="task-groups" value={values.group} placeholder="optional" onChange={(e) => set("group", e.target.value)} />
          <datalist id="task-groups">
            {groups.map((g) => (
              <option key={g} value={g} />
            ))}
          </datalist>
        </label>
        <div className="checks span-2" style={{ alignSelf: "end", paddingBottom: 6 }}>
          <label>
            <input type="checkbox" name="testMode" checked={values.testMode} onChange={(e) => set("testMode", e.target.checked)} />
            Test mode (never submits the order)
          </label>
          {editing ? null : (
            <label>
              <input type="checkbox" name="start" checked={values.start} onChange={(e) => set("start", e.target.checked)} />
              Start now
            </label>
          )}
        </div>
      </div>
      {error ? <div className="error-box" role="alert">{errorText(error)}</div> : null}
      <div className="row">
        <span className="spacer" />
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}
