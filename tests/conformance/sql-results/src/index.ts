import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
const attempt = (out: string[], f: () => unknown) => { try { const r = f(); out.push("=> " + JSON.stringify(r)); } catch (e) { out.push((e as Error).name + ": " + (e as Error).message); } };
export class Obj extends DurableObject<Env> {
  run(): string[] {
    const sql = this.ctx.storage.sql;
    const out: string[] = [];
    const show = (q: string) => attempt(out, () => { const r = sql.exec(q).raw().toArray()[0]; return r.map((v) => (v instanceof ArrayBuffer ? "blob:" + new Uint8Array(v).join("-") : typeof v + ":" + String(v))); });
    show("SELECT 1, 1.0, 1.5, -0.0, 9007199254740991, 'x', NULL, x'0a0b', zeroblob(0)");
    show("SELECT 9007199254740993");
    show("SELECT -9223372036854775808");
    show("SELECT 1e308 * 10, -1e308 * 10");
    show("SELECT 0.0 / 0");
    show("SELECT CAST('12' AS INTEGER), CAST(3.9 AS INTEGER), '5' + 1, 5 / 2, 5 / 2.0");
    show("SELECT json_object('a', 1), json_array(1, 'two'), json_extract('{\"b\":[3]}', '$.b[0]')");
    show("SELECT abs(-3), max(1, 9), min(4, 2), round(2.567, 2), length('héllo'), upper('a'), substr('abcdef', 2, 3), instr('abc', 'c')");
    show("SELECT hex('AB'), unhex('4142'), char(72, 105), unicode('A'), printf('%05d', 42), trim('  x  '), replace('aXa', 'X', 'b')");
    show("SELECT iif(1, 'y', 'n'), coalesce(NULL, 2), nullif(1, 1), ifnull(NULL, 'd'), typeof(random()), likely(1), glob('a*', 'abc'), 'abc' LIKE 'A%'");
    show("SELECT date('2024-01-31', '+1 month'), strftime('%Y', '2020-05-05'), julianday('2000-01-01')");
    return out;
  }
}
export const run = {
  async test(_c: unknown, env: Env) {
    for (const line of await env.OBJ.getByName("x").run()) console.log(line);
  },
};
