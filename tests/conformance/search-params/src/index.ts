export const params = {
  async test() {
    const p = new URLSearchParams("?a=1&b=2&a=3&c=%20x+y&d");
    console.log(p.get("a"), JSON.stringify(p.getAll("a")), JSON.stringify(p.get("c")), JSON.stringify(p.get("d")), p.has("e"), p.size);
    p.set("a", "9");
    p.delete("b");
    p.append("z", "&=?");
    console.log(p.toString());
    p.sort();
    console.log(p.toString(), JSON.stringify([...p.keys()]), JSON.stringify([...p.values()]));
    const o = new URLSearchParams({ x: "1", y: "two words" });
    const arr = new URLSearchParams([["k", "v"], ["k", "w"]]);
    console.log(o.toString(), arr.toString(), new URLSearchParams(arr).getAll("k").join());
    const seen: string[] = [];
    o.forEach((v, k) => seen.push(`${k}:${v}`));
    console.log(seen.join(" "), JSON.stringify([...o.entries()]));
    console.log(new URLSearchParams("a=%zz&b=%41").get("a"), new URLSearchParams("a=%zz&b=%41").get("b"));
    console.log(new URLSearchParams("q=" + encodeURIComponent("ü~!*'()")).toString());
  },
};
