import { useState, type FormEvent } from "react";
import { errorText } from "../common/States";
import { badLines, proxyLines } from "./proxyText";

export interface ProxyListFormValues {
  name: string;
  /** Empty on edit: the stored proxies (their passwords are never sent back) stay unless replaced. */
  proxies: string;
}

export interface ProxyListFormProps {
  initial?: ProxyListFormValues;
  editing?: boolean;
  submitLabel: string;
  busy?: boolean;
  error?: unknown;
  onSubmit: (values: ProxyListFormValues) => void;
  onCancel: () => void;
}

export function ProxyListForm({ initial = { name: "", proxies: "" }, editing, submitLabel, busy, error, onSubmit, onCancel }: ProxyListFormProps) {
  const [values, setValues] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const count = proxyLines(values.proxies).length;
  const bad = badLines(values.proxies);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!values.name.trim()) return setProblem("Name is required");
    if (!editing && count === 0) return setProblem("Paste at least one proxy");
    if (bad.length > 0) return setProblem(`Line ${bad[0]?.line}: ${bad[0]?.reason}`);
    setProblem(null);
    onSubmit(values);
  };

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Proxy list">
      <label className="field">
        Name
        <input name="name" value={values.name} onChange={(e) => setValues({ ...values, name: e.target.value })} />
      </label>
      <label className="field">
        {editing ? "Replace the proxies (leave empty to keep them)" : "Proxies, one a line"}
        <textarea
          name="proxies"
          rows={8}
          className="mono"
          value={values.proxies}
          placeholder={"http://user:pass@10.0.0.1:8080\n10.0.0.2:3128\n10.0.0.3:3128:user:pass\nsocks5://10.0.0.4:1080"}
          onChange={(e) => setValues({ ...values, proxies: e.target.value })}
        />
        <span className="faint">
          {count} prox{count === 1 ? "y" : "ies"} · formats: scheme://user:pass@host:port, host:port, host:port:user:pass (http, https, socks5)
        </span>
      </label>
      {problem ? <div className="error-box" role="alert">{problem}</div> : null}
      {error && !problem ? <div className="error-box" role="alert">{errorText(error)}</div> : null}
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
