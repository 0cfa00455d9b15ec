import { DurableObject } from "cloudflare:workers";

type Env = { OBJ: DurableObjectNamespace<Obj> };

export class Obj extends DurableObject<Env> {
  async run(): Promise<string[]> {
    const out: string[] = [];
    try { this.ctx.storage.sql.exec("SELECT 1"); } catch (e) { out.push((e as Error).message); }
    try { this.ctx.storage.kv.get("x"); } catch (e) { out.push((e as Error).message); }
    await this.ctx.storage.put("k", 1);
    out.push("async api: " + (await this.ctx.storage.get("k")));
    return out;
  }
}

export const legacy = {
  async test(_c: unknown, env: Env) {
    for (const l of await env.OBJ.getByName("l").run()) console.log(l);
  },
};
