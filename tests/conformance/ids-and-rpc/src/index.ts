import { DurableObject } from "cloudflare:workers";

type Env = { OBJ: DurableObjectNamespace<Obj> };

export class Obj extends DurableObject<Env> {
  echo<T>(value: T): T {
    return value;
  }
  whoAmI(): string {
    return this.ctx.id.toString();
  }
  fail(): never {
    const e = new TypeError("bad input");
    throw e;
  }
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    return Response.json({ path: url.pathname, q: url.searchParams.get("q"), method: request.method, body: await request.text() });
  }
}

export const ids = {
  async test(_ctrl: unknown, env: Env) {
    const a = env.OBJ.idFromName("alpha");
    console.log(a.toString().length, /^[0-9a-f]{64}$/.test(a.toString()), a.name);
    console.log(a.equals(env.OBJ.idFromName("alpha")), a.equals(env.OBJ.idFromName("beta")));
    const u1 = env.OBJ.newUniqueId(), u2 = env.OBJ.newUniqueId();
    console.log(u1.equals(u2), u1.name === undefined);
    const again = env.OBJ.idFromString(a.toString());
    console.log(again.equals(a), again.name === undefined);
    for (const bad of ["abc", "z".repeat(64)]) {
      try { env.OBJ.idFromString(bad); } catch (e) { console.log((e as Error).name + ": " + (e as Error).message); }
    }
    const stub = env.OBJ.get(a);
    console.log((await stub.whoAmI()) === a.toString(), stub.name);
  },
};

export const rpc = {
  async test(_ctrl: unknown, env: Env) {
    const stub = env.OBJ.getByName("rpc");
    const input = { list: [1, 2], map: new Map([["k", "v"]]), when: new Date(5) };
    const back = await stub.echo(input);
    console.log(back !== input, JSON.stringify(back.list), back.map.get("k"), back.when.getTime());
    try { await stub.fail(); } catch (e) { console.log((e as Error).name + ": " + (e as Error).message, e instanceof TypeError); }
    try { await (stub as any).missing(); } catch (e) { console.log((e as Error).name + ": " + (e as Error).message); }
    try { await (stub as any).alarm(); } catch (e) { console.log((e as Error).name + ": " + (e as Error).message); }
    const res = await stub.fetch("https://example.com/path/x?q=1", { method: "POST", body: "hello" });
    console.log(res.status, res.headers.get("content-type"), JSON.stringify(await res.json()));
    try { await stub.fetch("/relative"); } catch (e) { console.log((e as Error).name + ": " + (e as Error).message); }
  },
};
