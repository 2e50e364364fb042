/**
 * @module kit/urls
 * Base URLs from configuration: trailing slashes are tolerated.
 */
export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
