export declare const LEVELS: string[];
export declare function parseRules(output: string): { code: string; level: string; description: string }[];
export declare function lintProperties(output: string): Record<string, { type: string; enum: string[]; default: string; markdownDescription: string }>;
