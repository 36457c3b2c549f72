/** Sample data for the task, profile, proxy, rule and checkout screens' tests. */
import type { AddressRead, CheckoutRead, ProfileRead, ProxyListRead, RuleRead, TaskDetail, TaskRead } from "../api/models";

export const ADDRESS: AddressRead = {
  first_name: "Ada",
  last_name: "Lovelace",
  address1: "1 Main St",
  address2: "",
  city: "Portland",
  province: "OR",
  zip: "97201",
  country_code: "US",
  phone: "",
};

export function makeProfile(overrides: Partial<ProfileRead> = {}): ProfileRead {
  return {
    id: "p1",
    name: "Main",
    email: "ada@example.com",
    phone: "",
    shipping: ADDRESS,
    billing: null,
    card: { brand: "visa", last4: "1111", exp_month: 8, exp_year: 2029, holder: "Ada Lovelace" },
    group: "drops",
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    ...overrides,
  };
}

export function makeProxyList(overrides: Partial<ProxyListRead> = {}): ProxyListRead {
  return {
    id: "pl1",
    name: "Residential",
    proxies: [
      { scheme: "http", host: "127.0.0.1", port: 8081, username: "u", url: "http://u:***@127.0.0.1:8081" },
      { scheme: "http", host: "127.0.0.1", port: 8082, username: null, url: "http://127.0.0.1:8082" },
    ],
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    ...overrides,
  };
}

let n = 0;

export function makeTask(overrides: Partial<TaskRead> = {}): TaskRead {
  n += 1;
  return {
    id: `t${n}`,
    store_id: "s1",
    url: null,
    handle: "nike-dunk-low",
    variant_id: null,
    sku: null,
    keywords: null,
    mode: "assist",
    status: "idle",
    status_reason: null,
    sizes: ["9", "10"],
    quantity: 1,
    profile_id: "p1",
    max_price: 18000,
    proxy_list_id: null,
    group: null,
    test_mode: false,
    rule_id: null,
    event_id: null,
    attempts: 0,
    checkout_url: null,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    ...overrides,
  };
}

export function makeAttempt(overrides: Partial<CheckoutRead> = {}): CheckoutRead {
  return {
    id: "a1",
    task_id: "t1",
    number: 1,
    status: "link_ready",
    mode: "assist",
    store_id: "s1",
    store_name: "Kith",
    profile_id: "p1",
    product_title: "Nike Dunk Low Panda",
    product_id: "p1",
    variant_id: "40000000001",
    size: "10",
    price: 11000,
    quantity: 1,
    test_mode: false,
    created_at: "2026-01-01T00:00:01Z",
    detected_at: "2026-01-01T00:00:00Z",
    link_at: "2026-01-01T00:00:00.850Z",
    submitted_at: null,
    finished_at: "2026-01-01T00:00:00.850Z",
    checkout_url: "https://kith.com/cart/1:1",
    order_name: null,
    detail: null,
    detection_to_link_ms: 850,
    detection_to_submission_ms: null,
    ...overrides,
  };
}

export function makeTaskDetail(task: TaskRead, extra: Partial<TaskDetail> = {}): TaskDetail {
  return {
    ...task,
    transitions: [
      { from_status: null, to_status: "idle", at: "2026-01-01T00:00:00Z", reason: "created" },
      { from_status: "idle", to_status: "waiting", at: "2026-01-01T00:00:01Z", reason: "started" },
    ],
    checkout_attempts: [],
    ...extra,
  };
}

export function makeRule(overrides: Partial<RuleRead> = {}): RuleRead {
  return {
    id: "r1",
    name: "Dunks",
    enabled: true,
    priority: 0,
    keywords: "+dunk -kids",
    sizes: ["10"],
    store_ids: [],
    max_price: null,
    events: ["new_product", "restock"],
    profile_id: null,
    mode: "assist",
    quantity: 1,
    test_mode: false,
    proxy_list_id: null,
    group: null,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    ...overrides,
  };
}
