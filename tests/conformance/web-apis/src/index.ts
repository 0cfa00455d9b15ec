export const url = {
  async test() {
    const u = new URL("https://user:pw@Example.COM:8443/a/./b/../c?x=1&y=two%20words#frag");
    console.log(u.href);
    console.log(u.protocol, u.host, u.hostname, u.port, u.pathname, u.search, u.hash, u.origin);
    console.log(u.searchParams.get("y"), JSON.stringify([...u.searchParams.keys()]));
    u.searchParams.append("z", "a b");
    console.log(u.search);
    console.log(new URL("../up?q", "https://h.test/one/two/three").href);
    console.log(new URL("https://h.test:443/").href, new URL("http://h.test").pathname);
    try { new URL("not a url"); } catch (e) { console.log((e as Error).name); }
    const p = new URLSearchParams({ b: "2", a: "1" });
    p.sort();
    console.log(p.toString(), p.has("a"), p.get("c"));
  },
};

export const fetchObjects = {
  async test() {
    const h = new Headers({ "X-One": "1" });
    h.append("x-one", "2");
    h.set("Content-Type", "text/plain");
    console.log(h.get("X-ONE"), h.has("content-type"), JSON.stringify([...h]));
    const r = new Response("body text", { status: 201, headers: { "x-a": "b" } });
    console.log(r.status, r.ok, r.headers.get("content-type"), await r.text(), r.bodyUsed);
    const j = Response.json({ a: [1, 2] }, { status: 400 });
    console.log(j.status, j.ok, j.headers.get("content-type"), JSON.stringify(await j.json()));
    const req = new Request("https://x.test/p?q=1", { method: "post", body: JSON.stringify({ k: 1 }), headers: { "content-type": "application/json" } });
    console.log(req.method, req.url, JSON.stringify(await req.json()));
    try { await r.text(); } catch (e) { console.log((e as Error).name); }
  },
};

export const encoding = {
  async test() {
    const bytes = new TextEncoder().encode("héllo €😀");
    console.log(bytes.length, JSON.stringify(Array.from(bytes.slice(0, 3))));
    console.log(new TextDecoder().decode(bytes));
    console.log(btoa("hello"), atob("aGVsbG8="));
    const c = structuredClone({ d: new Date(0), s: new Set([1]), nested: { a: [1] } });
    console.log(c.d instanceof Date, c.s.has(1), JSON.stringify(c.nested));
    try { structuredClone({ f() {} }); } catch (e) { console.log((e as Error).name); }
    const id = crypto.randomUUID();
    console.log(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id));
    const arr = crypto.getRandomValues(new Uint8Array(8));
    console.log(arr.length);
    const hex = (b: ArrayBuffer) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join("");
    console.log(hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode("abc"))));
    console.log(hex(await crypto.subtle.digest({ name: "sha-256" }, new Uint8Array(0).buffer)));
  },
};

export const ordering = {
  async test() {
    const log: string[] = [];
    await new Promise<void>((resolve) => {
      setTimeout(() => { log.push("timeout 20"); resolve(); }, 20);
      setTimeout(() => log.push("timeout 0"), 0);
      queueMicrotask(() => log.push("microtask"));
      Promise.resolve().then(() => log.push("promise"));
      log.push("sync");
    });
    console.log(log.join(", "));
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 30));
    console.log(Date.now() - t0 >= 25);
  },
};
