import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../../App";
import { makeProfile, makeTask, makeTaskDetail } from "../../test/fixtures";
import { json, makeStore, newQueryClient, stubFetch } from "../../test/helpers";

describe("QuickTaskPage", () => {
  it("keeps the link through the login screen, then starts the task with one click", async () => {
    let signedIn = false;
    const task = makeTask({ id: "t-quick", status: "waiting" });
    const seen = stubFetch({
      "GET /api/auth/me": () => (signedIn ? json({ kind: "session", csrf_token: "c1" }) : json({ error: "Unauthorized", detail: "" }, 401)),
      "POST /api/auth/login": () => {
        signedIn = true;
        return json({ csrf_token: "c1", expires_at: "2030-01-01T00:00:00Z" });
      },
      "GET /api/stores": () => json([makeStore()]),
      "GET /api/profiles": () => json([makeProfile()]),
      "GET /api/proxies": () => json([]),
      "GET /api/tasks": () => json([task]),
      "GET /api/tasks/groups": () => json([]),
      "GET /api/tasks/t-quick": () => json(makeTaskDetail(task)),
      "POST /api/quicktask": () => json(task, 201),
    });
    window.history.replaceState(null, "", "/quicktask?store=https%3A%2F%2Fkith.com&product=nike-dunk-low&size=10");
    render(
      <QueryClientProvider client={newQueryClient()}>
        <App />
      </QueryClientProvider>,
    );
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Access token"), "phx_token");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByRole("heading", { name: "Quick task", level: 1 })).toBeInTheDocument();
    expect(await screen.findByTestId("qt-store")).toHaveTextContent("Kith");
    expect(screen.getByTestId("qt-product")).toHaveTextContent("nike-dunk-low");
    expect(screen.getByTestId("qt-size")).toHaveTextContent("10");
    await user.click(screen.getByRole("button", { name: "Start task" }));

    expect(await screen.findByRole("dialog", { name: "Task details" })).toBeInTheDocument();
    expect(window.location.pathname).toBe("/tasks/t-quick");
    const post = seen.find((r) => r.url.endsWith("/api/quicktask"));
    expect(await post?.clone().json()).toEqual({ store: "https://kith.com", product: "nike-dunk-low", size: "10", profile: null });
  });

  it("explains a link that lacks the product", async () => {
    stubFetch({ "GET /api/auth/me": () => json({ kind: "session" }), "GET /api/stores": () => json([]), "GET /api/profiles": () => json([]) });
    window.history.replaceState(null, "", "/quicktask?store=kith");
    render(
      <QueryClientProvider client={newQueryClient()}>
        <App />
      </QueryClientProvider>,
    );
    expect(await screen.findByRole("alert")).toHaveTextContent("The link needs a product.");
    expect(screen.queryByRole("button", { name: "Start task" })).not.toBeInTheDocument();
  });
});
