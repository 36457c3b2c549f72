import { useState, type FormEvent } from "react";
import type { ProfileRead } from "../../api/models";
import { errorText } from "../common/States";
import { brandOf, cardDigits, maskedCard, BRAND_LABELS } from "./card";
import { EMPTY_PROFILE_FORM, validateProfileForm, type AddressValues, type ProfileFormErrors, type ProfileFormValues } from "./profileForm";

export interface ProfileFormProps {
  initial?: ProfileFormValues;
  /** Editing: the stored card, shown masked; its number and CVV are never filled in. */
  existing?: ProfileRead;
  submitLabel: string;
  busy?: boolean;
  error?: unknown;
  groups?: readonly string[];
  onSubmit: (values: ProfileFormValues) => void;
  onCancel: () => void;
}

const ADDRESS_FIELDS: [keyof AddressValues, string, string?][] = [
  ["first_name", "First name"],
  ["last_name", "Last name"],
  ["address1", "Address", "span-2"],
  ["address2", "Address line 2", "span-2"],
  ["city", "City"],
  ["province", "State / province"],
  ["zip", "ZIP / postcode"],
  ["country_code", "Country (ISO)"],
  ["phone", "Phone (delivery)"],
];

export function ProfileForm({ initial = EMPTY_PROFILE_FORM, existing, submitLabel, busy, error, groups = [], onSubmit, onCancel }: ProfileFormProps) {
  const [values, setValues] = useState<ProfileFormValues>(initial);
  const [errors, setErrors] = useState<ProfileFormErrors>({});
  const [touched, setTouched] = useState(false);

  const update = (next: ProfileFormValues) => {
    setValues(next);
    if (touched) setErrors(validateProfileForm(next));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = validateProfileForm(values);
    setTouched(true);
    setErrors(found);
    if (Object.keys(found).length === 0) onSubmit(values);
  };

  const input = (path: string, label: string, value: string, onChange: (v: string) => void, extra: { className?: string; type?: string; autoComplete?: string; inputMode?: "numeric" } = {}) => (
    <label className={`field ${extra.className ?? ""}`} key={path}>
      {label}
      <input
        name={path}
        value={value}
        type={extra.type ?? "text"}
        autoComplete={extra.autoComplete}
        inputMode={extra.inputMode}
        aria-invalid={errors[path] ? true : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {errors[path] ? <span className="field-error">{errors[path]}</span> : null}
    </label>
  );

  const address = (which: "shipping" | "billing") =>
    ADDRESS_FIELDS.map(([key, label, className]) =>
      input(`${which}.${key}`, label, values[which][key], (v) => update({ ...values, [which]: { ...values[which], [key]: v } }), className ? { className } : {}),
    );

  const card = values.card;
  const setCard = (key: keyof typeof card, v: string) => update({ ...values, card: { ...card, [key]: v } });
  const typedBrand = brandOf(cardDigits(card.number));

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Profile">
      <div className="form-grid">
        {input("name", "Profile name", values.name, (v) => update({ ...values, name: v }), { className: "span-2" })}
        <label className="field span-2">
          Group
          <input name="group" list="profile-groups" value={values.group} placeholder="optional" onChange={(e) => update({ ...values, group: e.target.value })} />
          <datalist id="profile-groups">
            {groups.map((g) => (
              <option key={g} value={g} />
            ))}
          </datalist>
        </label>
        {input("email", "Email", values.email, (v) => update({ ...values, email: v }), { className: "span-2", type: "email" })}
        {input("phone", "Phone", values.phone, (v) => update({ ...values, phone: v }), { className: "span-2" })}
      </div>
      <h2>Shipping</h2>
      <div className="form-grid">{address("shipping")}</div>
      <div className="checks">
        <label>
          <input type="checkbox" checked={values.billingSame} onChange={(e) => update({ ...values, billingSame: e.target.checked })} />
          Billing address same as shipping
        </label>
      </div>
      {values.billingSame ? null : (
        <>
          <h2>Billing</h2>
          <div className="form-grid">{address("billing")}</div>
        </>
      )}
      <h2>Card</h2>
      {existing ? (
        <div className="row-wrap">
          <span className="badge badge-muted mono" data-testid="stored-card">{maskedCard(existing.card)}</span>
          <div className="checks">
            <label>
              <input
                type="checkbox"
                checked={values.replaceCard}
                onChange={(e) => update({ ...values, replaceCard: e.target.checked, card: { ...values.card, number: "", cvv: "" } })}
              />
              Replace the card
            </label>
          </div>
          {!values.replaceCard ? <span className="faint">The stored card is kept.</span> : null}
        </div>
      ) : null}
      {values.replaceCard ? (
        <div className="form-grid">
          {input("card.holder", "Card holder", card.holder, (v) => setCard("holder", v), { className: "span-2", autoComplete: "off" })}
          {input("card.number", `Card number${typedBrand ? ` (${BRAND_LABELS[typedBrand]})` : ""}`, card.number, (v) => setCard("number", v), {
            className: "span-2",
            autoComplete: "off",
            inputMode: "numeric",
          })}
          {input("card.expMonth", "Exp. month", card.expMonth, (v) => setCard("expMonth", v), { inputMode: "numeric", autoComplete: "off" })}
          {input("card.expYear", "Exp. year", card.expYear, (v) => setCard("expYear", v), { inputMode: "numeric", autoComplete: "off" })}
          {input("card.cvv", "CVV", card.cvv, (v) => setCard("cvv", v), { type: "password", inputMode: "numeric", autoComplete: "off" })}
          <span className="faint" style={{ alignSelf: "end", fontSize: 12 }}>
            Stored encrypted; only the brand and last four digits are ever shown again.
          </span>
        </div>
      ) : null}
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
