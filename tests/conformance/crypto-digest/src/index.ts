const hex = (b: ArrayBuffer) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join("");
export const digest = {
  async test() {
    const data = new TextEncoder().encode("The quick brown fox jumps over the lazy dog");
    console.log(hex(await crypto.subtle.digest("SHA-256", data)));
    console.log(hex(await crypto.subtle.digest({ name: "SHA-256" }, data.buffer)));
    console.log(hex(await crypto.subtle.digest("sha-256", new DataView(data.buffer, 4, 5))));
    const big = new Uint8Array(1000).fill(97);
    console.log(hex(await crypto.subtle.digest("SHA-256", big)));
    const r = crypto.subtle.digest("SHA-256", new Uint8Array(0));
    console.log(r instanceof Promise, (await r).byteLength, (await r) instanceof ArrayBuffer);
  },
};
