import { WorkerEntrypoint, DurableObject, env as importedEnv } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj>; GREETING: string };
export class Obj extends DurableObject<Env> { hi(): string { return "hi"; } }
export class ClassStyle extends WorkerEntrypoint<Env> {
  async test(): Promise<void> {
    console.log("class test, env binding:", typeof this.env.OBJ.getByName, await this.env.OBJ.getByName("t").hi());
  }
}
export const objectStyle = {
  async test(controller: any, env: Env, ctx: any) {
    console.log("object test:", typeof controller, typeof env.OBJ, typeof ctx.waitUntil, importedEnv.OBJ === env.OBJ);
  },
};
export const failsWithError = { async test() { throw new TypeError("reported failure"); } };
export const failsWithRejection = { test() { return Promise.reject(new Error("rejected")); } };
export const syncPass = { test() { console.log("sync test ran"); } };
export const notATest = { run() { console.log("never"); } };
export default { async fetch() { return new Response("x"); } };
