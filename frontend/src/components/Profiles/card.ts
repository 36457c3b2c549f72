/** Card rules the form checks before sending (the backend checks them again): Luhn, brand, CVV, expiry. */
import type { CardBrand, CardRead } from "../../api/models";

export const BRAND_LABELS: Record<CardBrand, string> = {
  visa: "Visa",
  mastercard: "Mastercard",
  amex: "Amex",
  discover: "Discover",
  jcb: "JCB",
  diners: "Diners",
  unionpay: "UnionPay",
  maestro: "Maestro",
};

// (brand, from, to, leading digits) — the same table as phantom/domain/cards.py, first match wins.
const IIN: readonly [CardBrand, number, number, number][] = [
  ["amex", 34, 34, 2],
  ["amex", 37, 37, 2],
  ["diners", 300, 305, 3],
  ["diners", 3095, 3095, 4],
  ["diners", 36, 36, 2],
  ["diners", 38, 39, 2],
  ["jcb", 3528, 3589, 4],
  ["visa", 4, 4, 1],
  ["mastercard", 51, 55, 2],
  ["mastercard", 2221, 2720, 4],
  ["maestro", 5018, 5018, 4],
  ["maestro", 5020, 5020, 4],
  ["maestro", 5038, 5038, 4],
  ["maestro", 5893, 5893, 4],
  ["maestro", 6304, 6304, 4],
  ["maestro", 6759, 6759, 4],
  ["maestro", 6761, 6763, 4],
  ["discover", 6011, 6011, 4],
  ["discover", 622126, 622925, 6],
  ["discover", 644, 649, 3],
  ["discover", 65, 65, 2],
  ["unionpay", 62, 62, 2],
  ["unionpay", 81, 81, 2],
];

/** "4111 1111-1111 1111" -> "4111111111111111". */
export function cardDigits(number: string): string {
  return number.replace(/[\s-]/g, "");
}

export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let total = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d > 4 ? d * 2 - 9 : d * 2;
    total += d;
  }
  return total % 10 === 0;
}

export function brandOf(digits: string): CardBrand | null {
  if (!/^\d+$/.test(digits)) return null;
  for (const [brand, low, high, width] of IIN) {
    if (digits.length >= width) {
      const head = Number(digits.slice(0, width));
      if (head >= low && head <= high) return brand;
    }
  }
  return null;
}

export function cvvLength(brand: CardBrand | null): number {
  return brand === "amex" ? 4 : 3;
}

/** Two-digit years read as 20YY, as the backend does. */
export function fullYear(year: number): number {
  return year >= 0 && year < 100 ? year + 2000 : year;
}

export interface CardInputValues {
  holder: string;
  number: string;
  expMonth: string;
  expYear: string;
  cvv: string;
}

/** Problems by field ("number", "cvv", …), never quoting the number or the CVV. */
export function cardProblems(c: CardInputValues, today: Date = new Date()): Partial<Record<keyof CardInputValues, string>> {
  const problems: Partial<Record<keyof CardInputValues, string>> = {};
  const digits = cardDigits(c.number.trim());
  const brand = brandOf(digits);
  if (!c.holder.trim()) problems.holder = "Card holder is required";
  if (!digits) problems.number = "Card number is required";
  else if (!/^\d{12,19}$/.test(digits)) problems.number = "A card number has 12 to 19 digits";
  else if (!luhnValid(digits)) problems.number = "Not a valid card number (check digit)";
  else if (!brand) problems.number = "Unknown card brand";
  const month = Number(c.expMonth);
  const year = fullYear(Number(c.expYear));
  if (!/^\d{1,2}$/.test(c.expMonth.trim()) || month < 1 || month > 12) problems.expMonth = "Month 1–12";
  if (!/^\d{2}(\d{2})?$/.test(c.expYear.trim())) problems.expYear = "Year as YY or YYYY";
  else if (!problems.expMonth) {
    const now = today.getFullYear() * 12 + today.getMonth();
    const exp = year * 12 + (month - 1);
    if (exp < now) problems.expYear = "The card has expired";
    else if (year > today.getFullYear() + 20) problems.expYear = "Too far in the future";
  }
  const cvv = c.cvv.trim();
  if (!cvv) problems.cvv = "CVV is required";
  else if (!/^\d+$/.test(cvv) || cvv.length !== cvvLength(brand)) problems.cvv = `${cvvLength(brand)} digits for this card`;
  return problems;
}

/** "Visa •••• 1111 · 08/29" — all a profile ever shows of its card. */
export function maskedCard(card: Pick<CardRead, "brand" | "last4" | "exp_month" | "exp_year">): string {
  const label = BRAND_LABELS[card.brand] ?? card.brand;
  return `${label} •••• ${card.last4} · ${String(card.exp_month).padStart(2, "0")}/${String(card.exp_year % 100).padStart(2, "0")}`;
}

export function isExpired(card: Pick<CardRead, "exp_month" | "exp_year">, today: Date = new Date()): boolean {
  return card.exp_year * 12 + (card.exp_month - 1) < today.getFullYear() * 12 + today.getMonth();
}
