import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
const attempt = (out: string[], f: () => unknown) => { try { const r = f(); out.push("=> " + JSON.stringify(r)); } catch (e) { out.push((e as Error).name + ": " + (e as Error).message); } };
export class Obj extends DurableObject<Env> {
  run(): string[] {
    const sql = this.ctx.storage.sql;
    const out: string[] = [];
    const q = (s: string) => attempt(out, () => sql.exec(s).toArray());
    sql.exec("CREATE TABLE t (a)");
    this.ctx.storage.kv.put("k", 1);
    for (const s of [
      "BEGIN TRANSACTION", "COMMIT", "ROLLBACK", "SAVEPOINT sp", "RELEASE sp", "END",
      "ATTACH DATABASE ':memory:' AS other", "DETACH other",
      "CREATE TEMP TABLE tt (a)", "CREATE TEMPORARY VIEW tv AS SELECT 1",
      "SELECT * FROM _cf_KV", "CREATE TABLE _cf_mine (a)", "DROP TABLE _cf_KV", "SELECT * FROM _cf_METADATA",
      "PRAGMA cache_size", "PRAGMA writable_schema = 1", "VACUUM", "ANALYZE",
      "SELECT load_extension('x')", "SELECT sqlite_source_id()", "SELECT randomblob(2) IS NOT NULL",
      "SELECT soundex('robert')", "SELECT sqlite_compileoption_used('X')",
      "REINDEX", "SELECT * FROM sqlite_temp_master",
    ]) q(s);
    return out;
  }
}
export const run = {
  async test(_c: unknown, env: Env) {
    for (const line of await env.OBJ.getByName("x").run()) console.log(line);
  },
};
