import { DurableObject } from "cloudflare:workers";

type Env = { OBJ: DurableObjectNamespace<Obj> };

export class Obj extends DurableObject<Env> {
  ready = false;
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      await new Promise((r) => setTimeout(r, 10));
      this.ready = true;
    });
  }
  isReady(): boolean {
    return this.ready;
  }
  async increment(): Promise<number> {
    // Read, await storage, write: safe only because events to one object are serialised.
    const v = ((await this.ctx.storage.get("n")) as number | undefined) ?? 0;
    await this.ctx.storage.put("n", v + 1);
    return v + 1;
  }
}

export const serialised = {
  async test(_ctrl: unknown, env: Env) {
    const stub = env.OBJ.getByName("s");
    console.log("ready on first call:", await stub.isReady());
    const results = await Promise.all([stub.increment(), stub.increment(), stub.increment()]);
    console.log(JSON.stringify(results));
    const other = env.OBJ.getByName("other");
    console.log(JSON.stringify(await Promise.all([other.increment(), stub.increment()])));
  },
};
