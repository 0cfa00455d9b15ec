import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj> };
// A write with RETURNING whose cursor is not read to its end is still in progress when the
// turn ends: its writes cannot commit, the call fails with an internal error, the object is
// reset, and a stub that reached it is broken. A read cursor left open is harmless.
export class Obj extends DurableObject<Env> {
  setup(): void { this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS q (v)"); }
  unread(): string { this.ctx.storage.sql.exec("INSERT INTO q VALUES (1), (2) RETURNING v"); return "returned"; }
  partlyRead(): string { const c = this.ctx.storage.sql.exec("INSERT INTO q VALUES (1), (2) RETURNING v"); c.next(); return "returned"; }
  oneRowUnread(): string { this.ctx.storage.sql.exec("INSERT INTO q VALUES (1) RETURNING v"); return "returned"; }
  fullyRead(): string { const c = this.ctx.storage.sql.exec("INSERT INTO q VALUES (1), (2) RETURNING v"); return "returned " + c.toArray().length; }
  viaOne(): string { return "returned " + this.ctx.storage.sql.exec("INSERT INTO q VALUES (7) RETURNING v").one().v; }
  readOpen(): string { this.ctx.storage.sql.exec("INSERT INTO q VALUES (1), (2)"); this.ctx.storage.sql.exec("SELECT * FROM q"); return "returned"; }
  count(): number { return this.ctx.storage.sql.exec("SELECT count(*) AS n FROM q").one().n as number; }
}
const message = (e: unknown) => ((e as Error).message.startsWith("internal error") ? "internal error" : (e as Error).message);
export const unconsumed = {
  async test(_c: unknown, env: Env) {
    for (const m of ["unread", "partlyRead", "oneRowUnread", "fullyRead", "viaOne", "readOpen"] as const) {
      const name = "o-" + m;
      await env.OBJ.getByName(name).setup();
      const stub = env.OBJ.getByName(name);
      try { console.log(m, await stub[m]()); } catch (e) { console.log(m, "failed:", message(e)); }
      try { console.log(m, "same stub:", await stub.count()); } catch (e) { console.log(m, "same stub failed:", message(e)); }
      console.log(m, "new stub:", await env.OBJ.getByName(name).count());
    }
  },
};
