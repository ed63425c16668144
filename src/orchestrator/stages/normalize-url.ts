/**
 * A URL's identity for deduplication: host lowercased, `www.` and the http/https scheme dropped, no hash,
 * no tracking parameters and no trailing slash. Text that is not a URL is compared trimmed and lowercased.
 */
export function normalizeUrl(raw: string): string {
  const trimmed = raw.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return trimmed.toLowerCase().replace(/#.*$/, '').replace(/\/+$/, '');
  }
  for (const key of [...url.searchParams.keys()]) {
    if (/^utm_/i.test(key) || key === 'gclid' || key === 'fbclid') url.searchParams.delete(key);
  }
  url.searchParams.sort();
  const host = url.host.toLowerCase().replace(/^www\./, '');
  const path = url.pathname.replace(/\/+$/, '');
  const search = url.searchParams.size > 0 ? `?${url.searchParams.toString()}` : '';
  const scheme = url.protocol === 'http:' || url.protocol === 'https:' ? '' : url.protocol;
  return `${scheme}//${host}${path}${search}`;
}
