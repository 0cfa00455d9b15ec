export const LABEL: string = "doubled";
export function double(n: number): number {
  return n * 2;
}
