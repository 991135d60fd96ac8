/** The query string of a request URL (with its `?`), without parsing the whole URL: it runs on every request. */
export function queryStringOf(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at);
}
