import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { makeStore } from "../../test/helpers";
import { ChannelForm } from "./ChannelForm";
import { EMPTY_CHANNEL_FORM, formFromChannel, toChannelCreate, toChannelUpdate, validateChannelForm } from "./channelForm";

describe("channel form model", () => {
  it("validates the URL per kind", () => {
    expect(validateChannelForm(EMPTY_CHANNEL_FORM).url).toBeDefined();
    expect(validateChannelForm({ ...EMPTY_CHANNEL_FORM, url: "discord.com/x" }).url).toContain("http(s)");
    expect(validateChannelForm({ ...EMPTY_CHANNEL_FORM, kind: "apprise", url: "tgram://bot/chat" })).toEqual({});
    expect(validateChannelForm({ ...EMPTY_CHANNEL_FORM, url: "" }, true)).toEqual({});
  });
  it("needs an event kind and a sane price", () => {
    const base = { ...EMPTY_CHANNEL_FORM, url: "https://discord.com/api/webhooks/1/x" };
    expect(validateChannelForm({ ...base, events: [] }).events).toBeDefined();
    expect(validateChannelForm({ ...base, maxPrice: "cheap" }).maxPrice).toBeDefined();
  });
  it("converts dollars to cents and keeps the stored URL when left empty", () => {
    const values = { ...EMPTY_CHANNEL_FORM, url: "https://discord.com/api/webhooks/1/x", sizes: "9, 10", maxPrice: "250", keywords: " dunk " };
    expect(toChannelCreate(values)).toMatchObject({ sizes: ["9", "10"], max_price: 25000, keywords: "dunk" });
    expect(toChannelUpdate({ ...values, url: "" })).not.toHaveProperty("url");
    const round = formFromChannel({
      id: "c1",
      kind: "discord",
      name: "drops",
      url: "https://discord.com/api/webhooks/1/***",
      enabled: true,
      disabled_reason: null,
      events: ["restock"],
      keywords: null,
      sizes: ["9"],
      max_price: 19999,
      store_ids: [],
    });
    expect(round).toMatchObject({ url: "", maxPrice: "199.99", sizes: "9" });
  });
});

describe("ChannelForm", () => {
  it("previews the alert and says whether the rules let it through", async () => {
    const onSubmit = vi.fn();
    render(<ChannelForm stores={[makeStore()]} submitLabel="Add channel" onSubmit={onSubmit} onCancel={() => {}} />);
    const user = userEvent.setup();
    expect(screen.getByTestId("route-verdict")).toHaveTextContent("would be sent");
    await user.type(screen.getByRole("textbox", { name: "Keywords" }), "jordan");
    expect(screen.getByTestId("route-verdict")).toHaveTextContent("does not match the keywords");
    await user.click(screen.getByRole("tab", { name: "Price change" }));
    expect(screen.getByTestId("embed")).toHaveTextContent("$120.00");

    await user.clear(screen.getByRole("textbox", { name: "Keywords" }));
    await user.type(screen.getByLabelText("Webhook URL"), "https://discord.com/api/webhooks/1/abc");
    await user.click(screen.getByRole("checkbox", { name: "Kith" }));
    await user.click(screen.getByRole("button", { name: "Add channel" }));
    expect(onSubmit).toHaveBeenCalledWith(expect.objectContaining({ url: "https://discord.com/api/webhooks/1/abc", storeIds: ["s1"] }));
  });
});
