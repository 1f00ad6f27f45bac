import assert from "node:assert/strict";
import { renderMarkdown, safeUrl } from "./markdown.ts";

Deno.test("[markdown] a script element comes out as escaped text", () => {
  const html = renderMarkdown("<script>alert(1)</script>");
  assert.ok(!html.includes("<script"), html);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});

Deno.test("[markdown] inline raw HTML is escaped, event handlers included", () => {
  const html = renderMarkdown("Look: <img src=x onerror=alert(1)> and <b>bold</b>");
  assert.ok(!/<img|<b>/.test(html), html);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(html, /&lt;b&gt;bold&lt;\/b&gt;/);
});

Deno.test("[markdown] block HTML is escaped, not interpreted", () => {
  const html = renderMarkdown('<div onclick="x()">\n\n*hi*\n\n</div>');
  assert.ok(!/<div/.test(html), html);
  assert.match(html, /&lt;div onclick=&quot;x\(\)&quot;&gt;/);
});

Deno.test("[markdown] links with unsafe schemes lose their href", () => {
  const cases = [
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "<javascript:alert(1)>",
  ];
  for (const md of cases) {
    const html = renderMarkdown(md);
    assert.ok(!html.includes("href"), `${md} -> ${html}`);
    assert.ok(!html.includes("<a"), `${md} -> ${html}`);
  }
});

Deno.test("[markdown] unsafe image sources are dropped, the alt text stays", () => {
  const html = renderMarkdown("![a cat](javascript:alert(1)) ![b](data:image/png;base64,AA)");
  assert.ok(!html.includes("<img"), html);
  assert.match(html, /a cat/);
});

Deno.test("[markdown] ordinary Markdown renders", () => {
  const html = renderMarkdown(
    "# Lab report\n\n- **Bold** item\n- *em* item\n\n1. one\n2. two\n\n" +
      "```js\nconst x = '<a>';\n```\n\nSee [the guide](https://example.org/guide?a=1&b=2 \"Guide\"), " +
      "[notes](/classes/1/notes), [mail](mailto:t@example.org) and ![diagram](/static/d.png).",
  );
  assert.match(html, /<h1>Lab report<\/h1>/);
  assert.match(html, /<ul>\n<li><strong>Bold<\/strong> item<\/li>/);
  assert.match(html, /<em>em<\/em>/);
  assert.match(html, /<ol>\n<li>one<\/li>/);
  assert.match(
    html,
    /<pre><code class="language-js">const x = &#39;&lt;a&gt;&#39;;\n<\/code><\/pre>/,
  );
  assert.match(
    html,
    /<a href="https:\/\/example.org\/guide\?a=1&amp;b=2" title="Guide" rel="nofollow noopener noreferrer">the guide<\/a>/,
  );
  assert.match(html, /<a href="\/classes\/1\/notes" rel="nofollow noopener noreferrer">notes<\/a>/);
  assert.match(html, /<a href="mailto:t@example.org" rel="nofollow noopener noreferrer">mail<\/a>/);
  assert.match(html, /<img src="\/static\/d.png" alt="diagram" loading="lazy">/);
});

Deno.test("[markdown] attribute values cannot be broken out of", () => {
  const html = renderMarkdown('[x](https://e.org/"onmouseover="alert(1) "t\\"itle")');
  assert.ok(!/"onmouseover=/.test(html), html);
});

Deno.test("[markdown] safeUrl reads the scheme as a browser does", () => {
  assert.equal(safeUrl("java\tscript:alert(1)", ["http", "https"]), null);
  assert.equal(safeUrl("\u0001javascript:alert(1)", ["http", "https"]), null);
  assert.equal(safeUrl("https://e.org/a b", ["https"]), "https://e.org/a%20b");
  assert.equal(safeUrl("../x?y=1#z", ["https"]), "../x?y=1#z");
});
