/**
 * Markdown for assignment instructions, rendered safely: raw HTML (block and inline) is shown
 * as text, links and images keep only http(s), mailto (links) and relative URLs, and links get
 * `rel="nofollow noopener noreferrer"`. The output needs no further sanitizing.
 * @module
 */
import { Marked, type Tokens } from "marked";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML content and attribute values (every `&`, so no entity survives). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/**
 * The URL to put in an attribute, or null when it may not be used. Browsers drop tabs and
 * line breaks inside URLs and trim control characters, so the scheme is read after doing the
 * same. A URL without a scheme is relative and allowed.
 */
export function safeUrl(href: string, schemes: readonly string[]): string | null {
  // deno-lint-ignore no-control-regex
  const squeezed = href.replace(/[\u0000-\u0020\u007f]/g, "");
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(squeezed)?.[1]?.toLowerCase();
  if (scheme !== undefined && !schemes.includes(scheme)) return null;
  try {
    return encodeURI(href.trim()).replace(/%25/g, "%");
  } catch {
    return null; // lone surrogates
  }
}

const LINK_SCHEMES = ["http", "https", "mailto"] as const;
const IMAGE_SCHEMES = ["http", "https"] as const;

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    html({ text, block }: Tokens.HTML | Tokens.Tag): string {
      const shown = escapeHtml(text);
      return block ? `<p>${shown.trim()}</p>\n` : shown;
    },
    link({ href, title, tokens }: Tokens.Link): string {
      const text = this.parser.parseInline(tokens);
      const url = safeUrl(href, LINK_SCHEMES);
      if (url === null) return text;
      const t = title ? ` title="${escapeHtml(title)}"` : "";
      return `<a href="${escapeHtml(url)}"${t} rel="nofollow noopener noreferrer">${text}</a>`;
    },
    image({ href, title, text }: Tokens.Image): string {
      const url = safeUrl(href, IMAGE_SCHEMES);
      if (url === null) return escapeHtml(text);
      const t = title ? ` title="${escapeHtml(title)}"` : "";
      return `<img src="${escapeHtml(url)}" alt="${escapeHtml(text)}"${t} loading="lazy">`;
    },
  },
});

/**
 * Renders Markdown to HTML that is safe to insert into a page.
 *
 * @example
 * ```ts
 * renderMarkdown("**Read** <script>x</script>");
 * // "<p><strong>Read</strong> &lt;script&gt;x&lt;/script&gt;</p>\n"
 * ```
 */
export function renderMarkdown(md: string): string {
  return marked.parse(md, { async: false }) as string;
}
