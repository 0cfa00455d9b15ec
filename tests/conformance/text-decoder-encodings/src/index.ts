const bytes = (...b: number[]) => new Uint8Array(b);
const show = (label: string, f: () => unknown) => {
  try { console.log(label, JSON.stringify(f())); } catch (e) { console.log(label, "threw", (e as Error).name + ": " + (e as Error).message); }
};
export const encodings = {
  async test() {
    for (const label of ["utf8", " UTF-8 ", "unicode-1-1-utf-8", "utf-16", "UTF-16LE", "utf-16be", "latin1", "ascii", "iso-8859-1", "windows-1252", "cp1252", "us-ascii"]) {
      show("label " + JSON.stringify(label), () => new TextDecoder(label).encoding);
    }
    show("unknown", () => new TextDecoder("klingon").encoding);
    show("utf-16le", () => new TextDecoder("utf-16le").decode(bytes(0x68, 0, 0x69, 0, 0x3d, 0xd8, 0x00, 0xde)));
    show("utf-16le bom", () => new TextDecoder("utf-16le").decode(bytes(0xff, 0xfe, 0x41, 0)));
    show("utf-16le keep bom", () => new TextDecoder("utf-16le", { ignoreBOM: true }).decode(bytes(0xff, 0xfe, 0x41, 0)).length);
    show("utf-16be", () => new TextDecoder("utf-16be").decode(bytes(0, 0x68, 0xd8, 0x3d, 0xde, 0x00)));
    show("utf-16le lone surrogate", () => new TextDecoder("utf-16le").decode(bytes(0x00, 0xd8, 0x41, 0)));
    show("utf-16le odd byte", () => new TextDecoder("utf-16le").decode(bytes(0x41, 0, 0x42)));
    show("utf-16le fatal", () => new TextDecoder("utf-16le", { fatal: true }).decode(bytes(0x00, 0xdc)));
    show("utf-8 fatal", () => new TextDecoder("utf-8", { fatal: true }).decode(bytes(0xc3, 0x28)));
    show("windows-1252", () => new TextDecoder("windows-1252").decode(bytes(0x48, 0xe9, 0x80, 0x99, 0x81, 0x9f, 0xff)));
    show("latin1 same", () => new TextDecoder("latin1").decode(bytes(0x93, 0x94)));
  },
};
