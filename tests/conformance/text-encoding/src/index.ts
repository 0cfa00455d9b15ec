export const encoding = {
  async test() {
    const enc = new TextEncoder();
    console.log(enc.encoding, JSON.stringify(Array.from(enc.encode("aé€😀"))));
    console.log(enc.encode().length, enc.encode(undefined).length, JSON.stringify(Array.from(enc.encode(String(12)))));
    console.log(JSON.stringify(Array.from(enc.encode("\ud800x"))));
    const dec = new TextDecoder();
    console.log(dec.encoding, dec.fatal, dec.ignoreBOM);
    console.log(JSON.stringify(dec.decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]))));
    console.log(JSON.stringify(dec.decode(new Uint8Array([0x61, 0xff, 0x62]))));
    console.log(JSON.stringify(dec.decode(new Uint8Array([0xe2, 0x82]))));
    console.log(JSON.stringify(dec.decode(new Uint8Array([104, 105]).buffer)), JSON.stringify(dec.decode()));
    console.log(JSON.stringify(new TextDecoder("UTF-8").decode(new DataView(new Uint8Array([0x6f, 0x6b]).buffer))));
    try { new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0xc3])); } catch (e) { console.log((e as Error).name); }
    const sub = new Uint8Array([120, 104, 105, 120]).subarray(1, 3);
    console.log(dec.decode(sub));
  },
};
