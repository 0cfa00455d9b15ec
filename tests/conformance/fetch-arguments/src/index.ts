// What `fetch` decides before any request leaves: argument errors, schemes it cannot load, an
// aborted signal, the redirect mode, and `data:` URLs, which need no network.
const attempt = async (label: string, f: () => Promise<Response>): Promise<void> => {
  try {
    const r = await f();
    console.log(label, "resolved", r.status);
  } catch (e: any) {
    console.log(label, "rejected", e instanceof Error ? `${e.constructor.name} ${e.name}: ${e.message}` : typeof e + " " + String(e));
  }
};

export const argumentErrors = {
  async test(): Promise<void> {
    await attempt("relative url", () => fetch("/no-base"));
    await attempt("not a url", () => fetch("not a url"));
    await attempt("ftp", () => fetch("ftp://example.com/file"));
    await attempt("file", () => fetch("file:///etc/hosts"));
    await attempt("GET with a body", () => fetch("https://example.com/", { body: "x" }));
    await attempt("HEAD with a body", () => fetch("https://example.com/", { method: "HEAD", body: "x" }));
    await attempt("redirect error", () => fetch("https://example.com/", { redirect: "error" }));
    await attempt("redirect bogus", () => fetch("https://example.com/", { redirect: "bogus" as RequestRedirect }));
    const used = new Request("https://example.com/", { method: "POST", body: "once" });
    await used.text();
    await attempt("used body", () => fetch(used));
  },
};

export const abortedSignals = {
  async test(): Promise<void> {
    await attempt("aborted", () => fetch("https://example.com/", { signal: AbortSignal.abort() }));
    await attempt("aborted with a reason", () => fetch("https://example.com/", { signal: AbortSignal.abort("my reason") }));
    await attempt("aborted with an error", () => fetch("https://example.com/", { signal: AbortSignal.abort(new RangeError("mine")) }));
    const c = new AbortController();
    c.abort();
    await attempt("aborted request", () => fetch(new Request("https://example.com/", { signal: c.signal })));
  },
};

export const redirectMode = {
  async test(): Promise<void> {
    const manual = new Request("https://example.com/", { redirect: "manual" });
    console.log(new Request("https://example.com/").redirect, manual.redirect, new Request(manual).redirect, manual.clone().redirect);
    console.log(new Request(manual, { redirect: "follow" }).redirect);
    try {
      new Request("https://example.com/", { redirect: "error" });
    } catch (e: any) {
      console.log(e.name);
    }
  },
};

export const dataUrls = {
  async test(): Promise<void> {
    const show = async (url: string, init?: RequestInit) => {
      const r = await fetch(url, init);
      console.log(r.status, JSON.stringify(r.statusText), r.ok, r.redirected, JSON.stringify(r.url), r.body === null, JSON.stringify([...r.headers]), JSON.stringify(await r.text()));
    };
    await show("data:,hello%20world");
    await show("data:text/plain;charset=utf-8,caf%C3%A9");
    await show("data:application/json;base64,eyJhIjoxfQ==");
    await show("data:;base64,SGk=");
    await show("data:text/html,<b>x</b>#fragment");
    await show("data:,posted", { method: "POST", body: "ignored" });
    await show("data:,head", { method: "HEAD" });
    const bytes = new Uint8Array(await (await fetch("data:application/octet-stream;base64,AAEC/w==")).arrayBuffer());
    console.log(Array.from(bytes).join(","));
    await attempt("data without a comma", () => fetch("data:text/plain"));
  },
};
