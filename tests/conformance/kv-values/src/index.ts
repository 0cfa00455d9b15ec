import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
const attempt = async (out: string[], f: () => unknown) => { try { const r = await f(); out.push("=> " + JSON.stringify(r)); } catch (e) { out.push((e as Error).name + ": " + (e as Error).message); } };
export class Obj extends DurableObject<Env> {
  async run(): Promise<string[]> {
    const kv = this.ctx.storage.kv;
    const out: string[] = [];
    const values: [string, unknown][] = [["int", 1], ["float", 1.5], ["neg0", -0], ["nan", NaN], ["str", "s"], ["empty", ""], ["t", true], ["nul", null], ["big", 12n],
      ["date", new Date(1000)], ["re", /r/m], ["map", new Map([["a", [1]]])], ["set", new Set([1, 2])], ["u8", new Uint8Array([5, 6])], ["ab", new ArrayBuffer(2)],
      ["arr", [1, [2, [3]]]], ["obj", { a: { b: null } }], ["err", new TypeError("stored")]];
    for (const [k, v] of values) kv.put(k, v);
    for (const [k] of values) {
      const v: any = kv.get(k);
      const kind = v === null ? "null" : v instanceof Date ? "Date " + v.getTime() : v instanceof RegExp ? "RegExp " + v : v instanceof Map ? "Map " + JSON.stringify([...v]) : v instanceof Set ? "Set " + [...v].join() : v instanceof Uint8Array ? "Uint8Array " + v.join() : v instanceof ArrayBuffer ? "ArrayBuffer " + v.byteLength : v instanceof Error ? v.name + " " + v.message : typeof v === "bigint" ? "bigint " + v : typeof v + " " + JSON.stringify(v) + (Object.is(v, -0) ? " -0" : "");
      out.push(k + ": " + kind);
    }
    await attempt(out, () => kv.put("fn", () => 1));
    await attempt(out, () => kv.put("sym", Symbol("x")));
    await attempt(out, () => kv.get("never"));
    kv.put("undef", undefined);
    await attempt(out, () => [kv.get("undef"), [...kv.list({ prefix: "undef" })].length]);
    await attempt(out, () => kv.put("", "empty key"));
    await attempt(out, () => kv.get(""));
    await attempt(out, () => kv.delete("never"));
    return out;
  }
}
export const run = {
  async test(_c: unknown, env: Env) {
    for (const line of await env.OBJ.getByName("x").run()) console.log(line);
  },
};
