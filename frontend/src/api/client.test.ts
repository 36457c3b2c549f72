import { describe, expect, it } from "vitest";
import { json, stubFetch } from "../test/helpers";
import { ApiError, CSRF_HEADER, createApiClient, ensureOk, onUnauthorized, readCookie, setCsrfToken, unwrap } from "./client";

describe("api client", () => {
  it("sends the CSRF token on state-changing requests only", async () => {
    const seen = stubFetch({
      "GET /api/stores": () => json([]),
      "DELETE /api/stores/s1": () => json(null, 204),
    });
    setCsrfToken("tok-123");
    const api = createApiClient("http://127.0.0.1:8000");
    await unwrap(api.GET("/api/stores"));
    await ensureOk(api.DELETE("/api/stores/{store_id}", { params: { path: { store_id: "s1" } } }));
    expect(seen[0]?.headers.get(CSRF_HEADER)).toBeNull();
    expect(seen[1]?.headers.get(CSRF_HEADER)).toBe("tok-123");
  });

  it("falls back to the readable CSRF cookie after a reload", async () => {
    const seen = stubFetch({ "POST /api/auth/logout": () => json(null, 204) });
    document.cookie = "phantom_csrf=from-cookie";
    await ensureOk(createApiClient("http://x").POST("/api/auth/logout"));
    expect(seen[0]?.headers.get(CSRF_HEADER)).toBe("from-cookie");
    document.cookie = "phantom_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT";
  });

  it("turns error bodies into ApiError", async () => {
    stubFetch({ "GET /api/stores/nope": () => json({ error: "StoreNotFound", detail: "no store nope" }, 404) });
    const api = createApiClient("http://x");
    const err = await unwrap(api.GET("/api/stores/{store_id}", { params: { path: { store_id: "nope" } } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 404, code: "StoreNotFound", message: "no store nope" });
  });

  it("reports a 401 anywhere but on the login itself", async () => {
    stubFetch({
      "GET /api/stores": () => json({ error: "Unauthorized", detail: "sign in" }, 401),
      "POST /api/auth/login": () => json({ error: "Unauthorized", detail: "bad token" }, 401),
    });
    let calls = 0;
    const off = onUnauthorized(() => (calls += 1));
    const api = createApiClient("http://x");
    await api.POST("/api/auth/login", { body: { token: "wrong" } });
    expect(calls).toBe(0);
    await api.GET("/api/stores");
    expect(calls).toBe(1);
    off();
    await api.GET("/api/stores");
    expect(calls).toBe(1);
  });

  it("reads cookies", () => {
    expect(readCookie("b", "a=1; b=two%20words; c=3")).toBe("two words");
    expect(readCookie("z", "a=1")).toBeNull();
  });
});
