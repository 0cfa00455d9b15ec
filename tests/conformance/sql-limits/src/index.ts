import { DurableObject } from "cloudflare:workers";

type Env = { OBJ: DurableObjectNamespace<Obj> };

export class Obj extends DurableObject<Env> {
  run(): string[] {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT); CREATE TABLE b (id INTEGER PRIMARY KEY, v TEXT)");
    const cols = Array.from({ length: 101 }, (_, i) => "c" + i).join(", ");
    const queries: string[] = [
      "SELECT v FROM a JOIN b",
      "SELECT abs(1, 2)",
      "CREATE TABLE a (x)",
      "SELECT * FROM a WHERE",
      "VACUUM",
      "ATTACH DATABASE 'x.db' AS x",
      "CREATE TEMP TABLE t (x)",
      "SELECT 'a' LIKE '" + "a".repeat(51) + "'",
      "SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6",
      "CREATE TABLE wide (" + cols + ")",
      "SELECT ?101",
      "CREATE TABLE sqlite_mine (x)",
      "PRAGMA integrity_check",
      "PRAGMA foreign_keys = maybe",
      "CREATE VIRTUAL TABLE v USING dbstat",
      "SELECT json('{bad')",
      "SELECT * FROM generate_series(1, 3)",
      "SELECT soundex('x')",
      "PRAGMA table_info(a)",
      "PRAGMA foreign_keys",
      "CREATE VIRTUAL TABLE ft USING fts5(body)",
      "SELECT 'x' || ?",
    ];
    const out: string[] = [];
    for (const q of queries) {
      try {
        const rows = sql.exec(q, ...(q.includes("|| ?") ? ["y"] : [])).raw().toArray();
        out.push("rows " + JSON.stringify(rows));
      } catch (e) {
        out.push((e as Error).message);
      }
    }
    out.push("x".repeat(0) + sql.exec("SELECT length(?) AS n", "y".repeat(100_001)).one().n);
    try { sql.exec("SELECT 1 " + " ".repeat(100_000)); } catch (e) { out.push((e as Error).message); }
    return out;
  }
}

export const limits = {
  async test(_c: unknown, env: Env) {
    for (const l of await env.OBJ.getByName("l").run()) console.log(l);
  },
};
