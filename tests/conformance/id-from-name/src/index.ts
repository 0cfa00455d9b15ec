import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
export class Obj extends DurableObject<Env> {
  who(): string { return `${this.ctx.id.toString().length} ${this.ctx.id.name}`; }
}
export const names = {
  async test(_c: unknown, env: Env) {
    const a = env.OBJ.idFromName("alpha");
    const a2 = env.OBJ.idFromName("alpha");
    const b = env.OBJ.idFromName("beta");
    console.log(a.toString() === a2.toString(), a.equals(a2), a.equals(b), a === a2, a.name, b.name);
    console.log(/^[0-9a-f]{64}$/.test(a.toString()), JSON.stringify({ id: a }) === JSON.stringify({ id: a.toString() }));
    const back = env.OBJ.idFromString(a.toString());
    console.log(back.equals(a), back.name, String(back) === String(a));
    const u = env.OBJ.newUniqueId();
    const u2 = env.OBJ.newUniqueId();
    console.log(u.equals(u2), u.name, /^[0-9a-f]{64}$/.test(u.toString()), env.OBJ.idFromString(u.toString()).equals(u));
    console.log(await env.OBJ.get(a).who(), await env.OBJ.getByName("alpha").who(), await env.OBJ.get(u).who());
    console.log(env.OBJ.idFromName("").name === "", env.OBJ.idFromName("😀").toString() !== a.toString());
    console.log(a.jurisdiction, String(env.OBJ.getByName("x").name));
  },
};
