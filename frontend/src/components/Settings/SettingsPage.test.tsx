import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../../App";
import { CSRF_HEADER } from "../../api/client";
import { json, newQueryClient, stubFetch } from "../../test/helpers";
import { flattenSettings } from "./SettingsPage";

describe("flattenSettings", () => {
  it("turns nested settings into dotted rows", () => {
    expect(flattenSettings({ version: "0.1.0", monitor: { timeout: 10, jitter: 0.05 }, allowed_origins: [] })).toEqual([
      ["version", "0.1.0"],
      ["monitor.timeout", "10"],
      ["monitor.jitter", "0.05"],
      ["allowed_origins", "[]"],
    ]);
  });
});

describe("token rotation", () => {
  it("shows the new token once on the login screen and signs in with it", async () => {
    let token = "phx_old";
    let signedIn = true;
    const seen = stubFetch({
      "GET /api/auth/me": () => (signedIn ? json({ kind: "session", csrf_token: "c1" }) : json({ error: "Unauthorized", detail: "" }, 401)),
      "GET /api/settings": () => json({ version: "0.1.0", database_backend: "sqlite" }),
      "POST /api/auth/rotate": async (req) => {
        const body = (await req.json()) as { token: string };
        if (body.token !== token) return json({ error: "Unauthorized", detail: "invalid token" }, 401);
        token = "phx_new";
        signedIn = false;
        return json({ token });
      },
      "POST /api/auth/login": async (req) => {
        const body = (await req.json()) as { token: string };
        signedIn = body.token === token;
        return signedIn ? json({ csrf_token: "c2", expires_at: "2030-01-01T00:00:00Z" }) : json({ error: "Unauthorized", detail: "" }, 401);
      },
      "GET /api/stores": () => json([]),
      "GET /api/events": () => json({ items: [], next_cursor: null }),
      "GET /api/deliveries": () => json([]),
    });
    window.history.replaceState(null, "", "/settings");
    render(
      <QueryClientProvider client={newQueryClient()}>
        <App />
      </QueryClientProvider>,
    );
    const user = userEvent.setup();
    const form = await screen.findByRole("form", { name: "Rotate access token" });
    expect(await screen.findByText("sqlite")).toBeInTheDocument();

    await user.type(within(form).getByLabelText("Current access token"), "phx_wrong");
    await user.click(within(form).getByRole("button", { name: "Rotate token" }));
    expect(await within(form).findByRole("alert")).toHaveTextContent("not the current token");

    await user.clear(within(form).getByLabelText("Current access token"));
    await user.type(within(form).getByLabelText("Current access token"), "phx_old");
    await user.click(within(form).getByRole("button", { name: "Rotate token" }));
    expect(await screen.findByTestId("new-token")).toHaveTextContent("phx_new");
    expect(seen.find((r) => r.url.endsWith("/api/auth/rotate"))?.headers.get(CSRF_HEADER)).toBe("c1");

    await user.click(screen.getByRole("button", { name: "Sign in" })); // prefilled with the new token
    expect(await screen.findByRole("heading", { name: "Settings", level: 1 })).toBeInTheDocument();
    expect(screen.queryByTestId("new-token")).not.toBeInTheDocument();
  });
});
