import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
export class Obj extends DurableObject<Env> {
  value(): number { return 7; }
  fails(): never { throw new Error("no"); }
}
export const promises = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("p");
    const p = stub.value();
    console.log(p instanceof Promise, typeof p.then, typeof (p as any).catch, typeof (p as any).finally);
    console.log(await p);
    const log: string[] = [];
    await stub.fails().catch((e: Error) => log.push("catch " + e.message)).finally(() => log.push("finally"));
    await stub.value().then((v) => log.push("then " + v));
    console.log(log.join(", "));
    console.log(typeof (stub as any).then, typeof stub.fetch, typeof (stub as any).anything);
    try { await (stub as any).missing(); } catch (e) { console.log((e as Error).name + ": " + (e as Error).message); }
    for (const r of ["alarm", "webSocketMessage", "webSocketClose", "webSocketError"]) {
      try { await (stub as any)[r](); } catch (e) { console.log((e as Error).message); }
    }
  },
};
