import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
export class Obj extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS t (v TEXT)");
  }
  rows(): string { return this.ctx.storage.sql.exec("SELECT group_concat(v, ',') AS g FROM (SELECT v FROM t ORDER BY rowid)").one().g as string; }
  async throwAfterTimer(): Promise<void> {
    this.ctx.storage.sql.exec("INSERT INTO t VALUES ('before timer')");
    await new Promise((r) => setTimeout(r, 5));
    this.ctx.storage.sql.exec("INSERT INTO t VALUES ('after timer')");
    throw new Error("thrown after the timer");
  }
  async throwAfterStorageAwait(): Promise<void> {
    this.ctx.storage.sql.exec("INSERT INTO t VALUES ('before get')");
    await this.ctx.storage.get("x");
    this.ctx.storage.sql.exec("INSERT INTO t VALUES ('after get')");
    throw new Error("thrown after a storage await");
  }
  failedStatement(): string {
    this.ctx.storage.sql.exec("INSERT INTO t VALUES ('kept')");
    try { this.ctx.storage.sql.exec("INSERT INTO t VALUES ('partial'), (NULL + unknown_column)"); } catch (e) { return (e as Error).message; }
    return "no error";
  }
  syncLoop(): number {
    for (let i = 0; i < 100; i++) this.ctx.storage.kv.put("k" + i, i);
    return [...this.ctx.storage.kv.list({ prefix: "k" })].length;
  }
}
export const coalescing = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("w");
    for (const m of ["throwAfterTimer", "throwAfterStorageAwait"] as const) {
      try { await stub[m](); } catch (e) { console.log((e as Error).message); }
      console.log(await stub.rows());
    }
    console.log(await stub.failedStatement(), "|", await stub.rows());
    console.log(await stub.syncLoop());
  },
};
