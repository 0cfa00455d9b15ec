import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
let constructed = 0;
// ctx.abort() and a failed blockConcurrencyWhile() callback break the object: the event fails
// (even when the code catches the error), the object is constructed again on its next event,
// and a stub that reached the broken instance keeps failing with the same error.
export class Obj extends DurableObject<Env> {
  n = 0;
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    constructed++;
  }
  bump(): string { return `n=${++this.n} constructed=${constructed}`; }
  abortNow(): string { this.ctx.abort("stop it"); return "after abort"; }
  abortCaught(): string { try { this.ctx.abort(); } catch { return "caught the abort"; } return "not thrown"; }
  async bcwThrows(): Promise<string> {
    try {
      await this.ctx.blockConcurrencyWhile(async () => { throw new Error("bcw failed"); });
    } catch (e) {
      return "caught " + (e as Error).message;
    }
    return "no error";
  }
}
export const reset = {
  async test(_c: unknown, env: Env) {
    const show = async (label: string, f: () => unknown) => {
      try { console.log(label, await f()); } catch (e) { console.log(label, "threw", (e as Error).name + ": " + (e as Error).message); }
    };
    const a = env.OBJ.getByName("a");
    await show("bump:", () => a.bump());
    await show("abort:", () => a.abortNow());
    await show("same stub:", () => a.bump());
    await show("new stub:", () => env.OBJ.getByName("a").bump());
    const b = env.OBJ.getByName("b");
    await show("abort caught:", () => b.abortCaught());
    await show("same stub:", () => b.bump());
    await show("new stub:", () => env.OBJ.getByName("b").bump());
    const c = env.OBJ.getByName("c");
    await show("bump:", () => c.bump());
    await show("bcw throws:", () => c.bcwThrows());
    await show("same stub:", () => c.bump());
    await show("new stub:", () => env.OBJ.getByName("c").bump());
  },
};
