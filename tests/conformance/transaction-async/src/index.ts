import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
const attempt = async (out: string[], f: () => unknown) => { try { const r = await f(); out.push("=> " + JSON.stringify(r)); } catch (e) { out.push((e as Error).name + ": " + (e as Error).message); } };
export class Obj extends DurableObject<Env> {
  async run(): Promise<string[]> {
    const s = this.ctx.storage;
    const out: string[] = [];
    await attempt(out, () => s.transaction(async (txn) => { await txn.put("a", 1); await txn.put({ b: 2, c: 3 }); return [await txn.get("a"), [...(await txn.get(["b", "c"]))]]; }));
    await attempt(out, () => s.transaction(async (txn) => { await txn.delete("c"); return [...(await txn.list())]; }));
    await attempt(out, () => s.transaction(async (txn) => { await txn.put("a", 100); await new Promise((r) => setTimeout(r, 5)); throw new Error("after a timer"); }));
    await attempt(out, () => s.get("a"));
    await attempt(out, () => s.transaction(async (txn) => { await txn.put("r", 1); txn.rollback(); return "returned after rollback"; }));
    await attempt(out, () => s.get("r"));
    await attempt(out, () => s.transaction(async () => { s.sql.exec("CREATE TABLE t (v)"); s.sql.exec("INSERT INTO t VALUES (1)"); s.kv.put("sync", true); }));
    await attempt(out, () => [s.sql.exec("SELECT count(*) AS n FROM t").one().n, s.kv.get("sync")]);
    await attempt(out, () => s.transaction(async () => { s.sql.exec("INSERT INTO t VALUES (2)"); s.sql.exec("INSERT INTO missing VALUES (1)"); }));
    await attempt(out, () => s.sql.exec("SELECT count(*) AS n FROM t").one().n);
    await attempt(out, () => s.transaction(async (txn) => txn.transaction ? "has nested" : "no nested"));
    return out;
  }
}
export const run = {
  async test(_c: unknown, env: Env) {
    for (const line of await env.OBJ.getByName("x").run()) console.log(line);
  },
};
