/**
 * The profile form's model. The card number and CVV are write-only: they start empty, are sent only when
 * the person types a new card, and an edit without them keeps the stored card.
 */
import type { AddressIn, AddressRead, ProfileCreate, ProfileRead, ProfileUpdate } from "../../api/models";
import { cardDigits, cardProblems, fullYear, type CardInputValues } from "./card";

export type AddressValues = Required<AddressIn>;

export interface ProfileFormValues {
  name: string;
  email: string;
  phone: string;
  group: string;
  shipping: AddressValues;
  billingSame: boolean;
  billing: AddressValues;
  /** Always on when creating; on edit, off keeps the stored card. */
  replaceCard: boolean;
  card: CardInputValues;
}

/** Keys are dotted paths: "name", "shipping.zip", "card.number". */
export type ProfileFormErrors = Record<string, string>;

export const EMPTY_ADDRESS: AddressValues = {
  first_name: "",
  last_name: "",
  address1: "",
  address2: "",
  city: "",
  province: "",
  zip: "",
  country_code: "US",
  phone: "",
};

export const EMPTY_CARD: CardInputValues = { holder: "", number: "", expMonth: "", expYear: "", cvv: "" };

export const EMPTY_PROFILE_FORM: ProfileFormValues = {
  name: "",
  email: "",
  phone: "",
  group: "",
  shipping: EMPTY_ADDRESS,
  billingSame: true,
  billing: EMPTY_ADDRESS,
  replaceCard: true,
  card: EMPTY_CARD,
};

const REQUIRED_ADDRESS: (keyof AddressValues)[] = ["first_name", "last_name", "address1", "city", "zip", "country_code"];
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s.]+$/;
const PHONE = /^[0-9+()\-. ]*$/;

function addressValues(a: AddressRead): AddressValues {
  return { ...a };
}

export function formFromProfile(p: ProfileRead): ProfileFormValues {
  return {
    name: p.name,
    email: p.email,
    phone: p.phone,
    group: p.group ?? "",
    shipping: addressValues(p.shipping),
    billingSame: p.billing === null,
    billing: p.billing ? addressValues(p.billing) : EMPTY_ADDRESS,
    replaceCard: false,
    // Holder and expiry may be shown; the number and CVV never come back from the server.
    card: { ...EMPTY_CARD, holder: p.card.holder },
  };
}

function addressErrors(a: AddressValues, prefix: string, errors: ProfileFormErrors): void {
  for (const key of REQUIRED_ADDRESS) if (!a[key].trim()) errors[`${prefix}.${key}`] = "Required";
  if (a.country_code.trim() && !/^[A-Za-z]{2}$/.test(a.country_code.trim()))
    errors[`${prefix}.country_code`] = "Two letters, e.g. US";
  if (!PHONE.test(a.phone)) errors[`${prefix}.phone`] = "Digits, spaces and + ( ) - . only";
}

export function validateProfileForm(v: ProfileFormValues, today: Date = new Date()): ProfileFormErrors {
  const errors: ProfileFormErrors = {};
  if (!v.name.trim()) errors.name = "Name is required";
  if (!v.email.trim()) errors.email = "Email is required";
  else if (!EMAIL.test(v.email.trim())) errors.email = "Not an email address";
  if (!PHONE.test(v.phone)) errors.phone = "Digits, spaces and + ( ) - . only";
  addressErrors(v.shipping, "shipping", errors);
  if (!v.billingSame) addressErrors(v.billing, "billing", errors);
  if (v.replaceCard) {
    for (const [key, reason] of Object.entries(cardProblems(v.card, today))) errors[`card.${key}`] = reason as string;
  }
  return errors;
}

function addressIn(a: AddressValues): AddressIn {
  const out = {} as AddressValues;
  for (const [key, value] of Object.entries(a) as [keyof AddressValues, string][]) out[key] = value.trim();
  out.country_code = out.country_code.toUpperCase();
  return out;
}

function cardIn(c: CardInputValues): NonNullable<ProfileCreate["card"]> {
  return {
    holder: c.holder.trim(),
    number: cardDigits(c.number.trim()),
    exp_month: Number(c.expMonth),
    exp_year: fullYear(Number(c.expYear)),
    cvv: c.cvv.trim(),
  };
}

export function toProfileCreate(v: ProfileFormValues): ProfileCreate {
  return {
    name: v.name.trim(),
    email: v.email.trim(),
    phone: v.phone.trim(),
    group: v.group.trim() || null,
    shipping: addressIn(v.shipping),
    billing: v.billingSame ? null : addressIn(v.billing),
    card: cardIn(v.card),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Only what changed. Without `replaceCard` no card is sent, so the stored one stays. */
export function toProfileUpdate(v: ProfileFormValues, p: ProfileRead): ProfileUpdate {
  const next = toProfileCreate({ ...v, card: v.replaceCard ? v.card : EMPTY_CARD });
  const changes: ProfileUpdate = {};
  if (next.name !== p.name) changes.name = next.name;
  if (next.email !== p.email) changes.email = next.email;
  if (next.phone !== p.phone) changes.phone = next.phone;
  if ((next.group ?? null) !== (p.group ?? null)) changes.group = next.group ?? null;
  if (!same(next.shipping, addressIn(addressValues(p.shipping)))) changes.shipping = next.shipping;
  if (next.billing === null) {
    if (p.billing !== null) changes.billing = null;
  } else if (!p.billing || !same(next.billing, addressIn(addressValues(p.billing)))) changes.billing = next.billing;
  if (v.replaceCard) changes.card = cardIn(v.card);
  return changes;
}

/** CSV or JSON, from the file name or the text itself. */
export function guessFormat(content: string, filename = ""): "csv" | "json" {
  if (/\.json$/i.test(filename)) return "json";
  if (/\.csv$/i.test(filename)) return "csv";
  const first = content.trimStart()[0];
  return first === "[" || first === "{" ? "json" : "csv";
}
