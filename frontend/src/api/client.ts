/**
 * The one HTTP client: openapi-fetch over the generated schema. It sends the session cookie (same origin),
 * adds the CSRF header to state-changing requests, and reports a 401 so the app can show the login screen.
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { paths } from "./types";

export type ApiPaths = paths;
export type ApiClient = Client<ApiPaths>;

export const CSRF_HEADER = "X-CSRF-Token";
export const CSRF_COOKIE = "phantom_csrf";
const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
// A 401 from these means "the token in the body is wrong", not "the session is gone".
const TOKEN_CHECK_PATHS = ["/api/auth/login", "/api/auth/rotate"];

let csrfToken: string | null = null;
const unauthorizedListeners = new Set<() => void>();

export function readCookie(name: string, cookies: string = globalThis.document?.cookie ?? ""): string | null {
  for (const part of cookies.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

/** The token the login returned, or (after a page reload) the one the server left in a readable cookie. */
export function currentCsrfToken(): string | null {
  return csrfToken ?? readCookie(CSRF_COOKIE);
}

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called on any 401 except a wrong token typed into login or rotate; returns an unsubscribe function. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export const authMiddleware: Middleware = {
  onRequest({ request }) {
    const token = currentCsrfToken();
    if (token && UNSAFE_METHODS.has(request.method.toUpperCase())) {
      request.headers.set(CSRF_HEADER, token);
    }
    return request;
  },
  onResponse({ request, response }) {
    const path = new URL(request.url).pathname;
    if (response.status === 401 && !TOKEN_CHECK_PATHS.some((p) => path.endsWith(p))) {
      for (const listener of unauthorizedListeners) listener();
    }
    return response;
  },
};

export function createApiClient(baseUrl: string = globalThis.location?.origin ?? "http://localhost"): ApiClient {
  // Resolve fetch on every call (not at creation) so tests can stub globalThis.fetch.
  const client = createClient<ApiPaths>({
    baseUrl,
    credentials: "same-origin",
    fetch: (request: Request) => globalThis.fetch(request),
  });
  client.use(authMiddleware);
  return client;
}

/** An error reply, with the `{"error", "detail"}` body every route shares. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, detail: string) {
    super(detail || code || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

function toApiError(error: unknown, response: Response): ApiError {
  if (error && typeof error === "object") {
    const body = error as { error?: unknown; detail?: unknown };
    const code = typeof body.error === "string" ? body.error : `HTTP ${response.status}`;
    const detail = typeof body.detail === "string" ? body.detail : "";
    return new ApiError(response.status, code, detail);
  }
  return new ApiError(response.status, `HTTP ${response.status}`, typeof error === "string" ? error : "");
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a successful reply; throws ApiError otherwise. */
export async function unwrap<T>(pending: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok) throw toApiError(error, response);
  return data as T;
}

/** For replies without a body (204). */
export async function ensureOk(pending: Promise<FetchResult<unknown>>): Promise<void> {
  const { error, response } = await pending;
  if (!response.ok) throw toApiError(error, response);
}

export const api: ApiClient = createApiClient();
