/** A ClickHouse server URL as messages show it: its password, if any, as `***`. */
export function shownUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password !== '') url.password = '***';
    return url.href;
  } catch {
    // Not a URL: mask what reads as `//user:password@` all the same, to the last `@` (a
    // password may hold `/` or `@`; masking part of a path too is the safer mistake).
    return text.replace(/\/\/([^/@:]*):.*@/, '//$1:***@');
  }
}
