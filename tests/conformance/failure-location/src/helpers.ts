export type Check = (cond: boolean, message: string) => void;

export const check: Check = (cond: boolean, message: string): void => {
  if (!cond) throw new Error(message);
};
