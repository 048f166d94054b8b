export const format = (d) => ({ text: d.toISOString() });
