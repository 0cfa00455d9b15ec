import { DurableObject } from "cloudflare:workers";

type Env = { OBJ: DurableObjectNamespace<Obj> };

export class Obj extends DurableObject<Env> {
  log: string[] = [];
  async slow(): Promise<void> {
    this.log.push("slow start");
    await new Promise((r) => setTimeout(r, 50));
    this.log.push("slow end");
  }
  fast(): void {
    this.log.push("fast");
  }
  async storageOnly(tag: string): Promise<void> {
    this.log.push(tag + " start");
    const n = ((await this.ctx.storage.get("n")) as number | undefined) ?? 0;
    await this.ctx.storage.put("n", n + 1);
    this.log.push(tag + " end " + (n + 1));
  }
  async callsItself(): Promise<string> {
    await this.env.OBJ.getByName("gate").fast();
    return "re-entrant call returned";
  }
  async held(): Promise<void> {
    this.ctx.blockConcurrencyWhile(async () => {
      this.log.push("blocking");
      await new Promise((r) => setTimeout(r, 30));
      this.log.push("unblocked");
    });
  }
  take(): string[] {
    const l = this.log;
    this.log = [];
    return l;
  }
}

export const gate = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("gate");
    await Promise.all([stub.slow(), stub.fast()]);
    console.log(JSON.stringify(await stub.take()));
    await Promise.all([stub.storageOnly("a"), stub.storageOnly("b")]);
    console.log(JSON.stringify(await stub.take()));
    console.log(await stub.callsItself());
    console.log(JSON.stringify(await stub.take()));
    await Promise.all([stub.held(), stub.fast()]);
    console.log(JSON.stringify(await stub.take()));
  },
};
