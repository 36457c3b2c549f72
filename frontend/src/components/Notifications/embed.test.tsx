import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { EmbedPreview } from "./EmbedPreview";
import { buildEmbed, sampleEvent } from "./embed";

const now = new Date("2025-03-01T12:00:00Z");

describe("buildEmbed", () => {
  it("lays out a restock like the real alert", () => {
    const embed = buildEmbed(sampleEvent("restock", now));
    expect(embed.title).toBe("Nike Dunk Low Retro - White/Black");
    expect(embed.author).toBe("Phantom test store");
    expect(embed.colour).toBe("#3498db");
    expect(embed.fields.map((f) => f.name)).toEqual(["Event", "Price", "Store", "Style", "Sizes (3)"]);
    const sizes = embed.fields[4]?.value ?? [];
    expect(sizes.filter((s) => s.href).map((s) => [s.text, s.href])).toEqual([
      ["9", "https://example.com/cart/40000000002:1"],
      ["9.5", "https://example.com/cart/40000000003:1"],
      ["10", "https://example.com/cart/40000000004:1"],
    ]);
  });

  it("shows a price change with the old price struck through", () => {
    const price = buildEmbed(sampleEvent("price_change", now)).fields.find((f) => f.name === "Price");
    expect(price?.value[0]).toEqual({ text: "$120.00", strike: true });
    expect(price?.value[1]?.text).toBe(" → $110.00 (▼ down $10.00, 8%)");
  });

  it("gives sold-out sizes no cart links", () => {
    const field = buildEmbed(sampleEvent("sold_out", now)).fields.find((f) => f.name.startsWith("Sizes gone"));
    expect(field?.name).toBe("Sizes gone (3)");
    expect(field?.value.some((s) => s.href)).toBe(false);
  });

  it("describes a password page without product fields", () => {
    const embed = buildEmbed(sampleEvent("password_down", now));
    expect(embed.title).toBe("Password page down — Phantom test store");
    expect(embed.fields.map((f) => f.name)).toEqual(["Event", "Store"]);
  });
});

describe("EmbedPreview", () => {
  it("renders the embed with links and the colour bar", () => {
    render(<EmbedPreview embed={buildEmbed(sampleEvent("restock", now))} />);
    const embed = screen.getByTestId("embed");
    expect(within(embed).getByRole("link", { name: "Nike Dunk Low Retro - White/Black" })).toHaveAttribute(
      "href",
      "https://example.com/products/nike-dunk-low-retro-white-black",
    );
    expect(within(embed).getByRole("link", { name: "9.5" })).toHaveAttribute("href", "https://example.com/cart/40000000003:1");
    expect(within(embed).getByText("Sizes (3)")).toBeInTheDocument();
    expect(embed.querySelector(".embed-bar")).toHaveStyle({ background: "#3498db" });
  });
});
