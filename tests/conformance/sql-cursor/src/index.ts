import { DurableObject } from "cloudflare:workers";

type Env = { OBJ: DurableObjectNamespace<Obj> };

export class Obj extends DurableObject<Env> {
  run(): string[] {
    const sql = this.ctx.storage.sql;
    const out: string[] = [];
    sql.exec("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n)");
    sql.exec("INSERT INTO t VALUES (?, ?, ?, ?, ?)", 1, 2.5, "x", new Uint8Array([1, 2, 3]), null);
    sql.exec("INSERT INTO t VALUES (2, 2.0, 'y', NULL, 7)");
    const c = sql.exec("SELECT * FROM t ORDER BY i");
    out.push(JSON.stringify(c.columnNames));
    const first = c.next();
    const row = first.value!;
    out.push([first.done, typeof row.i, typeof row.r, typeof row.s, row.b instanceof ArrayBuffer, row.n].join(","));
    out.push(JSON.stringify(Array.from(new Uint8Array(row.b as ArrayBuffer))));
    out.push(JSON.stringify(c.toArray().map((r) => [r.i, r.r, r.s, r.b, r.n])));
    out.push(JSON.stringify(c.next()) + " " + ("value" in c.next()));
    out.push(JSON.stringify(sql.exec("SELECT s, i FROM t ORDER BY i").raw().toArray()));
    const it = sql.exec("SELECT i FROM t ORDER BY i");
    const ids: unknown[] = [];
    for (const r of it) ids.push(r.i);
    out.push(JSON.stringify(ids) + " again=" + JSON.stringify([...it]));
    out.push(JSON.stringify(sql.exec("SELECT 1 AS a; SELECT 2 AS b").toArray()));
    out.push(JSON.stringify(sql.exec("SELECT typeof(?) AS t1, typeof(?) AS t2, ? AS b", 1, "1", true).one()));
    out.push(JSON.stringify(sql.exec("SELECT 1 AS a, 2 AS a").toArray()) + " " + JSON.stringify(sql.exec("SELECT 1 AS a, 2 AS a").columnNames));
    for (const q of ["SELECT i FROM t WHERE i > 5", "SELECT i FROM t"]) {
      try { sql.exec(q).one(); } catch (e) { out.push((e as Error).message); }
    }
    const w = sql.exec("INSERT INTO t (i) VALUES (3), (4), (5)");
    out.push("written=" + w.rowsWritten + " columns=" + JSON.stringify(w.columnNames));
    out.push("size=" + (sql.databaseSize > 0));
    return out;
  }
}

export const cursor = {
  async test(_ctrl: unknown, env: Env) {
    for (const line of await env.OBJ.getByName("cursor").run()) console.log(line);
  },
};
