import { describe, expect, it } from "vitest";
import { ADDRESS as address, makeProfile } from "../../test/fixtures";
import { EMPTY_PROFILE_FORM, formFromProfile, guessFormat, toProfileCreate, toProfileUpdate, validateProfileForm, type ProfileFormValues } from "./profileForm";

const today = new Date(2026, 0, 10);

const filled: ProfileFormValues = {
  ...EMPTY_PROFILE_FORM,
  name: " Main ",
  email: "ada@example.com",
  shipping: { ...address, country_code: "us" },
  card: { holder: "Ada Lovelace", number: "4111 1111 1111 1111", expMonth: "08", expYear: "29", cvv: "123" },
};

describe("profile form", () => {
  it("lists every missing field by its path", () => {
    const errors = validateProfileForm(EMPTY_PROFILE_FORM, today);
    expect(errors).toMatchObject({ name: expect.any(String), email: expect.any(String), "shipping.first_name": "Required", "card.number": expect.any(String), "card.cvv": expect.any(String) });
    expect(errors["billing.first_name"]).toBeUndefined(); // billing = shipping
    expect(validateProfileForm({ ...EMPTY_PROFILE_FORM, billingSame: false }, today)["billing.city"]).toBe("Required");
  });

  it("builds the create body: digits only, four-digit year, upper-case country, null billing", () => {
    expect(validateProfileForm(filled, today)).toEqual({});
    expect(toProfileCreate(filled)).toEqual({
      name: "Main",
      email: "ada@example.com",
      phone: "",
      group: null,
      shipping: { ...address, country_code: "US" },
      billing: null,
      card: { holder: "Ada Lovelace", number: "4111111111111111", exp_month: 8, exp_year: 2029, cvv: "123" },
    });
  });

  it("never fills the card number or CVV back in, and an edit without a new card keeps the stored one", () => {
    const profile = makeProfile();
    const form = formFromProfile(profile);
    expect(form.card.number).toBe("");
    expect(form.card.cvv).toBe("");
    expect(form.replaceCard).toBe(false);
    // The card fields are not validated while the stored card is kept.
    expect(validateProfileForm({ ...form, email: "new@example.com" }, today)).toEqual({});
    expect(toProfileUpdate({ ...form, email: "new@example.com" }, profile)).toEqual({ email: "new@example.com" });
    expect(toProfileUpdate(form, profile)).toEqual({});
  });

  it("sends a new card only when replacing it, and null billing/group to clear them", () => {
    const profile = makeProfile({ billing: { ...address, city: "Salem" } });
    const form = formFromProfile(profile);
    const changes = toProfileUpdate({ ...form, replaceCard: true, card: filled.card, billingSame: true, group: "" }, profile);
    expect(changes).toEqual({ billing: null, group: null, card: { holder: "Ada Lovelace", number: "4111111111111111", exp_month: 8, exp_year: 2029, cvv: "123" } });
  });

  it("guesses the import format from the file name or the text", () => {
    expect(guessFormat("[{}]")).toBe("json");
    expect(guessFormat("name,email")).toBe("csv");
    expect(guessFormat("name,email", "x.JSON")).toBe("json");
  });
});
