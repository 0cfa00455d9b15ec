import { DurableObject } from "cloudflare:workers";

type Env = { OBJ: DurableObjectNamespace<Obj> };

export class Obj extends DurableObject<Env> {
  syncKv(): string[] {
    const kv = this.ctx.storage.kv;
    const out: string[] = [];
    out.push(String(kv.get("missing")));
    kv.put("b", { nested: [1, "two"] });
    kv.put("a", 1);
    kv.put("c", "three");
    kv.put("u", undefined);
    out.push(JSON.stringify(kv.get("b")));
    out.push(JSON.stringify([...kv.list()]));
    out.push(JSON.stringify([...kv.list({ prefix: "b" })]) + " " + JSON.stringify([...kv.list({ start: "b", limit: 1 })]));
    out.push(JSON.stringify([...kv.list({ reverse: true, limit: 2 })].map(([k]) => k)));
    out.push(kv.delete("a") + " " + kv.delete("a"));
    try { kv.list({ limit: 0 }); } catch (e) { out.push((e as Error).name + ": " + (e as Error).message); }
    const first = kv.list();
    out.push(Object.prototype.toString.call(first) + " " + JSON.stringify(first.next().value));
    const second = kv.list({ reverse: true });
    try { first.next(); } catch (e) { out.push((e as Error).name + ": " + (e as Error).message); }
    out.push(JSON.stringify(second.next().value));
    return out;
  }
  async asyncKv(): Promise<string[]> {
    const s = this.ctx.storage;
    const out: string[] = [];
    await s.put("m", new Map([["x", 1]]));
    await s.put({ d1: new Date(0), d2: 2 });
    const m = (await s.get("m")) as Map<string, number>;
    out.push(m instanceof Map ? "map " + m.get("x") : "not a map");
    const d = (await s.get("d1")) as Date;
    out.push(d instanceof Date ? "date " + d.toISOString() : "not a date");
    const many = await s.get(["d2", "nope", "m"]);
    out.push(JSON.stringify([...many.keys()]));
    out.push(String(s.kv.get("d2")));
    out.push(JSON.stringify([...(await s.list({ prefix: "d" })).keys()]));
    out.push((await s.delete(["d1", "d2", "nope"])) + " " + (await s.delete("m")));
    try { await s.put("x", undefined); } catch (e) { out.push((e as Error).name); }
    await s.deleteAll();
    out.push("after deleteAll " + (await s.list()).size);
    return out;
  }
}

export const syncKv = {
  async test(_ctrl: unknown, env: Env) {
    for (const line of await env.OBJ.getByName("kv").syncKv()) console.log(line);
  },
};

export const asyncKv = {
  async test(_ctrl: unknown, env: Env) {
    for (const line of await env.OBJ.getByName("kv2").asyncKv()) console.log(line);
  },
};
