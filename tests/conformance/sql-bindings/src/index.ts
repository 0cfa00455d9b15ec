import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
const attempt = (out: string[], f: () => unknown) => { try { const r = f(); out.push("=> " + JSON.stringify(r)); } catch (e) { out.push((e as Error).name + ": " + (e as Error).message); } };
export class Obj extends DurableObject<Env> {
  run(): string[] {
    const sql = this.ctx.storage.sql;
    const out: string[] = [];
    const t = (...args: unknown[]) => attempt(out, () => sql.exec("SELECT " + args.map(() => "typeof(?) || ':' || quote(?)").join(", ") + " AS v", ...args.flatMap((a) => [a, a])).raw().toArray());
    t(1); t(1.5); t(-0); t(2 ** 53); t(1e300); t(NaN); t(Infinity);
    t("text"); t(""); t(true); t(false); t(null); t(undefined);
    t(new Uint8Array([1, 2])); t(new Uint8Array([1, 2, 3, 4]).subarray(1, 3)); t(new ArrayBuffer(3)); t(new DataView(new ArrayBuffer(1)));
    t(new Date(0)); t({ a: 1 }); t([1, 2]);
    t(10n);
    t(Symbol("s"));
    return out;
  }
}
export const run = {
  async test(_c: unknown, env: Env) {
    for (const line of await env.OBJ.getByName("x").run()) console.log(line);
  },
};
