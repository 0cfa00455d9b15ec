const attempt = (label: string, f: () => unknown) => {
  try {
    const r = f();
    console.log(label, "ok", typeof r === "string" ? r : "");
  } catch (e) {
    console.log(label, (e as Error).name + ": " + (e as Error).message);
  }
};

export const errors = {
  async test() {
    attempt("url", () => new URL("not a url"));
    attempt("url base", () => new URL("/x", "also not a url"));
    attempt("header name", () => new Headers({ "bad name": "x" }));
    attempt("status", () => new Response("x", { status: 99 }));
    attempt("null body status", () => new Response("x", { status: 204 }));
    attempt("get body", () => new Request("https://x.test/", { method: "GET", body: "x" }));
    attempt("request url", () => new Request("/relative"));
    attempt("atob", () => atob("!!"));
    attempt("btoa", () => btoa("€"));
    attempt("clone symbol", () => structuredClone(Symbol("s")));
    attempt("redirect", () => Response.redirect("https://x.test/", 200));
    const r = Response.redirect("https://x.test/a", 301);
    console.log(r.status, r.headers.get("location"));
    const used = new Response("once");
    await used.text();
    try { await used.text(); } catch (e) { console.log("reuse", (e as Error).name + ": " + (e as Error).message); }
    console.log(new Response(null).body === null, new Response("").status, new Response().statusText === "");
    const h = new Headers([["b", "1"], ["a", "2"]]);
    console.log(JSON.stringify([...h.keys()]), h.get("missing"));
    console.log(new URL("https://x.test/a b?c d#e f").href);
    console.log(new URLSearchParams("a=1&a=2&b=%20").getAll("a").join("|"), JSON.stringify(new URLSearchParams("a=1&a=2&b=%20").get("b")));
  },
};
