export const request = {
  async test() {
    const r = new Request("https://x.test/a?b=1", { method: "post", headers: { "X-Y": "z" }, body: JSON.stringify({ k: [1] }) });
    console.log(r.method, r.url, r.headers.get("x-y"), r.headers.get("content-type"), r.bodyUsed, r.redirect);
    const c = r.clone();
    console.log(JSON.stringify(await r.json()), r.bodyUsed, await c.text(), c.bodyUsed);
    try { await r.text(); } catch (e) { console.log((e as Error).name); }
    const g = new Request("https://x.test/");
    console.log(g.method, g.body, await g.text(), g.bodyUsed);
    const custom = new Request("https://x.test/", { method: "patch" });
    console.log(custom.method);
    try { new Request(r); console.log("reconstructed"); } catch (e) { console.log((e as Error).name + ": " + (e as Error).message); }
    const fresh = new Request("https://x.test/a?b=1", { method: "POST", headers: { "X-Y": "z" }, body: "again" });
    const copy = new Request(fresh, { method: "PUT" });
    console.log(copy.method, copy.url, copy.headers.get("x-y"), await copy.text(), fresh.bodyUsed);
    const bytes = new Request("https://x.test/", { method: "POST", body: new Uint8Array([104, 105]) });
    console.log(bytes.headers.get("content-type"), new Uint8Array(await bytes.arrayBuffer()).length);
    const form = new Request("https://x.test/", { method: "POST", body: new URLSearchParams({ a: "1 2" }) });
    console.log(form.headers.get("content-type"), await form.text());
    const u = new Request(new URL("https://x.test/from-url"));
    console.log(u.url);
  },
};
