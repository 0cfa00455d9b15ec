import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
let constructed = 0;
export class Obj extends DurableObject<Env> {
  count = 0;
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    constructed++;
  }
  bump(): number { return ++this.count; }
  sameEnv(): boolean { return this.env.OBJ === this.env.OBJ && typeof this.env.OBJ.idFromName === "function"; }
  idMatches(hex: string): boolean { return this.ctx.id.toString() === hex; }
}
export const instances = {
  async test(_c: unknown, env: Env) {
    const s1 = env.OBJ.getByName("one");
    const s2 = env.OBJ.get(env.OBJ.idFromName("one"));
    console.log(await s1.bump(), await s2.bump(), await s1.bump(), constructed);
    const other = env.OBJ.getByName("two");
    console.log(await other.bump(), constructed);
    console.log(await other.sameEnv(), await other.idMatches(env.OBJ.idFromName("two").toString()));
    console.log(constructed);
  },
};
