// The read-only documents that show a class's shadow schema: `dols-schema:/<Class>.sql`
// (the `.sql` name gives them SQL highlighting), their text kept in memory.

export const SCHEME = "dols-schema";

/** The server's answer to `dols.showSchema`. */
export interface SchemaAnswer {
  class: string;
  uri: string | null;
  sql: string;
}

export function isSchemaAnswer(value: unknown): value is SchemaAnswer {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.class === "string" && typeof v.sql === "string";
}

/** The path of a schema document: one per class name, so showing it again refreshes it. */
export function schemaPath(className: string): string {
  const safe = className.replace(/[^A-Za-z0-9_$-]/g, "_");
  return `/${safe}.sql`;
}

export class SchemaStore {
  private texts = new Map<string, string>();

  set(path: string, sql: string): void {
    this.texts.set(path, sql);
  }

  get(path: string): string {
    return this.texts.get(path) ?? "-- The schema of this class is no longer known: run the command again.\n";
  }
}
