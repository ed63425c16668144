/** `https://example.com:8443` from a URL, or '' when it is not one: what a stored secret is bound to. */
export function originOf(url: string | undefined): string {
  try {
    return new URL((url ?? '').trim()).origin.toLowerCase();
  } catch {
    return '';
  }
}
