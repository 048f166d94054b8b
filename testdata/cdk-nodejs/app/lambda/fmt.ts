export const fmt = (s: string) => `<${s}>`;
