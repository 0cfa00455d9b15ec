import { DurableObject } from "cloudflare:workers";
// storage.transaction() runs its closure a step later and, like blockConcurrencyWhile(), holds
// the object's other events and the timers started outside it until the closure settles; a
// closure that throws rolls back and rejects, but does not reset the object.
type Env = { OBJ: DurableObjectNamespace<Obj> };
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Obj extends DurableObject<Env> {
  log: string[] = [];
  async deferred(): Promise<void> {
    let ran = false;
    const p = this.ctx.storage.transaction(async () => {
      ran = true;
      await tick(1);
    });
    this.log.push("closure ran synchronously: " + ran);
    await p;
  }
  async throws(): Promise<void> {
    try {
      await this.ctx.storage.transaction(async () => {
        this.ctx.storage.kv.put("k", "written in the failed transaction");
        await tick(5);
        throw new Error("boom");
      });
    } catch (e) {
      this.log.push("caught " + (e as Error).message + ", k = " + this.ctx.storage.kv.get("k"));
    }
  }
  async long(): Promise<void> {
    setTimeout(() => this.log.push("timer started before"), 5);
    await this.ctx.storage.transaction(async () => {
      this.log.push("closure start");
      setTimeout(() => this.log.push("timer started in the closure"), 1);
      await tick(40);
      this.log.push("closure end");
    });
  }
  note(tag: string): void {
    this.log.push(tag);
  }
  take(): string[] {
    const l = this.log;
    this.log = [];
    return l;
  }
}

export const transactionHolds = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("t");
    await stub.deferred();
    await stub.throws();
    await stub.note("the object was not reset");
    const long = stub.long();
    await tick(15);
    const during = stub.note("event sent during the closure");
    await long;
    await during;
    await tick(10);
    console.log(JSON.stringify(await stub.take(), null, 1));
  },
};
