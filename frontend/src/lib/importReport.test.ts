import { describe, expect, it } from "vitest";
import { ImportRejected, describeProblem, problemsOf, unwrapImport } from "./importReport";

describe("import reports", () => {
  it("reads the profile (row) and task (item) problem shapes, sorted by row", () => {
    expect(problemsOf({ problems: [{ item: 3, field: "sizes", reason: "bad" }, { row: 1, field: "email", reason: "required" }] })).toEqual([
      { row: 1, field: "email", reason: "required" },
      { row: 3, field: "sizes", reason: "bad" },
    ]);
    expect(problemsOf({ problems: [[2, "card.number", "not valid"]] })).toEqual([{ row: 2, field: "card.number", reason: "not valid" }]);
    expect(problemsOf({ error: "X" })).toEqual([]);
    expect(describeProblem({ row: 0, field: "content", reason: "no header row" })).toBe("File · content: no header row");
  });

  it("turns a refused import into an error carrying its problems", async () => {
    const body = { error: "TaskBatchRejected", detail: "1 problem(s)", problems: [{ item: 1, field: "store", reason: "unknown store" }] };
    const pending = Promise.resolve({ error: body, response: new Response(null, { status: 400 }) });
    const error = await unwrapImport(pending).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRejected);
    expect((error as ImportRejected).problems).toEqual([{ row: 1, field: "store", reason: "unknown store" }]);
    expect((error as ImportRejected).status).toBe(400);
  });
});
