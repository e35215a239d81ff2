/** The password of the test PostgreSQL (random per run): it must never appear in history, progress or logs. */
export function testPassword(): string {
  const url = process.env.GR_TEST_PG_URL;
  if (!url) throw new Error('GR_TEST_PG_URL is not set: run the tests through jest (globalSetup)');
  const password = decodeURIComponent(new URL(url).password);
  if (password.length < 8) throw new Error('the test database has no real password to look for');
  return password;
}

/** A history file's text with every base64 payload (inputs, results, signals, queries) decoded beside it. */
export function searchableHistory(text: string): string {
  const decoded = [...text.matchAll(/"data": "([A-Za-z0-9+/=]+)"/g)].map((m) =>
    Buffer.from(m[1] ?? '', 'base64').toString('utf8'),
  );
  return [text, ...decoded].join('\n');
}
