export const url = {
  async test() {
    const cases: [string, string?][] = [
      ["HTTPS://Example.COM:443/a/./b/../c?x#y"],
      ["http://h.test:8080"],
      ["../up?q=1", "https://h.test/a/b/c"],
      ["//other.test/p", "https://h.test/"],
      ["?only", "https://h.test/path/file"],
      ["#frag", "https://h.test/path?q"],
      ["mailto:someone@example.com"],
      ["https://h.test/sp ace/é"],
      ["https://u:p@h.test/"],
      ["file:///tmp/x"],
    ];
    for (const [input, base] of cases) {
      const u = new URL(input, base);
      console.log(u.href, "|", u.protocol, u.host, u.pathname, u.search, u.hash, u.origin);
    }
    const u = new URL("https://h.test/a?x=1");
    u.pathname = "/b/c";
    u.search = "y=2";
    u.hash = "z";
    console.log(u.toString(), JSON.stringify({ u }), u.searchParams.get("y"));
    u.searchParams.append("w", "3");
    console.log(u.search, URL.canParse("nope"), URL.canParse("/p", "https://h.test"));
    for (const bad of ["", "http://", "https://h.test:99999/"]) {
      try { new URL(bad); console.log("parsed", bad); } catch (e) { console.log("bad", JSON.stringify(bad), (e as Error).name); }
    }
  },
};
