import { DurableObject } from "cloudflare:workers";

type Env = { OBJ: DurableObjectNamespace<Obj>; PLAIN: DurableObjectNamespace<Plain> };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Plain extends DurableObject<Env> {
  async arm(): Promise<string> {
    try {
      await this.ctx.storage.setAlarm(Date.now() + 1000);
      return "armed";
    } catch (e) {
      return (e as Error).name + ": " + (e as Error).message;
    }
  }
}

export class Obj extends DurableObject<Env> {
  async arm(inMs: number): Promise<boolean> {
    await this.ctx.storage.setAlarm(Date.now() + inMs);
    return (await this.ctx.storage.getAlarm()) !== null;
  }
  async disarm(): Promise<unknown> {
    await this.ctx.storage.deleteAlarm();
    return this.ctx.storage.getAlarm();
  }
  async alarm(info: AlarmInvocationInfo): Promise<void> {
    const kv = this.ctx.storage.kv;
    kv.put("fired", ((kv.get("fired") as number | undefined) ?? 0) + 1);
    kv.put("info", `retryCount=${info.retryCount} isRetry=${info.isRetry}`);
    kv.put("during", String(await this.ctx.storage.getAlarm()));
  }
  async report(): Promise<string> {
    const kv = this.ctx.storage.kv;
    return `fired=${kv.get("fired")} ${kv.get("info")} during=${kv.get("during")} now=${await this.ctx.storage.getAlarm()}`;
  }
  async badTimes(): Promise<string[]> {
    const out: string[] = [];
    for (const t of ["soon", 0, -5] as unknown[]) {
      try {
        await this.ctx.storage.setAlarm(t as number);
      } catch (e) {
        out.push((e as Error).name + ": " + (e as Error).message);
      }
    }
    return out;
  }
}

export const alarms = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("a");
    console.log("armed:", await stub.arm(20000));
    console.log("replaced:", await stub.arm(50));
    await sleep(400);
    console.log(await stub.report());
    await stub.arm(50);
    console.log("disarmed:", await stub.disarm());
    await sleep(300);
    console.log(await stub.report());
    for (const l of await stub.badTimes()) console.log(l);
    console.log(await env.PLAIN.getByName("p").arm());
  },
};
