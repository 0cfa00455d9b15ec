import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
const attempt = (out: string[], f: () => unknown) => { try { const r = f(); out.push("=> " + JSON.stringify(r)); } catch (e) { out.push((e as Error).name + ": " + (e as Error).message); } };
export class Obj extends DurableObject<Env> {
  run(): string[] {
    const sql = this.ctx.storage.sql;
    const out: string[] = [];
    const q = (s: string, ...b: unknown[]) => attempt(out, () => { const c = sql.exec(s, ...b); return [c.columnNames, c.raw().toArray(), c.rowsWritten]; });
    q("CREATE TABLE a (x); CREATE TABLE b (y); INSERT INTO a VALUES (1), (2); INSERT INTO b VALUES (3)");
    q("SELECT x FROM a; SELECT y FROM b");
    q("SELECT x FROM a;");
    q("  SELECT 1 AS one ;  ");
    q("SELECT 1; ;");
    q(";SELECT 1");
    q("INSERT INTO a VALUES (9); SELECT count(*) AS n FROM a WHERE x > ?", 1);
    q("SELECT ?; SELECT 1", 1);
    q("SELECT 1; SELECT ?", 1, 2);
    q("/* c */ SELECT 2 AS two -- trailing");
    q("SELECT 3 AS three; /* only a comment */");
    q("SELECT 1; SELECT * FROM missing; SELECT 2");
    q("SELECT count(*) AS n FROM a");
    q("SELECT :name AS named", 5);
    q("SELECT ?2 AS second, ?1 AS first", "a", "b");
    q("SELECT $v AS dollar", 7);
    return out;
  }
}
export const run = {
  async test(_c: unknown, env: Env) {
    for (const line of await env.OBJ.getByName("x").run()) console.log(line);
  },
};
