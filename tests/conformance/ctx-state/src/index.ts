import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
export class Obj extends DurableObject<Env> {
  check(): string[] {
    const c = this.ctx;
    return [
      `id: ${c.id.toString() === this.env.OBJ.idFromName("c").toString()} name: ${c.id.name}`,
      `storage same: ${c.storage === this.ctx.storage} sql same: ${c.storage.sql === c.storage.sql} kv same: ${c.storage.kv === c.storage.kv}`,
      `waitUntil: ${typeof c.waitUntil} returns: ${c.waitUntil(Promise.resolve())}`,
      `webSockets: ${JSON.stringify(c.getWebSockets())}`,
      `bcw: ${typeof c.blockConcurrencyWhile} abort: ${typeof c.abort}`,
      `types: ${typeof c.storage.sql.exec} ${typeof c.storage.transactionSync} ${typeof c.storage.getAlarm}`,
    ];
  }
}
export const state = {
  async test(_c: unknown, env: Env) {
    for (const l of await env.OBJ.getByName("c").check()) console.log(l);
  },
};
