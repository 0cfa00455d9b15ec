import { DurableObject } from "cloudflare:workers";

type Env = { OBJ: DurableObjectNamespace<Obj>; OTHER: DurableObjectNamespace<Other> };

export class Other extends DurableObject<Env> {}

export class Obj extends DurableObject<Env> {
  values(): string[] {
    const sql = this.ctx.storage.sql;
    const out: string[] = [];
    const show = (q: string, ...args: unknown[]) => {
      try {
        const rows = sql.exec(q, ...args).raw().toArray();
        out.push(JSON.stringify(rows, (_k, v) => (v instanceof ArrayBuffer ? "blob:" + Array.from(new Uint8Array(v)).join(".") : typeof v === "number" && !Number.isFinite(v) ? String(v) : v)));
      } catch (e) {
        out.push((e as Error).name + ": " + (e as Error).message);
      }
    };
    show("SELECT 9223372036854775807, 9007199254740993, 2.0, 1e300 * 10, -1e300 * 10");
    show("SELECT ?, typeof(?)", NaN, NaN);
    show("SELECT ?, typeof(?)", Infinity, -0);
    show("SELECT ?, typeof(?)", new Int32Array([1]), new DataView(new ArrayBuffer(2)));
    show("SELECT ?, ?, ?", { a: 1 }, [1, 2], false);
    show("SELECT ?, typeof(?)", undefined, null);
    show("SELECT ?", Symbol("s"));
    show("SELECT :a, @b, $c, ?1", 1, 2, 3);
    show("SELECT ?2", 1, 2);
    show("SELECT x'0102', zeroblob(2), '?'");
    show("SELECT json_extract('{\"a\": [1, 2]}', '$.a[1]'), json('[1,2]')");
    show("CREATE TABLE s (a INTEGER) STRICT; INSERT INTO s VALUES (?)", "x");
    sql.exec("CREATE TABLE IF NOT EXISTS n (a INTEGER, b, c TEXT)");
    sql.exec("INSERT INTO n VALUES (?, ?, ?)", 5, 5, 5);
    show("SELECT typeof(a), typeof(b), typeof(c), c FROM n");
    show("SELECT count(*) FROM n WHERE b = 5");
    show("INSERT INTO n VALUES (6, 6, 6), (7, 7, 7) RETURNING a");
    return out;
  }
}

export const values = {
  async test(_c: unknown, env: Env) {
    for (const line of await env.OBJ.getByName("v").values()) console.log(line);
  },
};
