import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export class Obj extends DurableObject<Env> {
  async past(): Promise<string> {
    const t = Date.now() - 60_000;
    await this.ctx.storage.setAlarm(t);
    const got = await this.ctx.storage.getAlarm();
    return `stored past time kept: ${got === t}`;
  }
  async chain(): Promise<void> { await this.ctx.storage.setAlarm(Date.now() + 10); }
  async alarm(info: AlarmInvocationInfo): Promise<void> {
    const n = ((this.ctx.storage.kv.get("n") as number) ?? 0) + 1;
    this.ctx.storage.kv.put("n", n);
    this.ctx.storage.kv.put("sched" + n, typeof info.scheduledTime === "number" && info.scheduledTime <= Date.now());
    // Re-arm from inside the handler twice: three runs in all.
    if (n < 3) await this.ctx.storage.setAlarm(Date.now() + 10);
  }
  state(): string {
    const kv = this.ctx.storage.kv;
    return `runs=${kv.get("n")} sched=${kv.get("sched1")},${kv.get("sched2")},${kv.get("sched3")}`;
  }
  async rolledBack(): Promise<string> {
    try {
      this.ctx.storage.transactionSync(() => {
        this.ctx.storage.setAlarm(Date.now() + 60_000);
        throw new Error("undo");
      });
    } catch {}
    return "alarm after rollback: " + (await this.ctx.storage.getAlarm());
  }
  async dateArg(): Promise<string> {
    const d = new Date(Date.now() + 60_000);
    await this.ctx.storage.setAlarm(d);
    const got = await this.ctx.storage.getAlarm();
    await this.ctx.storage.deleteAlarm();
    return `date accepted: ${got === d.getTime()} deleted: ${await this.ctx.storage.getAlarm()}`;
  }
}
export const scheduling = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("s");
    console.log(await stub.dateArg());
    console.log(await stub.rolledBack());
    console.log(await stub.past());
    const start = Date.now();
    while (!(await stub.state()).startsWith("runs=1") && Date.now() - start < 5000) await sleep(20);
    console.log(await stub.state());
    await stub.chain();
    while (!(await stub.state()).startsWith("runs=3") && Date.now() - start < 5000) await sleep(20);
    await sleep(100);
    console.log(await stub.state());
  },
};
