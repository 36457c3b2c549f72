import { describe, expect, it } from "vitest";
import { brandOf, cardDigits, cardProblems, isExpired, luhnValid, maskedCard } from "./card";

const today = new Date(2026, 5, 15); // June 2026
const good = { holder: "Ada Lovelace", number: "4111 1111 1111 1111", expMonth: "8", expYear: "29", cvv: "123" };

describe("card rules", () => {
  it("checks the Luhn digit and reads the brand from the first digits", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(brandOf("4111111111111111")).toBe("visa");
    expect(brandOf("5500000000000004")).toBe("mastercard");
    expect(brandOf("2221000000000009")).toBe("mastercard");
    expect(brandOf("378282246310005")).toBe("amex");
    expect(brandOf("6011111111111117")).toBe("discover");
    expect(brandOf("6221260000000000")).toBe("discover");
    expect(brandOf("6200000000000005")).toBe("unionpay");
    expect(brandOf("9999")).toBeNull();
    expect(cardDigits("4111-1111 1111 1111")).toBe("4111111111111111");
  });

  it("accepts a good card and names each bad field without quoting it", () => {
    expect(cardProblems(good, today)).toEqual({});
    const bad = cardProblems({ holder: "", number: "4111 1111 1111 1112", expMonth: "13", expYear: "2026", cvv: "12" }, today);
    expect(Object.keys(bad).sort()).toEqual(["cvv", "expMonth", "holder", "number"]);
    expect(JSON.stringify(bad)).not.toContain("4111");
    expect(cardProblems({ ...good, number: "378282246310005", cvv: "123" }, today).cvv).toMatch(/4 digits/);
    expect(cardProblems({ ...good, number: "378282246310005", cvv: "1234" }, today)).toEqual({});
  });

  it("refuses an expired card but not one expiring this month", () => {
    expect(cardProblems({ ...good, expMonth: "5", expYear: "2026" }, today).expYear).toMatch(/expired/);
    expect(cardProblems({ ...good, expMonth: "6", expYear: "2026" }, today)).toEqual({});
    expect(isExpired({ exp_month: 5, exp_year: 2026 }, today)).toBe(true);
    expect(isExpired({ exp_month: 6, exp_year: 2026 }, today)).toBe(false);
  });

  it("masks a card to brand, last four and expiry", () => {
    expect(maskedCard({ brand: "visa", last4: "1111", exp_month: 8, exp_year: 2029 })).toBe("Visa •••• 1111 · 08/29");
  });
});
