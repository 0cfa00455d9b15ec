import { DurableObject, RpcTarget } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
export class Obj extends DurableObject<Env> {
  async callBack(f: (n: number) => Promise<number>): Promise<number> { return (await f(20)) + 1; }
  makeAdder(base: number): (n: number) => number { return (n: number) => base + n; }
  async throwsInCallback(f: () => Promise<void>): Promise<string> {
    try { await f(); return "no error"; } catch (e) { return "caught " + (e as Error).message; }
  }
}
export const callbacks = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("c");
    console.log(await stub.callBack(async (n) => n * 2));
    const add = await stub.makeAdder(10);
    console.log(typeof add, await add(5));
    console.log(await stub.throwsInCallback(async () => { throw new Error("from caller"); }));
    console.log(typeof RpcTarget);
  },
};
