import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
// The handler fails on its first run; the retry comes later with retryCount 1. The test polls
// (without depending on the exact back-off) until the retry has run.
export class Obj extends DurableObject<Env> {
  async arm(): Promise<void> { await this.ctx.storage.setAlarm(Date.now() + 10); }
  async alarm(info: AlarmInvocationInfo): Promise<void> {
    const runs = (this.ctx.storage.kv.get("runs") as string[] | undefined) ?? [];
    runs.push(`retryCount=${info.retryCount} isRetry=${info.isRetry} alarmDuring=${await this.ctx.storage.getAlarm()}`);
    this.ctx.storage.kv.put("runs", runs);
    this.ctx.storage.kv.put("t" + runs.length, Date.now());
    if (info.retryCount === 0) throw new Error("first run fails");
  }
  runs(): string[] { return (this.ctx.storage.kv.get("runs") as string[] | undefined) ?? []; }
  gap(): number { return (this.ctx.storage.kv.get("t2") as number) - (this.ctx.storage.kv.get("t1") as number); }
}
export const retry = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("r");
    await stub.arm();
    const start = Date.now();
    while ((await stub.runs()).length < 2 && Date.now() - start < 20_000) await new Promise((r) => setTimeout(r, 50));
    for (const r of await stub.runs()) console.log(r);
    const gap = await stub.gap();
    console.log("retried after 1.5 to 5 s:", gap >= 1500 && gap < 5000);
  },
};
