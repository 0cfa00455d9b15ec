import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
const attempt = async (out: string[], f: () => unknown) => { try { const r = await f(); out.push("=> " + JSON.stringify(r)); } catch (e) { out.push((e as Error).name + ": " + (e as Error).message); } };
export class Obj extends DurableObject<Env> {
  async run(): Promise<string[]> {
    const s = this.ctx.storage;
    const out: string[] = [];
    s.sql.exec("CREATE TABLE t (v)");
    const count = () => s.sql.exec("SELECT count(*) AS n FROM t").one().n;
    await attempt(out, () => s.transactionSync(() => { s.sql.exec("INSERT INTO t VALUES (1)"); return { value: count() }; }));
    const err = new RangeError("mine");
    try { s.transactionSync(() => { s.sql.exec("INSERT INTO t VALUES (2)"); throw err; }); } catch (e) { out.push("same error " + (e === err) + " count " + count()); }
    await attempt(out, () => s.transactionSync(() => {
      s.sql.exec("INSERT INTO t VALUES (3)");
      try { s.transactionSync(() => { s.sql.exec("INSERT INTO t VALUES (4)"); s.transactionSync(() => { s.sql.exec("INSERT INTO t VALUES (5)"); }); throw new Error("middle"); }); } catch {}
      return s.sql.exec("SELECT group_concat(v) AS g FROM t").one().g;
    }));
    await attempt(out, () => s.transactionSync(() => { s.kv.put("k", 1); s.kv.delete("k"); s.kv.put("k2", 2); return s.kv.get("k2"); }));
    try { s.transactionSync(() => { s.kv.put("k2", 99); s.sql.exec("INSERT INTO nope VALUES (1)"); }); } catch (e) { out.push((e as Error).message + " k2=" + s.kv.get("k2")); }
    await attempt(out, async () => { const r = s.transactionSync(async () => { s.sql.exec("INSERT INTO t VALUES (6)"); return 1; }); return [typeof r, r instanceof Promise]; });
    await attempt(out, () => s.transactionSync(undefined as any));
    await attempt(out, () => count());
    return out;
  }
}
export const run = {
  async test(_c: unknown, env: Env) {
    for (const line of await env.OBJ.getByName("x").run()) console.log(line);
  },
};
