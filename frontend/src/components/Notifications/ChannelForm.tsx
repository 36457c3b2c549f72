import { useState, type FormEvent } from "react";
import { EVENT_KINDS, type ChannelKind, type EventKind, type StoreRead } from "../../api/models";
import { kindLabel, parseList, parsePriceToCents } from "../../lib/format";
import { errorText } from "../common/States";
import { EmbedPreview } from "./EmbedPreview";
import { EMPTY_CHANNEL_FORM, validateChannelForm, type ChannelFormErrors, type ChannelFormValues } from "./channelForm";
import { buildEmbed, sampleEvent } from "./embed";
import { whyFiltered } from "./routing";

export interface ChannelFormProps {
  initial?: ChannelFormValues;
  editing?: boolean;
  stores: readonly StoreRead[];
  busy?: boolean;
  error?: unknown;
  submitLabel: string;
  onSubmit: (values: ChannelFormValues) => void;
  onCancel: () => void;
}

const PREVIEW_KINDS: EventKind[] = ["restock", "new_product", "price_change", "sold_out", "password_down"];

export function ChannelForm({ initial = EMPTY_CHANNEL_FORM, editing = false, stores, busy, error, submitLabel, onSubmit, onCancel }: ChannelFormProps) {
  const [v, setV] = useState<ChannelFormValues>(initial);
  const [errors, setErrors] = useState<ChannelFormErrors>({});
  const [touched, setTouched] = useState(false);
  const [previewKind, setPreviewKind] = useState<EventKind>("restock");

  const set = <K extends keyof ChannelFormValues>(key: K, value: ChannelFormValues[K]) => {
    const next = { ...v, [key]: value };
    setV(next);
    if (touched) setErrors(validateChannelForm(next, editing));
  };
  const toggle = <T,>(list: T[], item: T) => (list.includes(item) ? list.filter((x) => x !== item) : [...list, item]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = validateChannelForm(v, editing);
    setTouched(true);
    setErrors(found);
    if (Object.keys(found).length === 0) onSubmit(v);
  };

  const sample = sampleEvent(previewKind);
  const filtered = whyFiltered(
    { events: v.events, keywords: v.keywords, sizes: parseList(v.sizes), maxPrice: parsePriceToCents(v.maxPrice) },
    sample,
  );

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Channel">
      <div className="form-grid">
        <label className="field">
          Kind
          <select name="kind" value={v.kind} disabled={editing} onChange={(e) => set("kind", e.target.value as ChannelKind)}>
            <option value="discord">Discord webhook</option>
            <option value="apprise">Apprise URL</option>
          </select>
        </label>
        <label className="field">
          Name
          <input name="name" value={v.name} onChange={(e) => set("name", e.target.value)} placeholder="#drops" />
        </label>
        <label className="field span-2">
          {v.kind === "discord" ? "Webhook URL" : "Apprise URL"}
          <input
            name="url"
            type="password"
            autoComplete="off"
            value={v.url}
            aria-invalid={errors.url ? true : undefined}
            onChange={(e) => set("url", e.target.value)}
            placeholder={editing ? "unchanged (stored securely)" : v.kind === "discord" ? "https://discord.com/api/webhooks/…" : "tgram://bottoken/chatid"}
          />
          {errors.url ? <span className="field-error">{errors.url}</span> : null}
        </label>
        <div className="field span-4">
          Events
          <div className="checks" role="group" aria-label="Events">
            {EVENT_KINDS.map((k) => (
              <label key={k}>
                <input type="checkbox" checked={v.events.includes(k)} onChange={() => set("events", toggle(v.events, k))} />
                {kindLabel(k)}
              </label>
            ))}
          </div>
          {errors.events ? <span className="field-error">{errors.events}</span> : null}
        </div>
        <label className="field span-2">
          Keywords
          <input name="keywords" value={v.keywords} onChange={(e) => set("keywords", e.target.value)} placeholder="+dunk -kids, jordan 1" />
        </label>
        <label className="field">
          Sizes
          <input name="sizes" value={v.sizes} onChange={(e) => set("sizes", e.target.value)} placeholder="9, 9.5, 10 (any)" />
        </label>
        <label className="field">
          Max price ($)
          <input name="maxPrice" value={v.maxPrice} inputMode="decimal" aria-invalid={errors.maxPrice ? true : undefined} onChange={(e) => set("maxPrice", e.target.value)} placeholder="any" />
          {errors.maxPrice ? <span className="field-error">{errors.maxPrice}</span> : null}
        </label>
        {stores.length > 0 ? (
          <div className="field span-4">
            Stores (none ticked = every store)
            <div className="checks" role="group" aria-label="Stores">
              {stores.map((s) => (
                <label key={s.id}>
                  <input type="checkbox" checked={v.storeIds.includes(s.id)} onChange={() => set("storeIds", toggle(v.storeIds, s.id))} />
                  {s.name || s.url}
                </label>
              ))}
            </div>
          </div>
        ) : null}
      </div>
      <section className="stack" aria-label="Preview">
        <div className="row">
          <h2>Preview</h2>
          <span className="spacer" />
          <div className="tabs" role="tablist" aria-label="Sample event">
            {PREVIEW_KINDS.map((k) => (
              <button key={k} type="button" role="tab" aria-selected={previewKind === k} className={`tab small${previewKind === k ? " active" : ""}`} onClick={() => setPreviewKind(k)}>
                {kindLabel(k)}
              </button>
            ))}
          </div>
        </div>
        <div className={`badge ${filtered ? "badge-warn" : "badge-ok"}`} style={{ alignSelf: "flex-start" }} data-testid="route-verdict">
          {filtered ? `Not sent to this channel: ${filtered}` : "This alert would be sent to this channel"}
        </div>
        {v.kind === "discord" ? <EmbedPreview embed={buildEmbed(sample)} /> : <div className="muted">Apprise channels get the same alert as plain text.</div>}
      </section>
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
