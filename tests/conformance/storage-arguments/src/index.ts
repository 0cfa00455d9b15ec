import { DurableObject } from "cloudflare:workers";
// The argument checks of the storage API, with the platform's texts: missing keys are refused,
// other keys become strings, arrays are key lists (not entries), list options are checked.
type Env = { OBJ: DurableObjectNamespace<Obj> };
const err = (e: unknown) => (e as Error).name + ": " + (e as Error).message;

export class Obj extends DurableObject<Env> {
  async asyncApi(): Promise<string[]> {
    const s = this.ctx.storage as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const out: string[] = [];
    const t = async (label: string, f: () => Promise<unknown>) => {
      try {
        const r = await f();
        out.push(label + " => " + JSON.stringify(r instanceof Map ? [...r] : r));
      } catch (e) {
        out.push(label + " threw " + err(e));
      }
    };
    await t("put()", () => s.put());
    await t("put(null)", () => s.put(null));
    await t("put(12, v)", async () => { await s.put(12, "twelve"); return s.get("12"); });
    await t("put(entries with undefined)", async () => { await s.put({ a: undefined, b: 1 }); return s.get(["a", "b"]); });
    await t("put([x, y])", () => s.put(["x", "y"]));
    await t("get()", () => s.get());
    await t("get(null)", () => s.get(null));
    await t("get(12)", () => s.get(12));
    await t("get({})", () => s.get({}));
    await t("delete()", () => s.delete());
    await t("delete(null)", () => s.delete(null));
    await t("delete(12)", () => s.delete(12));
    await t("list({ start, startAfter })", () => s.list({ start: "a", startAfter: "b" }));
    await t("list(null)", () => s.list(null));
    await t("list('x')", () => s.list("x"));
    await t("list({ limit: 1.5 })", async () => [...((await s.list({ limit: 1.5 })) as Map<string, unknown>).keys()]);
    await t("transaction()", () => s.transaction());
    await t("blockConcurrencyWhile(1)", () => this.ctx.blockConcurrencyWhile(1 as unknown as () => Promise<void>));
    await t("still usable", () => s.get("b"));
    return out;
  }
  syncApi(): string[] {
    const kv = this.ctx.storage.kv as unknown as Record<string, (...a: unknown[]) => unknown>;
    const out: string[] = [];
    const t = (label: string, f: () => unknown) => {
      try {
        out.push(label + " => " + JSON.stringify(f()));
      } catch (e) {
        out.push(label + " threw " + err(e));
      }
    };
    t("kv.get()", () => kv.get());
    t("kv.put()", () => kv.put());
    t("kv.put(k)", () => kv.put("k"));
    t("kv.put(k, undefined)", () => { kv.put("k", undefined); return kv.get("k"); });
    t("kv.put(7, v)", () => { kv.put(7, "seven"); return kv.get("7"); });
    t("kv.delete()", () => kv.delete());
    t("kv.list({ start, startAfter })", () => [...(kv.list({ start: "a", startAfter: "b" }) as Iterable<unknown>)]);
    t("kv.list(null)", () => [...(kv.list(null) as Iterable<unknown>)].length);
    t("kv.list('x')", () => kv.list("x"));
    t("transactionSync()", () => (this.ctx.storage as unknown as Record<string, () => unknown>).transactionSync());
    return out;
  }
}

export const asyncStorage = {
  async test(_c: unknown, env: Env) {
    for (const l of await env.OBJ.getByName("a").asyncApi()) console.log(l);
  },
};
export const syncKv = {
  async test(_c: unknown, env: Env) {
    for (const l of await env.OBJ.getByName("s").syncApi()) console.log(l);
  },
};
