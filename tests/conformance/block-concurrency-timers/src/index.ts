import { DurableObject } from "cloudflare:workers";
// While a blockConcurrencyWhile() callback runs, the object's timers and RPC results that were
// started outside the callback wait until it settles (those started inside it run); then they
// go, with the object's queued events, in the order they began to wait. An interval that missed
// several periods fires once.
type Env = { OBJ: DurableObjectNamespace<Obj>; OTHER: DurableObjectNamespace<Other> };
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Other extends DurableObject<Env> {
  async slow(ms: number): Promise<string> {
    await tick(ms);
    return "slow done";
  }
}

export class Obj extends DurableObject<Env> {
  log: string[] = [];
  iv: ReturnType<typeof setInterval> | undefined;
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    setTimeout(() => this.log.push("constructor timer"), 1);
    ctx.blockConcurrencyWhile(async () => {
      await tick(30);
      this.log.push("constructor block done");
    });
  }
  async timersAroundBlock(): Promise<void> {
    const sleeper = (async () => {
      await tick(5);
      this.log.push("awaited timer resumed");
    })();
    setTimeout(() => this.log.push("timer set before the call"), 5);
    const p = this.ctx.blockConcurrencyWhile(async () => {
      this.log.push("callback start");
      setTimeout(() => this.log.push("timer set in the callback"), 1);
      await this.ctx.storage.get("k");
      await tick(40);
      this.log.push("callback end");
    });
    setTimeout(() => this.log.push("timer set after the call"), 5);
    await p;
    await sleeper;
  }
  async interval(): Promise<void> {
    let n = 0;
    this.iv = setInterval(() => this.log.push("interval " + ++n), 30);
    await this.ctx.blockConcurrencyWhile(async () => {
      this.log.push("callback start");
      await tick(100);
      this.log.push("callback end");
    });
  }
  async rpcAroundBlock(): Promise<void> {
    const r = this.env.OTHER.getByName("x").slow(5).then((v) => this.log.push("rpc result: " + v));
    await this.ctx.blockConcurrencyWhile(async () => {
      this.log.push("callback start");
      await tick(40);
      this.log.push("callback end");
    });
    await r;
  }
  async timerThenBlock(timerMs: number, blockMs: number): Promise<void> {
    setTimeout(() => this.log.push(`timer (${timerMs} ms)`), timerMs);
    await this.ctx.blockConcurrencyWhile(async () => {
      this.log.push("callback start");
      await tick(blockMs);
      this.log.push("callback end");
    });
  }
  note(tag: string): void {
    clearInterval(this.iv);
    this.log.push(tag);
  }
  take(): string[] {
    const l = this.log;
    this.log = [];
    return l;
  }
}

export const constructorBlock = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("ctor");
    await stub.note("first event");
    await tick(5);
    console.log(JSON.stringify(await stub.take()));
  },
};
export const timers = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("timers");
    await stub.take();
    await stub.timersAroundBlock();
    console.log(JSON.stringify(await stub.take()));
  },
};
export const interval = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("interval");
    await stub.take();
    await stub.interval();
    await stub.note("next event");
    console.log(JSON.stringify(await stub.take()));
  },
};
export const rpcResult = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("rpc");
    await stub.take();
    await stub.rpcAroundBlock();
    console.log(JSON.stringify(await stub.take()));
  },
};
export const waitOrder = {
  async test(_c: unknown, env: Env) {
    for (const [timerMs, eventAt] of [[20, 60], [60, 20]]) {
      const stub = env.OBJ.getByName("order " + timerMs);
      await stub.take();
      let blockDone = false;
      const b = stub.timerThenBlock(timerMs, 100).then(() => { blockDone = true; });
      await tick(eventAt);
      console.log(`test timer fired at ${eventAt} ms while the object was blocked: ${!blockDone}`);
      const n = stub.note(`event (${eventAt} ms)`);
      await b;
      await n;
      await tick(5);
      console.log(JSON.stringify(await stub.take()));
    }
  },
};
