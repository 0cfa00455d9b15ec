import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
export class Obj extends DurableObject<Env> {}
const show = (f: () => unknown) => { try { f(); console.log("no error"); } catch (e) { console.log((e as Error).name + ": " + (e as Error).message); } };
export const errors = {
  async test(_c: unknown, env: Env) {
    const good = env.OBJ.idFromName("x").toString();
    show(() => env.OBJ.idFromString(""));
    show(() => env.OBJ.idFromString("zz" + good.slice(2)));
    show(() => env.OBJ.idFromString(good.slice(1)));
    show(() => env.OBJ.idFromString(good + "0"));
    show(() => env.OBJ.idFromString(good.toUpperCase()));
    show(() => env.OBJ.idFromString(good.slice(0, 63) + (good[63] === "0" ? "1" : "0")));
    show(() => env.OBJ.get("not-an-id" as any));
    show(() => env.OBJ.newUniqueId({ jurisdiction: "eu" }));
    show(() => env.OBJ.jurisdiction("eu"));
  },
};
