/**
 * @module redirect-policy
 * Where recovery links may send the browser (GoTrue's `redirect_to` check). The link's redirect carries the new
 * session's tokens in its fragment, so an unchecked `redirect_to` would let anyone who asks for a victim's recovery
 * collect the victim's session when they click. Accepted: an http(s) URL on the site's host (any port or path, as
 * GoTrue does), or a URL under one of the configured `redirectUrls` (same scheme and host, and the entry's path as
 * a whole-segment prefix; custom app schemes such as `myapp://callback` work too). Anything else — or nothing —
 * becomes the site URL.
 */

export class RedirectPolicy {
  private readonly siteHost: string;
  private readonly allowed: string[];

  constructor(
    private readonly siteUrl: string,
    redirectUrls: readonly string[] = [],
  ) {
    this.siteHost = new URL(siteUrl).hostname;
    this.allowed = redirectUrls.map((u) => {
      try {
        return new URL(u).href;
      } catch {
        throw new Error(`redirectUrls: not a URL: ${u}`);
      }
    });
  }

  /** `requested` if it is allowed, else the site URL. */
  resolve(requested: unknown): string {
    if (typeof requested !== 'string' || requested === '') return this.siteUrl;
    let url: URL;
    try {
      url = new URL(requested);
    } catch {
      return this.siteUrl;
    }
    const href = url.href;
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname === this.siteHost) return href;
    for (const entry of this.allowed) {
      if (href === entry) return href;
      if (entry.endsWith('/') ? href.startsWith(entry) : ['/', '?', '#'].some((sep) => href.startsWith(entry + sep))) return href;
    }
    return this.siteUrl;
  }
}
