import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
export class Obj extends DurableObject<Env> {
  log: string[] = [];
  async timerThenWrite(tag: string): Promise<number> {
    const before = ((this.ctx.storage.kv.get("n") as number) ?? 0);
    this.log.push(`${tag} read ${before}`);
    await tick(10);
    this.ctx.storage.kv.put("n", before + 1);
    this.log.push(`${tag} wrote ${before + 1}`);
    return before + 1;
  }
  async storageChain(tag: string): Promise<void> {
    this.log.push(tag + " 1");
    await this.ctx.storage.put(tag, 1);
    this.log.push(tag + " 2");
    await this.ctx.storage.get(tag);
    this.log.push(tag + " 3");
    this.ctx.storage.sql.exec("SELECT 1");
    await Promise.resolve();
    this.log.push(tag + " 4");
  }
  take(): string[] { const l = this.log; this.log = []; return l; }
}
export const interleaving = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("i");
    // Awaiting a timer opens the input gate: the second call runs in between (a lost update).
    console.log(JSON.stringify(await Promise.all([stub.timerThenWrite("a"), stub.timerThenWrite("b")])));
    console.log(JSON.stringify(await stub.take()));
    // Awaiting storage does not: each chain runs to its end before the next starts.
    await Promise.all([stub.storageChain("x"), stub.storageChain("y")]);
    console.log(JSON.stringify(await stub.take()));
  },
};
