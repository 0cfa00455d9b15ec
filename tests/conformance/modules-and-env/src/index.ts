import { DurableObject } from "cloudflare:workers";
import data from "./data.json";
import { double, LABEL } from "./lib/util.js";
type Env = { OBJ: DurableObjectNamespace<Obj> };
export class Obj extends DurableObject<Env> {
  compute(n: number): string { return `${LABEL}: ${double(n)}`; }
}
export const modules = {
  async test(_c: unknown, env: Env) {
    console.log(JSON.stringify(data), data.items.length);
    console.log(await env.OBJ.getByName("m").compute(data.items[1]));
    const mod = await import("./lib/util.js");
    console.log(typeof mod.double, mod.LABEL, Object.keys(mod).sort().join());
    console.log(typeof (globalThis as any).require, typeof navigator, navigator.userAgent, self === globalThis);
  },
};
