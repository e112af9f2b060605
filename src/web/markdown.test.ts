import { describe, expect, it } from 'vitest';
import { renderCommentMarkdown as render } from './markdown.ts';

/** Every tag name in the output, KaTeX's spans and MathML aside. */
function tagsOutsideMath(html: string): string[] {
  const withoutMath = html.replace(
    /<span class="katex[\s\S]*?<\/annotation><\/semantics><\/math><\/span>/g,
    '',
  );
  return [...withoutMath.matchAll(/<([a-z0-9]+)/g)].map((m) => m[1]!);
}

const ALLOWED = new Set(
  'p br em strong code pre blockquote ul ol li a h3 h4 h5 h6 del s hr span math'.split(' '),
);

/** Real tags (escaped text like `&lt;img onerror=…&gt;` is harmless and not matched) and their attributes. */
function tags(html: string): { name: string; attrs: string }[] {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)].map((m) => ({ name: m[1]!, attrs: m[2]! }));
}

function expectInert(html: string): void {
  for (const tag of tagsOutsideMath(html)) expect(ALLOWED).toContain(tag);
  for (const { name, attrs } of tags(html)) {
    expect(attrs, name).not.toMatch(/\son[a-z]+\s*=/i);
    expect(attrs, name).not.toMatch(/\starget\s*=/i);
    expect(attrs, name).not.toMatch(/(href|src)="\s*(javascript|vbscript|data|file):/i);
    expect(attrs, name).not.toMatch(/href="\/\//);
    if (name === 'a') expect(attrs).toMatch(/ rel="nofollow ugc noopener"$/);
  }
}

describe('comment markdown: what it renders', () => {
  it('renders the usual Markdown', () => {
    expect(render('Hello *world*, **bold** and `code` and ~~gone~~')).toBe(
      '<p>Hello <em>world</em>, <strong>bold</strong> and <code>code</code> and <s>gone</s></p>',
    );
    expect(render('- a\n- b\n\n3. x\n4. y')).toBe(
      '<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol start="3">\n<li>x</li>\n<li>y</li>\n</ol>',
    );
    expect(render('> quoted\n\n---\n\n```ts\nconst x = 1 < 2;\n```')).toBe(
      '<blockquote>\n<p>quoted</p>\n</blockquote>\n<hr />\n<pre><code>const x = 1 &lt; 2;\n</code></pre>',
    );
  });

  it('keeps single line breaks, as people type comments', () => {
    expect(render('one\ntwo')).toBe('<p>one<br />\ntwo</p>');
  });

  it('moves headings two levels down so they stay below the page outline', () => {
    expect(render('# a\n## b\n### c\n###### f')).toBe('<h3>a</h3>\n<h4>b</h4>\n<h5>c</h5>\n<h6>f</h6>');
  });

  it('gives every link rel="nofollow ugc noopener" and no target', () => {
    expect(render('[paper](https://arxiv.org/abs/2410.17243)')).toBe(
      '<p><a href="https://arxiv.org/abs/2410.17243" rel="nofollow ugc noopener">paper</a></p>',
    );
    expect(render('mail <me@example.com> or /papers link [here](/papers/2410.17243)')).toContain(
      '<a href="/papers/2410.17243" rel="nofollow ugc noopener">here</a>',
    );
    expect(render('mail <me@example.com>')).toContain('href="mailto:me@example.com"');
  });

  it('links bare URLs with a scheme, but not file names or bare domains', () => {
    const html = render('see https://example.com/a?b=1&c=2, not www.example.org, model.py or arxiv.org');
    expect(html).toContain('<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow ugc noopener">');
    expect(html).toContain('not www.example.org, model.py or arxiv.org');
  });

  it('shows images as links to the image, never as <img>', () => {
    expect(render('![a chart](https://example.com/chart.png)')).toBe(
      '<p>!<a href="https://example.com/chart.png" rel="nofollow ugc noopener">a chart</a></p>',
    );
  });

  it('shows tables as text', () => {
    expect(render('| a | b |\n|---|---|\n| 1 | 2 |')).not.toContain('<table');
  });

  it('renders inline and display math with KaTeX', () => {
    const inline = render('energy $E = mc^2$ here');
    expect(inline).toMatch(/^<p>energy <span class="katex">/);
    expect(inline).toContain('<annotation encoding="application/x-tex">E = mc^2</annotation>');
    expect(inline).toMatch(/<\/span> here<\/p>$/);
    const display = render('$$\n\\sum_{i=1}^n x_i\n$$');
    expect(display).toMatch(/^<p><span class="katex-display">/);
    expect(render('inline display $$a+b$$ too')).toContain('class="katex-display"');
  });

  it('leaves prices, escaped dollars and code alone', () => {
    expect(render('costs $5 and $10 a month')).toBe('<p>costs $5 and $10 a month</p>');
    expect(render('a \\$x\\$ b')).toBe('<p>a $x$ b</p>');
    expect(render('`$x$` in code')).toBe('<p><code>$x$</code> in code</p>');
    expect(render('```\n$$x$$\n```')).toBe('<pre><code>$$x$$\n</code></pre>');
    expect(render('a $ b $ c')).toBe('<p>a $ b $ c</p>');
    expect(render('$$$$ and $$ $$')).toBe('<p>$$$$ and $$ $$</p>');
  });

  it('shows broken TeX as KaTeX error text rather than failing', () => {
    const html = render('bad $\\frac{1$ there');
    expect(html).toContain('there');
    expectInert(html);
  });

  it('keeps right-to-left text, drops bidi overrides', () => {
    const html = render('\u05E9\u05DC\u05D5\u05DD \u202Eevil.exe\u202C \u2067iso\u2069 \u200Fmark');
    expect(html).toBe('<p>\u05E9\u05DC\u05D5\u05DD evil.exe iso \u200Fmark</p>');
  });
});

describe('comment markdown: hostile input', () => {
  const corpus: [string, string][] = [
    ['script tag', '<script>alert(1)</script>'],
    ['script in emphasis', '*<script>alert(1)</script>*'],
    ['img onerror', '<img src=x onerror=alert(1)>'],
    ['svg onload', '<svg onload=alert(1)>'],
    ['iframe', '<iframe src="javascript:alert(1)"></iframe>'],
    ['javascript link', '[click](javascript:alert(1))'],
    ['mixed-case javascript', '[click](JaVaScRiPt:alert(1))'],
    ['entity-encoded javascript', '[click](&#106;avascript:alert(1))'],
    ['tab-split javascript', '[click](java\tscript:alert(1))'],
    ['percent-encoded javascript', '[click](%6Aavascript:alert(1))'],
    ['vbscript', '[click](vbscript:msgbox(1))'],
    ['data URL', '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['data image', '![x](data:image/png;base64,AAAA)'],
    ['file URL', '[click](file:///etc/passwd)'],
    ['protocol-relative', '[click](//evil.example/x)'],
    ['autolink javascript', '<javascript:alert(1)>'],
    ['reference javascript', '[click][x]\n\n[x]: javascript:alert(1)'],
    ['title breakout', '[a](https://x.example "\\" onmouseover=alert(1) x=\\"")'],
    ['href quote breakout', '[a](https://x.example/"onmouseover="alert(1))'],
    ['nested link trick', '[[a](javascript:alert(1))](https://ok.example)'],
    ['link in link text', '[a [b](https://x.example) c](javascript:alert(1))'],
    ['html entity script', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['numeric entities', '&#60;script&#62;alert(1)&#60;/script&#62;'],
    ['fence info breakout', '```"><script>alert(1)</script>\ncode\n```'],
    ['style tag', '<style>body{display:none}</style>'],
    ['inline html a', '<a href="javascript:alert(1)" onclick="x()">x</a>'],
    ['html comment', '<!-- <script>alert(1)</script> -->'],
    ['katex href', '$\\href{javascript:alert(1)}{click}$'],
    ['katex url', '$\\url{javascript:alert(1)}$'],
    ['katex htmlClass', '$\\htmlClass{x}{y} \\htmlStyle{position:fixed}{z} \\htmlId{a}{b}$'],
    ['katex includegraphics', '$\\includegraphics{https://evil.example/x.png}$'],
    ['math inside link text', '[$x$](javascript:alert(1))'],
    ['forged placeholder', '\uE0000\uE001 and \uE000999\uE001'],
    ['null bytes', 'a\u0000<script>b'],
    ['form', '<form action="https://evil.example"><input name=x></form>'],
  ];

  it.each(corpus)('%s', (_name, input) => {
    const html = render(input);
    expectInert(html);
  });

  it('shows raw HTML as text instead of dropping it', () => {
    expect(render('<b>x</b> & <i>y</i>')).toBe('<p>&lt;b&gt;x&lt;/b&gt; &amp; &lt;i&gt;y&lt;/i&gt;</p>');
  });

  it('never puts a formula inside an attribute', () => {
    const html = render('[$x$](https://a.example "$y$")');
    expect(html).toMatch(
      /^<p><a href="https:\/\/a.example" rel="nofollow ugc noopener"><span class="katex">/,
    );
  });

  it('does not let forged placeholders pull in other formulas', () => {
    expect(render('$a$ \uE0000\uE001')).not.toMatch(/katex[\s\S]*katex"/);
    expect(render('\uE0000\uE001')).toBe('<p>\uFFFD0\uFFFD</p>');
  });

  it('bounds deep nesting', () => {
    const quotes = render('>'.repeat(10_000) + ' deep');
    expect((quotes.match(/<blockquote>/g) ?? []).length).toBeLessThanOrEqual(20);
    const lists = render(
      Array.from({ length: 200 }, (_, i) => `${'  '.repeat(i)}- item`)
        .join('\n')
        .slice(0, 10_000),
    );
    expect((lists.match(/<ul>/g) ?? []).length).toBeLessThanOrEqual(20);
  });

  it('renders pathological inputs of the maximum length quickly', () => {
    const inputs = [
      '['.repeat(5000) + ']'.repeat(5000),
      '[a]('.repeat(2500),
      '$a '.repeat(3333),
      '$$\n'.repeat(3333),
      '*a **b '.repeat(1400),
      '`a ``b '.repeat(1400),
      '&#x'.repeat(3333),
      '<'.repeat(10_000),
    ];
    for (const input of inputs) {
      const started = performance.now();
      expectInert(render(input));
      expect(performance.now() - started).toBeLessThan(1500);
    }
  });
});
