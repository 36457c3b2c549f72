import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { EventKind, TaskMode } from "../../api/models";
import { profilesQuery } from "../../hooks/queries/profiles";
import { proxyListsQuery } from "../../hooks/queries/proxies";
import { storesQuery } from "../../hooks/queries/stores";
import { kindLabel } from "../../lib/format";
import { errorText } from "../common/States";
import { EMPTY_RULE_FORM, RULE_KINDS, explainKeywords, keywordsMatch, parseKeywords, validateRuleForm, type RuleFormErrors, type RuleFormValues } from "./ruleForm";

export interface RuleFormProps {
  initial?: RuleFormValues;
  submitLabel: string;
  busy?: boolean;
  error?: unknown;
  onSubmit: (values: RuleFormValues) => void;
  onCancel: () => void;
  /** Try the rule as it stands in the form against past events, without saving it. */
  onTry?: (values: RuleFormValues) => void;
}

export function RuleForm({ initial = EMPTY_RULE_FORM, submitLabel, busy, error, onSubmit, onCancel, onTry }: RuleFormProps) {
  const stores = useQuery(storesQuery());
  const profiles = useQuery(profilesQuery());
  const proxies = useQuery(proxyListsQuery());
  const [values, setValues] = useState<RuleFormValues>(initial);
  const [errors, setErrors] = useState<RuleFormErrors>({});
  const [touched, setTouched] = useState(false);
  const [sample, setSample] = useState("");
  const groups = parseKeywords(values.keywords);

  const set = <K extends keyof RuleFormValues>(key: K, value: RuleFormValues[K]) => {
    const next = { ...values, [key]: value };
    setValues(next);
    if (touched) setErrors(validateRuleForm(next));
  };
  const check = (): boolean => {
    const found = validateRuleForm(values);
    setTouched(true);
    setErrors(found);
    return Object.keys(found).length === 0;
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (check()) onSubmit(values);
  };
  const toggleIn = <T,>(list: readonly T[], item: T): T[] => (list.includes(item) ? list.filter((x) => x !== item) : [...list, item]);
  const err = (key: keyof RuleFormValues) => (errors[key] ? <span className="field-error">{errors[key]}</span> : null);
  const text = (key: "name" | "priority" | "keywords" | "sizes" | "maxPrice" | "quantity" | "group", label: string, props: { className?: string; placeholder?: string } = {}) => (
    <label className={`field ${props.className ?? ""}`}>
      {label}
      <input name={key} value={values[key]} placeholder={props.placeholder} aria-invalid={errors[key] ? true : undefined} onChange={(e) => set(key, e.target.value)} />
      {err(key)}
    </label>
  );

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Rule">
      <div className="form-grid">
        {text("name", "Name", { className: "span-2" })}
        {text("priority", "Priority (higher first)")}
        <label className="field">
          State
          <select name="enabled" value={values.enabled ? "on" : "off"} onChange={(e) => set("enabled", e.target.value === "on")}>
            <option value="on">Enabled</option>
            <option value="off">Disabled</option>
          </select>
        </label>
        <div className="span-4 stack" style={{ gap: 4 }}>
          {text("keywords", "Keywords", { placeholder: "+dunk +low -kids, jordan 1" })}
          <div className="keyword-help faint">
            <b>+word</b> (or a bare word) must be in the title, <b>-word</b> must not; commas separate alternatives, any one may match.
            <div data-testid="keyword-explain">Fires on: {explainKeywords(groups)}</div>
            <div className="row" style={{ marginTop: 4 }}>
              <input value={sample} onChange={(e) => setSample(e.target.value)} placeholder="Try a product title…" aria-label="Try a title" style={{ flex: 1 }} />
              {sample.trim() ? (
                keywordsMatch(groups, sample) ? <span className="badge badge-ok">matches</span> : <span className="badge badge-muted">no match</span>
              ) : null}
            </div>
          </div>
        </div>
        {text("sizes", "Sizes", { placeholder: "any (e.g. 9, 9.5, 10)" })}
        {text("maxPrice", "Max price ($)", { placeholder: "no limit" })}
        {text("quantity", "Quantity")}
        <label className="field">
          Mode
          <select name="mode" value={values.mode} onChange={(e) => set("mode", e.target.value as TaskMode)}>
            <option value="assist">Assist</option>
            <option value="browser">Browser</option>
          </select>
        </label>
        <div className="span-4">
          <div className="muted" style={{ fontSize: 12, marginBottom: 4 }}>Fires on</div>
          <div className="checks" role="group" aria-label="Kinds">
            {RULE_KINDS.map((k: EventKind) => (
              <label key={k}>
                <input type="checkbox" checked={values.kinds.includes(k)} onChange={() => set("kinds", toggleIn(values.kinds, k))} />
                {kindLabel(k)}
              </label>
            ))}
          </div>
          {err("kinds")}
        </div>
        <div className="span-4">
          <div className="muted" style={{ fontSize: 12, marginBottom: 4 }}>Stores (none ticked: every store)</div>
          <div className="checks" role="group" aria-label="Stores">
            {stores.data?.map((s) => (
              <label key={s.id}>
                <input type="checkbox" checked={values.storeIds.includes(s.id)} onChange={() => set("storeIds", toggleIn(values.storeIds, s.id))} />
                {s.name || s.url}
              </label>
            ))}
          </div>
        </div>
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
        {text("group", "Task group", { placeholder: "optional" })}
        <div className="checks" style={{ alignSelf: "end", paddingBottom: 6 }}>
          <label>
            <input type="checkbox" name="testMode" checked={values.testMode} onChange={(e) => set("testMode", e.target.checked)} />
            Test mode
          </label>
        </div>
      </div>
      {error ? <div className="error-box" role="alert">{errorText(error)}</div> : null}
      <div className="row">
        {onTry ? (
          <button type="button" onClick={() => check() && onTry(values)}>
            Try on past events
          </button>
        ) : null}
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
