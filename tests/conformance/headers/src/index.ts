export const headers = {
  async test() {
    const h = new Headers({ "X-B": "2", "x-a": " 1 " });
    h.append("X-A", "3");
    h.set("Content-Type", "text/html");
    console.log(JSON.stringify([...h]), h.get("x-a"), h.get("missing"), h.has("X-B"));
    h.delete("x-b");
    console.log(JSON.stringify([...h.keys()]), JSON.stringify([...h.values()]));
    const copy = new Headers(h);
    copy.set("x-a", "changed");
    console.log(h.get("x-a"), copy.get("x-a"));
    const fromPairs = new Headers([["a", "1"], ["b", "2"], ["a", "3"]]);
    const seen: string[] = [];
    fromPairs.forEach((v, k) => seen.push(k + "=" + v));
    console.log(seen.join("&"));
    const cookies = new Headers();
    cookies.append("Set-Cookie", "a=1");
    cookies.append("Set-Cookie", "b=2");
    console.log(JSON.stringify(cookies.getSetCookie()), cookies.get("set-cookie"));
    for (const bad of [() => new Headers([["a"]] as any), () => h.set("bad name", "v"), () => h.get(""), () => h.get("bad name"), () => h.has(""), () => h.append("x", "a\nb")]) {
      try { bad(); console.log("accepted"); } catch (e) { console.log((e as Error).name + ": " + (e as Error).message); }
    }
  },
};
