import { useState, type FormEvent } from "react";
import type { Platform } from "../../api/models";
import { errorText } from "../common/States";
import { EMPTY_STORE_FORM, validateStoreForm, type StoreFormErrors, type StoreFormValues } from "./validate";

export interface StoreFormProps {
  initial?: StoreFormValues;
  submitLabel: string;
  busy?: boolean;
  error?: unknown;
  /** Editing cannot change the platform (the backend keeps it). */
  platformLocked?: boolean;
  onSubmit: (values: StoreFormValues) => void;
  onCancel: () => void;
}

export function StoreForm({ initial = EMPTY_STORE_FORM, submitLabel, busy, error, platformLocked, onSubmit, onCancel }: StoreFormProps) {
  const [values, setValues] = useState<StoreFormValues>(initial);
  const [errors, setErrors] = useState<StoreFormErrors>({});
  const [touched, setTouched] = useState(false);

  const set = <K extends keyof StoreFormValues>(key: K, value: StoreFormValues[K]) => {
    const next = { ...values, [key]: value };
    setValues(next);
    if (touched) setErrors(validateStoreForm(next));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = validateStoreForm(values);
    setTouched(true);
    setErrors(found);
    if (Object.keys(found).length === 0) onSubmit(values);
  };

  const field = (key: keyof StoreFormValues, label: string, props: { placeholder?: string; className?: string; inputMode?: "decimal" | "numeric" } = {}) => (
    <label className={`field ${props.className ?? ""}`}>
      {label}
      <input
        name={key}
        value={String(values[key])}
        placeholder={props.placeholder}
        inputMode={props.inputMode}
        aria-invalid={errors[key] ? true : undefined}
        onChange={(e) => set(key, e.target.value as never)}
      />
      {errors[key] ? <span className="field-error">{errors[key]}</span> : null}
    </label>
  );

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Store">
      <div className="form-grid">
        {field("url", "Store URL", { placeholder: "https://kith.com", className: "span-2" })}
        <label className="field">
          Platform
          <select name="platform" value={values.platform} disabled={platformLocked} onChange={(e) => set("platform", e.target.value as Platform)}>
            <option value="shopify">Shopify</option>
            <option value="footsites">Footsites</option>
          </select>
        </label>
        {field("name", "Name", { placeholder: "optional" })}
        {field("interval", "Interval (s)", { inputMode: "decimal" })}
        {field("maxPages", "Max pages", { inputMode: "numeric" })}
        {field("watchInterval", "Watch interval (s)", { inputMode: "decimal", placeholder: "same as interval" })}
        <label className="field">
          State
          <select name="enabled" value={values.enabled ? "on" : "off"} onChange={(e) => set("enabled", e.target.value === "on")}>
            <option value="on">Watching</option>
            <option value="off">Paused</option>
          </select>
        </label>
        {values.platform === "footsites"
          ? field("skus", "SKUs to watch (comma-separated)", { className: "span-4", placeholder: "DD1391-100, FQ8080-133" })
          : field("watchHandles", "Product handles to watch fast (comma-separated)", { className: "span-4", placeholder: "nike-dunk-low-retro" })}
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
