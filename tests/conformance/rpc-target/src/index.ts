import { DurableObject, RpcTarget } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
class Session extends RpcTarget {
  #count = 0;
  name = "session";
  bump(by: number): number { this.#count += by; return this.#count; }
  get total(): number { return this.#count; }
  async later(): Promise<string> { await null; return "later " + this.#count; }
  fail(): never { throw new RangeError("target failed"); }
}
export class Obj extends DurableObject<Env> {
  open(): Session { return new Session(); }
  describe(s: Session): string { return typeof s; }
}
export const targets = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("t");
    const s = await stub.open();
    console.log(typeof s, s instanceof RpcTarget);
    console.log(await s.bump(2), await s.bump(3), await s.later());
    try { console.log("total", await (s as any).total); } catch (e) { console.log("total", (e as Error).name, (e as Error).message); }
    try { console.log("field", await (s as any).name); } catch (e) { console.log("field", (e as Error).name, (e as Error).message); }
    try { await s.fail(); } catch (e) { console.log((e as Error).name, (e as Error).message); }
    try { await (s as any).nothing(); } catch (e) { console.log((e as Error).name, (e as Error).message); }
  },
};
