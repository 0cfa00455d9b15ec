import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
export class Obj extends DurableObject<Env> {
  log: string[] = [];
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.log.push("ctor block start");
      await tick(20);
      this.ctx.storage.kv.put("init", "done");
      this.log.push("ctor block end");
    });
  }
  async value(): Promise<string> {
    const v = await this.ctx.blockConcurrencyWhile(async () => { await tick(5); return "bcw value"; });
    return v;
  }
  async hold(tag: string, ms: number): Promise<void> {
    this.log.push(tag + " called");
    await this.ctx.blockConcurrencyWhile(async () => { this.log.push(tag + " holding"); await tick(ms); this.log.push(tag + " released"); });
  }
  async sleeper(tag: string): Promise<void> {
    this.log.push(tag + " start");
    await tick(10);
    this.log.push(tag + " end");
  }
  note(tag: string): void { this.log.push(tag); }
  syncCallback(): string { let ran = false; const p = this.ctx.blockConcurrencyWhile(() => { ran = true; return Promise.resolve(1); }); return `ran synchronously=${ran} promise=${p instanceof Promise}`; }
  take(): string[] { const l = this.log; this.log = []; return l; }
}
export const bcw = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("b");
    await stub.note("first call");
    console.log(JSON.stringify(await stub.take()));
    console.log(await stub.value());
    await Promise.all([stub.hold("h", 30), stub.note("queued 1"), stub.sleeper("s1"), stub.note("queued 2")]);
    console.log(JSON.stringify(await stub.take()));
    console.log(await stub.syncCallback());
  },
};
