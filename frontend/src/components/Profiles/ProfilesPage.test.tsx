import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { makeProfile } from "../../test/fixtures";
import { json, renderWithClient, stubFetch } from "../../test/helpers";
import { ProfilesPage } from "./ProfilesPage";

describe("ProfilesPage", () => {
  it("shows cards masked and saves an edit without touching the card", async () => {
    let profile = makeProfile();
    const seen = stubFetch({
      "GET /api/profiles": () => json([profile]),
      "GET /api/profiles/groups": () => json([{ name: "drops", profiles: 1 }]),
      "PATCH /api/profiles/p1": async (req) => {
        const body = (await req.clone().json()) as { email: string };
        profile = { ...profile, email: body.email };
        return json(profile);
      },
    });
    renderWithClient(<ProfilesPage />);
    const user = userEvent.setup();
    expect(await screen.findByTestId("masked-card")).toHaveTextContent("Visa •••• 1111 · 08/29");
    expect(screen.getByRole("button", { name: /drops/ })).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Edit" }));
    const form = screen.getByRole("form", { name: "Profile" });
    expect(within(form).getByTestId("stored-card")).toHaveTextContent("•••• 1111");
    expect(within(form).queryByRole("textbox", { name: /Card number/ })).not.toBeInTheDocument();
    const email = within(form).getByRole("textbox", { name: "Email" });
    await user.clear(email);
    await user.type(email, "new@example.com");
    await user.click(within(form).getByRole("button", { name: "Save" }));

    expect(await screen.findByText("new@example.com")).toBeInTheDocument();
    const patch = seen.find((r) => r.method === "PATCH");
    expect(await patch?.clone().json()).toEqual({ email: "new@example.com" });
  });

  it("asks for the card again only when replacing it, and the input starts empty", async () => {
    stubFetch({
      "GET /api/profiles": () => json([makeProfile()]),
      "GET /api/profiles/groups": () => json([]),
    });
    renderWithClient(<ProfilesPage />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Edit" }));
    await user.click(screen.getByRole("checkbox", { name: "Replace the card" }));
    expect(screen.getByRole("textbox", { name: /Card number/ })).toHaveValue("");
    expect(screen.getByLabelText("CVV")).toHaveValue("");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(screen.getByText("Card number is required")).toBeInTheDocument();
  });

  it("lists every problem of a refused import by row", async () => {
    const seen = stubFetch({
      "GET /api/profiles": () => json([]),
      "GET /api/profiles/groups": () => json([]),
      "POST /api/profiles/import": () =>
        json(
          {
            error: "ProfileImportRejected",
            detail: "2 problem(s) in the import; nothing was imported",
            problems: [
              { row: 2, field: "card.number", reason: "not a valid card number" },
              { row: 0, field: "content", reason: "missing column(s): group" },
            ],
          },
          400,
        ),
    });
    renderWithClient(<ProfilesPage />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Import" }));
    await user.type(screen.getByRole("textbox", { name: "Import content" }), "name,email");
    await user.click(screen.getByRole("button", { name: "Import profiles" }));
    const list = await screen.findByRole("list", { name: "Import problems" });
    expect(within(list).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "File · content: missing column(s): group",
      "Row 2 · card.number: not a valid card number",
    ]);
    expect(await seen.find((r) => r.method === "POST")?.clone().json()).toEqual({ format: "csv", content: "name,email" });
  });
});
