/**
 * Imports (profiles, tasks) answer a bad file with every problem, by row, and import nothing. This turns
 * such a reply into an error the import screens can list row by row.
 */
import { ApiError } from "../api/client";

export interface RowProblem {
  /** Counted from 1; 0 is the file as a whole. */
  row: number;
  field: string;
  reason: string;
}

export class ImportRejected extends ApiError {
  readonly problems: RowProblem[];

  constructor(status: number, code: string, detail: string, problems: RowProblem[]) {
    super(status, code, detail);
    this.name = "ImportRejected";
    this.problems = problems;
  }
}

function asProblem(item: unknown): RowProblem | null {
  if (Array.isArray(item) && item.length === 3) {
    const [row, field, reason] = item as unknown[];
    if (typeof row === "number") return { row, field: String(field), reason: String(reason) };
  }
  if (item && typeof item === "object") {
    const p = item as { row?: unknown; item?: unknown; index?: unknown; field?: unknown; reason?: unknown; detail?: unknown; error?: unknown };
    const row = p.row ?? p.item ?? p.index;
    const reason = p.reason ?? p.detail ?? p.error;
    if (typeof row === "number" && reason !== undefined) return { row, field: String(p.field ?? ""), reason: String(reason) };
  }
  return null;
}

/** The problems in an error body (`problems`, or `errors`, as objects or [row, field, reason] triples). */
export function problemsOf(body: unknown): RowProblem[] {
  if (!body || typeof body !== "object") return [];
  const b = body as { problems?: unknown; errors?: unknown };
  const list = Array.isArray(b.problems) ? b.problems : Array.isArray(b.errors) ? b.errors : [];
  return list.map(asProblem).filter((p): p is RowProblem => p !== null).sort((a, b) => a.row - b.row);
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Like `unwrap`, but a failed reply becomes an ImportRejected carrying its per-row problems. */
export async function unwrapImport<T>(pending: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await pending;
  if (response.ok) return data as T;
  const body = (error && typeof error === "object" ? error : {}) as { error?: unknown; detail?: unknown };
  throw new ImportRejected(
    response.status,
    typeof body.error === "string" ? body.error : `HTTP ${response.status}`,
    typeof body.detail === "string" ? body.detail : "",
    problemsOf(error),
  );
}

/** "Row 3 · card.number: not a valid card number", or the file-wide problem without a row. */
export function describeProblem(p: RowProblem): string {
  const where = p.row > 0 ? `Row ${p.row}` : "File";
  return p.field ? `${where} · ${p.field}: ${p.reason}` : `${where}: ${p.reason}`;
}
