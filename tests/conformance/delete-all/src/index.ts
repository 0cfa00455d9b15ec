import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
const attempt = async (out: string[], f: () => unknown) => { try { const r = await f(); out.push("=> " + JSON.stringify(r)); } catch (e) { out.push((e as Error).name + ": " + (e as Error).message); } };
export class Obj extends DurableObject<Env> {
  async run(): Promise<string[]> {
    const s = this.ctx.storage;
    const out: string[] = [];
    s.sql.exec("CREATE TABLE t (a); INSERT INTO t VALUES (1); CREATE VIEW v AS SELECT a FROM t; CREATE INDEX ta ON t (a)");
    s.kv.put("k", 1);
    await s.put("async", 2);
    await s.setAlarm(Date.now() + 60_000);
    const before = s.sql.databaseSize;
    await attempt(out, () => s.deleteAll());
    await attempt(out, () => s.sql.exec("SELECT name FROM sqlite_master WHERE name NOT LIKE '\\_cf%' ESCAPE '\\'").toArray());
    await attempt(out, () => [s.kv.get("k"), [...s.kv.list()].length]);
    await attempt(out, async () => (await s.list()).size);
    await attempt(out, async () => (await s.getAlarm()) !== null);
    out.push("size shrank " + (s.sql.databaseSize < before));
    s.sql.exec("CREATE TABLE t (b)");
    await attempt(out, () => s.sql.exec("INSERT INTO t VALUES (5) RETURNING b").toArray());
    await s.deleteAlarm();
    return out;
  }
  async alarm(): Promise<void> {}
}
export const run = {
  async test(_c: unknown, env: Env) {
    for (const line of await env.OBJ.getByName("x").run()) console.log(line);
  },
};
