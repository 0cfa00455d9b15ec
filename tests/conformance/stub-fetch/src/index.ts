import { DurableObject } from "cloudflare:workers";
type Env = { OBJ: DurableObjectNamespace<Obj>; NOFETCH: DurableObjectNamespace<NoFetch> };
export class NoFetch extends DurableObject<Env> {}
export class Obj extends DurableObject<Env> {
  async fetch(req: Request): Promise<Response> {
    const u = new URL(req.url);
    if (u.pathname === "/bad") return "not a response" as any;
    if (u.pathname === "/throw") throw new RangeError("fetch threw");
    return new Response(`${req.method} ${u.pathname}${u.search} ${req.headers.get("x-h")} ${await req.text()}`, { status: 202, headers: { "x-out": "1" } });
  }
}
export const fetching = {
  async test(_c: unknown, env: Env) {
    const stub = env.OBJ.getByName("f");
    const r = await stub.fetch("https://do.test/path?q=1", { method: "PUT", headers: { "x-h": "h" }, body: "payload" });
    console.log(r.status, r.headers.get("x-out"), await r.text());
    const r2 = await stub.fetch(new Request("https://do.test/req", { headers: { "x-h": "from request" } }));
    console.log(await r2.text());
    for (const path of ["/bad", "/throw"]) {
      try { await stub.fetch("https://do.test" + path); console.log("no error"); } catch (e) { console.log((e as Error).name + ": " + (e as Error).message); }
    }
    try { await env.NOFETCH.getByName("n").fetch("https://do.test/"); console.log("no error"); } catch (e) { console.log((e as Error).name + ": " + (e as Error).message); }
  },
};
