/** The channel form's model, validation and conversion to the API's bodies. */
import type { ChannelCreate, ChannelKind, ChannelRead, ChannelUpdate, EventKind } from "../../api/models";
import { formatPrice, parseList, parsePriceToCents } from "../../lib/format";

export const DEFAULT_ALERT_KINDS: EventKind[] = [
  "new_product",
  "new_variant",
  "restock",
  "price_change",
  "password_up",
  "password_down",
];

export interface ChannelFormValues {
  kind: ChannelKind;
  name: string;
  url: string;
  events: EventKind[];
  keywords: string;
  sizes: string;
  maxPrice: string;
  storeIds: string[];
  enabled: boolean;
}

export type ChannelFormErrors = Partial<Record<keyof ChannelFormValues, string>>;

export const EMPTY_CHANNEL_FORM: ChannelFormValues = {
  kind: "discord",
  name: "",
  url: "",
  events: DEFAULT_ALERT_KINDS,
  keywords: "",
  sizes: "",
  maxPrice: "",
  storeIds: [],
  enabled: true,
};

export function formFromChannel(c: ChannelRead): ChannelFormValues {
  return {
    kind: c.kind,
    name: c.name,
    url: "", // the stored URL is a secret and comes back redacted: empty keeps it
    events: c.events,
    keywords: c.keywords ?? "",
    sizes: c.sizes.join(", "),
    maxPrice: c.max_price === null ? "" : formatPrice(c.max_price, "").replace(/,/g, ""),
    storeIds: c.store_ids,
    enabled: c.enabled,
  };
}

/** `editing`: the URL may stay empty (keep the stored one). */
export function validateChannelForm(v: ChannelFormValues, editing = false): ChannelFormErrors {
  const errors: ChannelFormErrors = {};
  const url = v.url.trim();
  if (!url && !editing) errors.url = v.kind === "discord" ? "Paste the Discord webhook URL" : "Enter an Apprise URL";
  else if (url && v.kind === "discord" && !/^https?:\/\/\S+$/.test(url)) errors.url = "A Discord webhook is an http(s) URL";
  else if (url && v.kind === "apprise" && !/^[a-z][a-z0-9+.-]*:\/\/\S*$/i.test(url))
    errors.url = "Apprise URLs look like scheme://… (e.g. tgram://bot/chat)";
  if (v.events.length === 0) errors.events = "Pick at least one kind of event";
  if (v.maxPrice.trim() !== "" && parsePriceToCents(v.maxPrice) === null) errors.maxPrice = "A price like 250 or 199.99";
  if (v.name.length > 200) errors.name = "Name is too long";
  return errors;
}

export function toChannelCreate(v: ChannelFormValues): ChannelCreate {
  return {
    kind: v.kind,
    url: v.url.trim(),
    name: v.name.trim(),
    events: v.events,
    keywords: v.keywords.trim() || null,
    sizes: parseList(v.sizes),
    max_price: v.maxPrice.trim() ? parsePriceToCents(v.maxPrice) : null,
    store_ids: v.storeIds,
  };
}

export function toChannelUpdate(v: ChannelFormValues): ChannelUpdate {
  const { url, kind: _kind, ...rest } = toChannelCreate(v);
  return { ...rest, enabled: v.enabled, ...(url ? { url } : {}) };
}
