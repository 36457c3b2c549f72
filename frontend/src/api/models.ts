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
export type TaskStatusMessage = Schemas["TaskStatusData"];

/** What changed in a store. */
export const STORE_EVENT_KINDS: readonly EventKind[] = [
  "new_product",
  "new_variant",
  "restock",
  "sold_out",
  "price_change",
  "password_up",
  "password_down",
];

// ---- profiles and proxies ----
export type AddressIn = Schemas["AddressIn"];
export type AddressRead = Schemas["AddressRead"];
export type CardIn = Schemas["CardIn"];
export type CardRead = Schemas["CardRead"];
export type CardBrand = Schemas["CardBrand"];
export type ProfileRead = Schemas["ProfileRead"];
export type ProfileCreate = Schemas["ProfileCreate"];
export type ProfileUpdate = Schemas["ProfileUpdate"];
export type ProfileGroupRead = Schemas["GroupRead"];
export type ImportProblem = Schemas["ImportProblem"];
export type ExchangeFormat = Schemas["ExchangeFormat"];
export type ProxyListRead = Schemas["ProxyListRead"];
export type ProxyListCreate = Schemas["ProxyListCreate"];
export type ProxyListUpdate = Schemas["ProxyListUpdate"];
export type ProxyRead = Schemas["ProxyRead"];
export type ProxyTestResult = Schemas["ProxyTestResultRead"];
export type StoreProxyRead = Schemas["StoreProxyRead"];

/** Event kinds about checkouts (the task runner's), as opposed to store changes. */
export const CHECKOUT_EVENT_KINDS: readonly EventKind[] = ["checkout_link", "checkout_success", "checkout_failed", "needs_action"];

/** Every kind in the event log: filters and notification routing offer them all. */
export const EVENT_KINDS: readonly EventKind[] = [...STORE_EVENT_KINDS, ...CHECKOUT_EVENT_KINDS];

// ---- tasks, rules, checkouts ----
export type TaskStatus = Schemas["TaskStatus"];
export type TaskMode = Schemas["TaskMode"];
export type TaskRead = Schemas["TaskRead"];
export type TaskDetail = Schemas["TaskDetailRead"];
export type TaskCreate = Schemas["TaskCreate"];
export type TaskUpdate = Schemas["TaskUpdate"];
export type TransitionRead = Schemas["TransitionRead"];
export type AttemptRead = Schemas["AttemptRead"];
export type AttemptStatus = Schemas["AttemptStatus"];
export type BulkAction = Schemas["BulkAction"];
export type BulkResult = Schemas["BulkResultRead"];
export type QuickTask = Schemas["QuickTask"];
export type RuleRead = Schemas["RuleRead"];
export type RuleCreate = Schemas["RuleCreate"];
export type RuleUpdate = Schemas["RuleUpdate"];
export type BacktestRead = Schemas["BacktestRead"];
export type CheckoutRead = Schemas["CheckoutRead"];
export type CheckoutPage = Schemas["CheckoutPage"];
export type StatsRead = Schemas["StatsRead"];
export type TallyRead = Schemas["TallyRead"];
export type LatencyRead = Schemas["LatencyRead"];
export type GroupStatsRead = Schemas["GroupStatsRead"];
export type DayRead = Schemas["DayRead"];
