import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
const attempt = (out: string[], f: () => unknown) => { try { const r = f(); out.push("=> " + JSON.stringify(r)); } catch (e) { out.push((e as Error).name + ": " + (e as Error).message); } };
export class Obj extends DurableObject<Env> {
  run(): string[] {
    const sql = this.ctx.storage.sql;
    const out: string[] = [];
    sql.exec("CREATE TABLE t (a, b)");
    sql.exec("INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'z')");
    const c = sql.exec("SELECT a, b FROM t ORDER BY a");
    out.push(JSON.stringify(c.next()));
    const raw = c.raw();
    out.push(JSON.stringify(raw.next()), JSON.stringify(raw.columnNames));
    out.push(JSON.stringify(c.toArray()), JSON.stringify(raw.next()), JSON.stringify(c.next()));
    const empty = sql.exec("SELECT a FROM t WHERE a > 10");
    out.push(JSON.stringify(empty.columnNames), JSON.stringify(empty.toArray()), JSON.stringify(empty.next()));
    const spread = [...sql.exec("SELECT a FROM t ORDER BY a DESC").raw()];
    out.push(JSON.stringify(spread));
    const once = sql.exec("SELECT a FROM t WHERE a = 2").one();
    out.push(JSON.stringify(once));
    const partial = sql.exec("SELECT a FROM t ORDER BY a");
    partial.next();
    try { partial.one(); out.push("one ok"); } catch (e) { out.push((e as Error).message); }
    const after = sql.exec("SELECT a FROM t ORDER BY a");
    after.next(); after.next();
    out.push(JSON.stringify(after.one()));
    const ins = sql.exec("INSERT INTO t VALUES (4, 'w') RETURNING a");
    out.push(JSON.stringify(ins.columnNames), JSON.stringify(ins.toArray()));
    const c2 = sql.exec("SELECT * FROM t WHERE a < 3 ORDER BY a");
    out.push(JSON.stringify(Array.from(c2, (r) => r.b)), typeof c2[Symbol.iterator], typeof sql.Cursor);
    out.push(JSON.stringify(sql.exec("SELECT a AS 'weird name', b AS \"\" FROM t WHERE a = 1").toArray()));
    return out;
  }
}
export const run = {
  async test(_c: unknown, env: Env) {
    for (const line of await env.OBJ.getByName("x").run()) console.log(line);
  },
};
