import { DurableObject } from "cloudflare:workers";

type Env = { OBJ: DurableObjectNamespace<Obj> };

export class Obj extends DurableObject<Env> {
  async lists(): Promise<string[]> {
    const s = this.ctx.storage;
    for (const k of ["b", "a", "c/1", "c/2", "d", "B"]) await s.put(k, k.toUpperCase());
    const keys = async (o?: DurableObjectListOptions) => JSON.stringify([...(await s.list(o)).keys()]);
    return [
      await keys(),
      await keys({ start: "b" }),
      await keys({ startAfter: "b" }),
      await keys({ end: "c/2" }),
      await keys({ prefix: "c/" }),
      await keys({ reverse: true }),
      await keys({ limit: 2 }),
      await keys({ reverse: true, limit: 2, prefix: "c/" }),
      JSON.stringify([...(await s.get(["d", "a", "zz"])).entries()]),
      JSON.stringify([...this.ctx.storage.kv.list({ startAfter: "a", end: "c/2" })]),
    ];
  }
}

export const lists = {
  async test(_c: unknown, env: Env) {
    for (const l of await env.OBJ.getByName("l").lists()) console.log(l);
  },
};
