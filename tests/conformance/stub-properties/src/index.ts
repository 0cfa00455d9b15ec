import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
export class Obj extends DurableObject<Env> {
  field = 5;
  hi(): string { return "hi from " + this.ctx.id.name; }
  get answer(): number { return 42; }
}
// What a stub exposes: its id and name, methods to call, and — when a property is awaited
// instead of called — the class's getters and methods, but not the instance's own fields.
export const properties = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("p") as any;
    const show = async (label: string, f: () => unknown) => {
      try {
        const v = await f();
        console.log(label, typeof v, typeof v === "function" ? "" : JSON.stringify(v));
      } catch (e) {
        console.log(label, "threw", (e as Error).name + ": " + (e as Error).message);
      }
    };
    await show("typeof stub:", () => typeof stub);
    await show("keys:", () => Object.keys(stub));
    await show("id:", () => stub.id.toString() === env.OBJ.idFromName("p").toString());
    await show("name:", () => stub.name);
    await show("getter:", () => stub.answer);
    await show("own field:", () => stub.field);
    await show("method read:", () => stub.hi);
    await show("constructor:", () => stub.constructor);
    await show("then:", () => typeof stub.then);
    await show("unique id name:", () => env.OBJ.get(env.OBJ.newUniqueId()).name);
    await show("empty name:", () => env.OBJ.getByName("").name);
    await show("number name:", () => env.OBJ.idFromName(5 as any).name);
  },
};
