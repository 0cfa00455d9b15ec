import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
const attempt = async (out: string[], f: () => unknown) => { try { const r = await f(); out.push("=> " + JSON.stringify(r)); } catch (e) { out.push((e as Error).name + ": " + (e as Error).message); } };
export class Obj extends DurableObject<Env> {
  async run(): Promise<string[]> {
    const s = this.ctx.storage;
    const out: string[] = [];
    await attempt(out, () => s.put("a", 1));
    await attempt(out, () => s.put({ b: 2, c: [3] }));
    await attempt(out, () => s.get("a"));
    await attempt(out, async () => [...(await s.get(["c", "zzz", "a"]))]);
    await attempt(out, async () => [...(await s.get([]))]);
    await attempt(out, () => s.delete(["a", "zzz"]));
    await attempt(out, () => s.delete("b"));
    await attempt(out, () => s.delete([]));
    await attempt(out, async () => [...(await s.list())]);
    const keys = Array.from({ length: 129 }, (_, i) => "k" + i);
    await attempt(out, () => s.get(keys));
    await attempt(out, () => s.delete(keys));
    await attempt(out, () => s.put(Object.fromEntries(keys.map((k) => [k, 1]))));
    await attempt(out, () => s.put({ ok: 1, bad: undefined }));
    await attempt(out, () => s.get("ok"));
    await attempt(out, () => s.put("x", undefined));
    await attempt(out, async () => (await s.list({ limit: 1.5 })).size);
    await attempt(out, async () => (await s.list({ limit: -1 })).size);
    await attempt(out, async () => (await s.list({ prefix: "" })).size);
    const p = s.put("later", 1);
    out.push(String(p instanceof Promise) + " " + String(s.kv.get("later")));
    await p;
    await attempt(out, () => s.sync());
    return out;
  }
}
export const run = {
  async test(_c: unknown, env: Env) {
    for (const line of await env.OBJ.getByName("x").run()) console.log(line);
  },
};
