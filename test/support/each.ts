// Something made per test and undone after it, whatever the test did: `const make = useEach(create, undo)`
// in a describe, then `await make(...)` in a test.
export function useEach<A extends unknown[], T>(
  create: (...args: A) => Promise<T>,
  undo: (made: T) => Promise<unknown>,
): (...args: A) => Promise<T> {
  const made: T[] = [];
  afterEach(async () => {
    for (const m of made.splice(0)) await undo(m);
  });
  return async (...args: A) => {
    const m = await create(...args);
    made.push(m);
    return m;
  };
}
