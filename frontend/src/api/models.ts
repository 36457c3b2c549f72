/** Short names for the generated schema types the dashboard uses. */
import type { components } from "./types";

type Schemas = components["schemas"];

export type EventKind = Schemas["EventKind"];
export type EventRead = Schemas["EventRead"];
export type EventPage = Schemas["EventPage"];
export type VariantRead = Schemas["VariantRead"];
export type StoreRead = Schemas["StoreRead"];
export type StoreCreate = Schemas["StoreCreate"];
export type StoreUpdate = Schemas["StoreUpdate"];
export type HealthRead = Schemas["HealthRead"];
export type HealthStatus = Schemas["HealthStatus"];
export type Platform = Schemas["Platform"];
export type ChannelKind = Schemas["ChannelKind"];
export type ChannelRead = Schemas["ChannelRead"];
export type ChannelCreate = Schemas["ChannelCreate"];
export type ChannelUpdate = Schemas["ChannelUpdate"];
export type DeliveryRead = Schemas["DeliveryRead"];
export type DeliveryResultRead = Schemas["DeliveryResultRead"];
export type OutboxStatus = Schemas["OutboxStatus"];
export type MeRead = Schemas["MeRead"];
export type ProductRead = Schemas["ProductRead"];
export type ProductDetail = Schemas["ProductDetail"];
export type ProductPage = Schemas["ProductPage"];
export type ProductPoint = Schemas["ProductPointRead"];
export type ProductHistory = Schemas["ProductHistoryRead"];
export type SettingsRead = Schemas["SettingsRead"];
export type WsMessage = Schemas["WsMessage"];
export type StoreHealthMessage = Schemas["StoreHealthData"];
export type NotificationMessage = Schemas["NotificationData"];

export const EVENT_KINDS: readonly EventKind[] = [
  "new_product",
  "new_variant",
  "restock",
  "sold_out",
  "price_change",
  "password_up",
  "password_down",
];
