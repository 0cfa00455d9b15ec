import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
// Cursors read their rows from SQLite on demand (one row ahead of the reader), so writes made
// while a cursor is open show in the rows it has not read yet.
export class Obj extends DurableObject<Env> {
  run(): string[] {
    const sql = this.ctx.storage.sql;
    const out: string[] = [];
    const show = (label: string, v: unknown) => out.push(label + " " + JSON.stringify(v));
    sql.exec("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)");
    sql.exec("INSERT INTO t VALUES (1, '1'), (2, '[2]'), (3, '{bad'), (4, '4')");
    const c = sql.exec("SELECT * FROM t");
    const r0 = c.rowsRead; c.next(); const r1 = c.rowsRead; c.toArray();
    show("rowsRead as rows are read:", [r0, r1, c.rowsRead, c.rowsWritten]);
    const ins = sql.exec("SELECT a FROM t ORDER BY a");
    const first = ins.next().value;
    sql.exec("INSERT INTO t VALUES (10, '10')");
    show("insert while open:", [first, ins.toArray()]);
    const del = sql.exec("SELECT a FROM t ORDER BY a");
    del.next();
    sql.exec("DELETE FROM t WHERE a = 3");
    show("delete while open:", del.toArray());
    sql.exec("INSERT INTO t VALUES (3, '{bad')");
    const bad = sql.exec("SELECT a, json(b) AS j FROM t ORDER BY a");
    const seen: unknown[] = [];
    try { for (const r of bad) seen.push(r.a); } catch (e) { seen.push((e as Error).message); }
    show("error while stepping:", seen);
    try { sql.exec("SELECT json(b) FROM t WHERE a = 3"); } catch (e) { show("error on the first row:", (e as Error).message); }
    const a = sql.exec("SELECT a FROM t ORDER BY a");
    const b = sql.exec("SELECT a FROM t ORDER BY a DESC");
    show("two cursors:", [a.next().value, b.next().value, a.next().value, b.next().value, a.toArray().length, b.toArray().length]);
    const left = sql.exec("SELECT a FROM t ORDER BY a");
    left.next(); left.next(); left.next(); left.next();
    show("one() of the last row:", left.one());
    const upd = sql.exec("UPDATE t SET b = b || '!' RETURNING a");
    const w0 = upd.rowsWritten; upd.next();
    show("RETURNING writes at once:", [w0, upd.rowsWritten, upd.toArray().length]);
    show("written:", [sql.exec("INSERT INTO t VALUES (20, 'x')").rowsWritten, sql.exec("UPDATE t SET b = 'y' WHERE a > 4").rowsWritten, sql.exec("DELETE FROM t WHERE a >= 10").rowsWritten]);
    const raw = sql.exec("SELECT a FROM t ORDER BY a").raw();
    show("raw:", [raw.next().value, raw.toArray()]);
    return out;
  }
}
export const lazy = {
  async test(_c: unknown, env: Env) {
    for (const l of await env.OBJ.getByName("l").run()) console.log(l);
  },
};
