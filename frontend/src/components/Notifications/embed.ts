/**
 * What a Discord alert looks like, for the preview: the same layout as phantom/notifications/embeds.py
 * (author = store, title = product, Event / Price / Store fields, then the sizes with cart links).
 */
import type { EventKind } from "../../api/models";
import { KIND_COLOURS, formatPrice, sortSizes } from "../../lib/format";

export interface SampleVariant {
  id: string;
  size: string;
  price: number;
  available: boolean;
}

export interface SampleEvent {
  id: string;
  kind: EventKind;
  storeName: string;
  storeUrl: string;
  title: string;
  handle: string;
  vendor: string;
  image: string | null;
  styleCode: string | null;
  variants: SampleVariant[];
  /** The variants the event is about (restocked, new, or gone). */
  changed: SampleVariant[];
  oldPrice: number | null;
  newPrice: number | null;
  detectedAt: string;
}

export interface Segment {
  text: string;
  href?: string;
  strike?: boolean;
}

export interface EmbedField {
  name: string;
  value: Segment[];
  inline: boolean;
}

export interface EmbedPreviewModel {
  colour: string;
  author: string;
  title: string;
  url: string | null;
  description: string | null;
  thumbnail: string | null;
  fields: EmbedField[];
  footer: string;
  timestamp: string;
}

const WORDS: Record<EventKind, string> = {
  new_product: "New product",
  new_variant: "New sizes",
  restock: "Restock",
  sold_out: "Sold out",
  price_change: "Price change",
  password_up: "Password page up",
  password_down: "Password page down",
  checkout_link: "Checkout ready",
  checkout_success: "Checkout success",
  checkout_failed: "Checkout failed",
  needs_action: "Action needed",
};

const SIZES = ["8", "8.5", "9", "9.5", "10", "10.5", "11"];

/** The sample `phantom notify test` sends, in the kind asked for. */
export function sampleEvent(kind: EventKind, now: Date = new Date()): SampleEvent {
  const variants = SIZES.map((size, i) => ({
    id: String(40000000000 + i),
    size,
    price: 11000,
    available: ["9", "9.5", "10"].includes(size),
  }));
  const inStock = variants.filter((v) => v.available);
  const changed = kind === "sold_out" ? inStock.map((v) => ({ ...v, available: false })) : kind === "price_change" ? [] : inStock;
  return {
    id: "sample",
    kind,
    storeName: "Phantom test store",
    storeUrl: "https://example.com",
    title: "Nike Dunk Low Retro - White/Black",
    handle: "nike-dunk-low-retro-white-black",
    vendor: "Nike",
    image: null,
    styleCode: "DD1391-100",
    variants: kind === "sold_out" ? variants.map((v) => ({ ...v, available: false })) : variants,
    changed,
    oldPrice: kind === "price_change" ? 12000 : null,
    newPrice: kind === "price_change" ? 11000 : null,
    detectedAt: now.toISOString(),
  };
}

function priceSegments(e: SampleEvent): Segment[] {
  if (e.kind === "price_change" && e.oldPrice !== null && e.newPrice !== null) {
    const diff = e.newPrice - e.oldPrice;
    const direction = diff > 0 ? "up" : diff < 0 ? "down" : "unchanged";
    let change = `${direction} ${formatPrice(Math.abs(diff))}`;
    if (e.oldPrice > 0 && diff) change += `, ${Math.round((Math.abs(diff) / e.oldPrice) * 100)}%`;
    const arrow = direction === "up" ? "▲ " : direction === "down" ? "▼ " : "";
    return [
      { text: formatPrice(e.oldPrice), strike: true },
      { text: ` → ${formatPrice(e.newPrice)} (${arrow}${change})` },
    ];
  }
  const prices = [...new Set((e.changed.length ? e.changed : e.variants).map((v) => v.price))].sort((a, b) => a - b);
  if (prices.length === 0) return [{ text: "unknown" }];
  const low = prices[0] as number;
  const high = prices[prices.length - 1] as number;
  return [{ text: low === high ? formatPrice(low) : `${formatPrice(low)} to ${formatPrice(high)}` }];
}

function sizeField(e: SampleEvent): EmbedField {
  const soldOut = e.kind === "sold_out";
  const about = soldOut ? e.changed : e.kind === "price_change" ? e.variants.filter((v) => v.available) : e.changed.filter((v) => v.available);
  if (about.length === 0) return { name: "Sizes", value: [{ text: "none in stock" }], inline: false };
  const bySize = new Map(about.map((v) => [v.size, v]));
  const value: Segment[] = [];
  sortSizes(about.map((v) => v.size)).forEach((size, i) => {
    if (i > 0) value.push({ text: " · " });
    const v = bySize.get(size) as SampleVariant;
    // Sold-out sizes get no add-to-cart link: there is nothing to add.
    value.push(soldOut ? { text: size } : { text: size, href: `${e.storeUrl}/cart/${v.id}:1` });
  });
  return { name: `${soldOut ? "Sizes gone" : "Sizes"} (${about.length})`, value, inline: false };
}

export function buildEmbed(e: SampleEvent): EmbedPreviewModel {
  const base = {
    colour: KIND_COLOURS[e.kind],
    author: e.storeName,
    footer: `Phantom · event ${e.id}`,
    timestamp: e.detectedAt,
    thumbnail: e.image,
  };
  if (e.kind === "password_up" || e.kind === "password_down") {
    const up = e.kind === "password_up";
    return {
      ...base,
      title: `Password page ${up ? "up" : "down"} — ${e.storeName}`,
      url: e.storeUrl,
      description: up ? "The store is behind its password page: a drop may be loading." : "The password page is gone: the store is open.",
      thumbnail: null,
      fields: [
        { name: "Event", value: [{ text: WORDS[e.kind] }], inline: true },
        { name: "Store", value: [{ text: e.storeName, href: e.storeUrl }], inline: true },
      ],
    };
  }
  const fields: EmbedField[] = [
    { name: "Event", value: [{ text: WORDS[e.kind] }], inline: true },
    { name: "Price", value: priceSegments(e), inline: true },
    { name: "Store", value: [{ text: e.storeName, href: e.storeUrl }], inline: true },
  ];
  if (e.styleCode) fields.push({ name: "Style", value: [{ text: e.styleCode }], inline: true });
  fields.push(sizeField(e));
  return {
    ...base,
    title: e.title,
    url: `${e.storeUrl}/products/${e.handle}`,
    description: e.vendor || null,
    fields,
  };
}
