// The figures' arithmetic, one definition for every benchmark script.

/** The lower median: a figure that was measured, never an average of two. */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;

export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;
