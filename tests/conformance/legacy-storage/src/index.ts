import { DurableObject } from "cloudflare:workers";
type Env = { OLD: DurableObjectNamespace<Old> };
export class Old extends DurableObject<Env> {
  async run(): Promise<string[]> {
    const out: string[] = [];
    await this.ctx.storage.put("a", { n: 1 });
    await this.ctx.storage.put({ b: 2, c: 3 });
    out.push(JSON.stringify(await this.ctx.storage.get("a")), JSON.stringify([...(await this.ctx.storage.list())]));
    out.push(String(await this.ctx.storage.delete("b")), JSON.stringify([...(await this.ctx.storage.list({ reverse: true }))].map(([k]) => k)));
    const r = await this.ctx.storage.transaction(async (txn) => { await txn.put("d", 4); return txn.get("d"); });
    out.push("txn " + r);
    for (const f of [() => this.ctx.storage.sql.exec("SELECT 1"), () => this.ctx.storage.kv.get("a"), () => this.ctx.storage.sql.databaseSize]) {
      try { f(); out.push("allowed"); } catch (e) { out.push((e as Error).name + ": " + (e as Error).message.slice(0, 60)); }
    }
    await this.ctx.storage.deleteAll();
    out.push("after deleteAll " + (await this.ctx.storage.list()).size);
    return out;
  }
}
export const legacy = {
  async test(_c: unknown, env: Env) {
    for (const l of await env.OLD.getByName("o").run()) console.log(l);
  },
};
