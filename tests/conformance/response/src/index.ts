export const response = {
  async test() {
    const r = new Response("hello", { status: 201, statusText: "Created", headers: { "x-a": "1" } });
    console.log(r.status, r.statusText, r.ok, r.headers.get("content-type"), r.type, r.url === "", r.redirected);
    console.log(await r.text(), r.bodyUsed);
    const j = Response.json({ a: 1 }, { status: 404, headers: { "x-b": "2" } });
    console.log(j.status, j.ok, j.headers.get("content-type"), j.headers.get("x-b"), JSON.stringify(await j.json()));
    const custom = Response.json([1], { headers: { "content-type": "application/vnd+json" } });
    console.log(custom.headers.get("content-type"));
    const empty = new Response();
    console.log(empty.status, empty.body, await empty.text(), empty.bodyUsed);
    const nb = new Response(null, { status: 204 });
    console.log(nb.status, nb.ok);
    const red = Response.redirect("https://x.test/next", 307);
    console.log(red.status, red.headers.get("location"));
    const bin = new Response(new Uint8Array([1, 2, 3]));
    const copy = bin.clone();
    console.log(new Uint8Array(await bin.arrayBuffer()).join(), (await copy.bytes()).join(), bin.headers.get("content-type"));
    const e = Response.error();
    console.log(e.status, e.type, e.ok);
    try { const u = Response.json(undefined); console.log("accepted", JSON.stringify(await u.text()), u.headers.get("content-type")); } catch (x) { console.log((x as Error).name); }
  },
};
