import katex from 'katex';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BoundedMemo, escapeHtml, renderAbstractHtml, renderMathText } from './render-math.ts';

const count = (html: string, needle: string): number => html.split(needle).length - 1;
const KATEX = '<span class="katex">';
const KATEX_DISPLAY = '<span class="katex-display">';

// Every tag KaTeX emits (HTML spans, MathML, stretchy SVG) plus our <p>. Anything else came from the input.
const ALLOWED_TAG = /^(?:span|p|svg|path|line|math|semantics|annotation|m[a-z]+)$/;
const TAG = /<\/?([a-zA-Z][\w:-]*)((?:\s+[\w:-]+(?:="[^"<>]*")?)*)\s*\/?>/g;
const ATTRIBUTE = /([\w:-]+)(?:="([^"]*)")?/g;
const DANGEROUS_ATTRIBUTE = /^(?:href|src|srcdoc|xlink:href|action|formaction|on[a-z]+)$/i;

/**
 * The output may contain only KaTeX's own markup: every `<` opens a well-formed allowed tag (so none came
 * from the input), and no tag carries a link, an image source, an event handler or a url() style.
 */
function expectSafe(html: string): void {
  const tags = [...html.matchAll(TAG)];
  expect(tags.length).toBe(count(html, '<'));
  for (const [, name = '', attributes = ''] of tags) {
    expect(name).toMatch(ALLOWED_TAG);
    for (const [, attribute = '', value = ''] of attributes.matchAll(ATTRIBUTE)) {
      expect(attribute).not.toMatch(DANGEROUS_ATTRIBUTE);
      // KaTeX's error tooltip quotes the (escaped) source; it is text, not a URL.
      if (attribute !== 'title') expect(value).not.toMatch(/javascript:|url\(|expression\(/i);
    }
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('renderMathText', () => {
  it('escapes plain text and leaves it otherwise alone', () => {
    expect(renderMathText('Tom & Jerry <3 "quotes" \'n\' stuff')).toBe(
      'Tom &amp; Jerry &lt;3 &quot;quotes&quot; &#39;n&#39; stuff',
    );
    expect(renderMathText('')).toBe('');
  });

  it('renders inline math with KaTeX between the escaped text', () => {
    const html = renderMathText('a < b: $\\alpha$ & more');
    expect(html.startsWith(`a &lt; b: ${KATEX}`)).toBe(true);
    expect(html.endsWith('</span> &amp; more')).toBe(true);
    expect(count(html, KATEX)).toBe(1);
    expect(html).toContain('<annotation encoding="application/x-tex">\\alpha</annotation>');
    expect(html).not.toContain(KATEX_DISPLAY);
  });

  it('renders display math in display mode for both $$ and \\[', () => {
    const html = renderMathText('$$x^2$$ and \\[y^2\\] but \\(z\\)');
    expect(count(html, KATEX)).toBe(3);
    expect(count(html, KATEX_DISPLAY)).toBe(2);
  });

  it('shows an escaped dollar as a dollar', () => {
    expect(renderMathText('it costs \\$5 & up')).toBe('it costs $5 &amp; up');
  });

  it('keeps prices and unclosed delimiters as escaped text', () => {
    expect(renderMathText('$5 and $10')).toBe('$5 and $10');
    expect(renderMathText('a lone $ <b>')).toBe('a lone $ &lt;b&gt;');
  });

  it('shows undefined macros in KaTeX red instead of failing the whole run', () => {
    // 0704.0011 uses the author's own \Q macro.
    const html = renderMathText('the quadratic field $\\Q(\\sqrt{5})$.');
    expect(count(html, KATEX)).toBe(1);
    expect(html).toContain('color:#cc0000');
    expect(html).toContain('<msqrt>');
  });

  it('shows malformed math as a KaTeX error span holding the escaped source', () => {
    const html = renderMathText('$\\frac{<b>}$');
    expect(html).toContain('class="katex-error"');
    expect(html).toContain('>\\frac{&lt;b&gt;}</span>');
    expectSafe(html);
  });

  it('falls back to the escaped source with its delimiters when KaTeX throws', () => {
    vi.spyOn(katex, 'renderToString').mockImplementation(() => {
      throw new Error('internal KaTeX failure');
    });
    expect(renderMathText('see $<b>\\fallbackOne$ and \\[\\fallbackTwo & 1\\]!')).toBe(
      'see $&lt;b&gt;\\fallbackOne$ and \\[\\fallbackTwo &amp; 1\\]!',
    );
  });

  it('shows over-long math as source instead of stalling on it', () => {
    const formula = `$${'x+'.repeat(1500)}y$`;
    const spy = vi.spyOn(katex, 'renderToString');
    expect(renderMathText(formula)).toBe(formula);
    expect(spy).not.toHaveBeenCalled();
  });

  it('memoises rendered formulas', () => {
    const spy = vi.spyOn(katex, 'renderToString');
    const first = renderMathText('$\\memoProbe_{1}$ and $\\memoProbe_{1}$');
    const second = renderMathText('again: $\\memoProbe_{1}$');
    expect(spy).toHaveBeenCalledTimes(1);
    expect(second).toBe(`again: ${first.slice(0, first.indexOf(' and '))}`);
  });

  it('memoises inline and display separately', () => {
    const spy = vi.spyOn(katex, 'renderToString');
    renderMathText('$\\memoProbe_{2}$ $$\\memoProbe_{2}$$');
    expect(spy).toHaveBeenCalledTimes(2);
  });

  describe('untrusted input', () => {
    it.each([
      ['\\href in math', '$\\href{javascript:alert(1)}{x}$'],
      ['\\href with a plain URL', '$\\href{https://evil.example}{click}$'],
      ['\\url', '$\\url{https://evil.example/?a=<b>}$'],
      ['\\url with javascript:', '\\(\\url{javascript:alert(1)}\\)'],
      ['\\includegraphics', '$\\includegraphics{https://evil.example/x.png}$'],
      ['\\htmlClass', '$\\htmlClass{evil}{x}$'],
      ['\\htmlId', '$\\htmlId{evil}{x}$'],
      ['\\htmlStyle', '$\\htmlStyle{background:url(javascript:alert(1))}{x}$'],
      ['\\htmlData', '$\\htmlData{onclick=alert(1)}{x}$'],
      ['<script> in text', 'hello <script>alert(1)</script> world'],
      ['<script> in math', '$<script>alert(1)</script>$'],
      ['<script> in display math', '$$</span><script>alert(1)</script>$$'],
      ['<img> in \\text', '$\\text{<img src=x onerror=alert(1)>}$'],
      ['quotes in \\text', '$\\text{" onmouseover="alert(1)}$'],
      ['a hostile colour', '$\\textcolor{red;background:url(javascript:alert(1))}{x}$'],
      ['a hostile \\color', '$\\color{#fff" onclick="alert(1)}x$'],
      ['an infinite macro', '$\\def\\a{\\a\\a}\\a$'],
      ['a huge rule', '$\\rule{100000em}{100000em}$'],
      ['raw HTML around math', '<a href="javascript:alert(1)">$x$</a>'],
    ])('keeps %s inert', (_name, input) => {
      const html = renderMathText(input);
      expectSafe(html);
      expect(renderAbstractHtml(input)).toBe(`<p>${html}</p>`);
    });

    it('renders the trust-gated commands as red source rather than links or classes', () => {
      const html = renderMathText('$\\href{javascript:alert(1)}{x}$ $\\htmlClass{evil}{x}$');
      expect(html).not.toMatch(/<a[\s>]/);
      expect(html).not.toContain('class="evil"');
      expect(html).toContain('<span class="mord" style="color:#cc0000;">\\href</span>');
      expect(html).toContain('<span class="mord" style="color:#cc0000;">\\htmlClass</span>');
    });

    it('escapes < from the input everywhere it lands', () => {
      const html = renderMathText('x <script> $<script>$ \\(</math><script>\\)');
      expect(html.startsWith('x &lt;script&gt; ')).toBe(true);
      expect(count(html, '&lt;/math&gt;&lt;script&gt;')).toBe(1);
      expectSafe(html);
    });
  });
});

describe('renderAbstractHtml', () => {
  it('wraps a single-line abstract in one paragraph', () => {
    expect(renderAbstractHtml('  We study $n$ things.  ')).toBe(
      `<p>We study ${renderMathText('$n$')} things.</p>`,
    );
  });

  it('splits paragraphs on blank lines, including whitespace-only and CRLF ones', () => {
    const html = renderAbstractHtml('First & one.\n\nSecond\nline.\r\n \t\r\nThird.\n\n\n');
    expect(html).toBe('<p>First &amp; one.</p>\n<p>Second\nline.</p>\n<p>Third.</p>');
  });

  it('renders nothing for an empty abstract', () => {
    expect(renderAbstractHtml('')).toBe('');
    expect(renderAbstractHtml('\n \n')).toBe('');
  });

  it('does not let math run across a paragraph break', () => {
    expect(renderAbstractHtml('cost $x\n\ny$ here')).toBe('<p>cost $x</p>\n<p>y$ here</p>');
  });
});

describe('real arXiv abstracts', () => {
  it('0704.0002: inline math with escaped text around it', () => {
    const abstract = [
      '  We describe a new algorithm, the $(k,\\ell)$-pebble game with colors, and use',
      'it obtain a characterization of the family of $(k,\\ell)$-sparse graphs and',
      'algorithmic solutions to a family of problems concerning tree decompositions of',
      'graphs.',
    ].join('\n');
    const html = renderAbstractHtml(abstract);
    expect(count(html, KATEX)).toBe(2);
    expect(html.startsWith(`<p>We describe a new algorithm, the ${KATEX}`)).toBe(true);
    expect(html).toContain('</span>-pebble game with colors, and use\nit obtain a characterization');
    expect(html).toContain('</span>-sparse graphs and\nalgorithmic solutions');
    expect(count(html, '<annotation encoding="application/x-tex">(k,\\ell)</annotation>')).toBe(2);
    expect(html).not.toContain('katex-error');
  });

  it('0704.0059: apostrophes, numbers and \\rm in math', () => {
    const abstract = [
      "secondary. The system's period is short, $P=2.230736 \\pm 0.000010$ days, with",
      'an orbit indistinguishable from circular, $e=0.012 \\pm 0.021$. We demonstrate',
      'line in the mass-radius diagram with $M/R^2$ = constant. For HAT-TR-205-013, we',
      'broadening, $V_{\\rm rot} \\sin i_{\\rm rot} = 28.9 \\pm 1.0$ \\kms, gives a primary',
    ].join('\n');
    const html = renderMathText(abstract);
    expect(count(html, KATEX)).toBe(4);
    expect(html.startsWith(`secondary. The system&#39;s period is short, ${KATEX}`)).toBe(true);
    expect(html).toContain('<mn>2.230736</mn>');
    expect(html).toContain('</span> = constant. For HAT-TR-205-013, we');
    expect(html).toContain('</span> \\kms, gives a primary');
    expect(html).not.toContain('katex-error');
  });

  it('0704.0150: comparisons in the text are escaped, subscripts in chemical formulas rendered', () => {
    const abstract = [
      'chains are investigated in three different cases: (a) J1, J2, J3>0',
      '(frustrated); (b) J1, J3<0, J2>0 (frustrated); and (c) J1, J2>0, J3<0',
      '(non-frustrated). [...] the static structure factor S(q) shows peaks',
      'at wavevectors $q=a\\pi /3$ (a=0,1,2,3,4,5) for different couplings in a zero',
      'magnetic field, [...] exhibits the peaks only at q=0, $2\\pi /3$ and',
      '$4\\pi /3$, which are found to be couplings-independent. [...]',
      'for the compound Cu$_{3}$(CO$_{3}$)$_{2}$(OH)$_{2}$ are fairly compared with',
      'our TMRG results.',
    ].join('\n');
    const html = renderAbstractHtml(abstract);
    expect(count(html, KATEX)).toBe(7);
    expect(html).toContain('(a) J1, J2, J3&gt;0\n(frustrated); (b) J1, J3&lt;0, J2&gt;0');
    expect(html).toContain('for the compound Cu<span class="katex">');
    expect(html).toContain('</span>(CO<span class="katex">');
    expect(html).toContain('</span>(OH)<span class="katex">');
    expect(html.endsWith('</span> are fairly compared with\nour TMRG results.</p>')).toBe(true);
    expectSafe(html);
  });

  it('0704.0079: multi-line inline math and \\[ \\] display math', () => {
    const abstract = [
      '  We define nonselfadjoint operator algebras with generators $L_{e_1},...,',
      'L_{e_n}, L_{f_1},...,L_{f_m}$ subject to the unitary commutation relations of',
      'the form \\[ L_{e_i}L_{f_j} = \\sum_{k,l} u_{i,j,k,l} L_{f_l}L_{e_k}\\] where $u=',
      '(u_{i,j,k,l})$ is an $nm \\times nm$ unitary matrix. These algebras, which',
      'generalise the analytic Toeplitz algebras of rank 2 graphs with a single',
      'vertex, are classified up to isometric isomorphism in terms of the matrix $u$.',
    ].join('\n');
    const html = renderAbstractHtml(abstract);
    expect(count(html, KATEX)).toBe(5);
    expect(count(html, KATEX_DISPLAY)).toBe(1);
    expect(html).toContain('</span> subject to the unitary commutation relations of\nthe form <span');
    expect(html).toContain('<mo>∑</mo>');
    expect(html).not.toContain('katex-error');
  });

  it('0704.0555: $$ display math between inline runs', () => {
    const abstract = [
      '  Erd\\"{o}s and Tur\\\'{a}n once conjectured that any set $A\\subset\\mathbb{N}$',
      'with $\\sum_{a\\in A}{1}/{a}=\\infty$ should contain infinitely many progressions',
      'of arbitrary length $k\\geq3$. For the two-dimensional case Graham conjectured',
      'that if $B\\subset \\mathbb{N}\\times\\mathbb{N}$ satisfies $$\\sum\\limits_{(x,y)\\in',
      'B}\\frac{1}{x^2+y^2}=\\infty,$$ then for any $s\\geq2$, $B$ contains an $s\\times',
      's$ axes-parallel grid.',
    ].join('\n');
    const html = renderAbstractHtml(abstract);
    expect(count(html, KATEX)).toBe(8);
    expect(count(html, KATEX_DISPLAY)).toBe(1);
    expect(html.startsWith('<p>Erd\\&quot;{o}s and Tur\\&#39;{a}n once conjectured that any set <span')).toBe(
      true,
    );
    expect(html).toContain('<mfrac>');
    expect(html).not.toContain('katex-error');
  });

  it('0704.0091: an abstract with two paragraphs', () => {
    const abstract = [
      '  We combine classical methods of combinatorial group theory with the theory of',
      'small cancellations over relatively hyperbolic groups.',
      '',
      '  As another application of these techniques, we prove that every countable',
      'group $C$ can be realized as a group of outer automorphisms of a group $N$,',
      "where $N$ is a finitely generated group having Kazhdan's property (T).",
    ].join('\n');
    const html = renderAbstractHtml(abstract);
    expect(count(html, '<p>')).toBe(2);
    expect(html).toMatch(/^<p>We combine classical [^<]* groups\.<\/p>\n<p>As another application/);
    expect(count(html, KATEX)).toBe(3);
    expect(html).toContain('having Kazhdan&#39;s property (T).</p>');
  });

  it('titles: 0704.0384 and 0704.0174', () => {
    const isotopes = renderMathText('Clustering features of $^9$Be, $^{14}$N, $^7$Be, and $^8$B nuclei');
    expect(count(isotopes, KATEX)).toBe(4);
    expect(isotopes.startsWith(`Clustering features of ${KATEX}`)).toBe(true);
    expect(isotopes).toContain('</span>Be, <span class="katex">');
    expect(isotopes.endsWith('</span>B nuclei')).toBe(true);

    const title = renderMathText(
      'Reparametrization Invariance, the controversial extraction of $\\alpha$\n  from $B\\to\\pi\\pi$ and New Physics',
    );
    expect(count(title, KATEX)).toBe(2);
    expect(title).toContain('<mi>α</mi>');
    expect(title).toContain('<mo>→</mo>');
  });

  it('$10^{12}$ and $\\alpha$ render as superscripts and Greek letters', () => {
    const html = renderMathText('energies of $10^{12}$ eV and Morita $\\alpha$-contexts');
    expect(count(html, KATEX)).toBe(2);
    expect(html).toContain('<msup><mn>10</mn><mn>12</mn></msup>');
    expect(html).toContain('</span> eV and Morita <span class="katex">');
    expect(html.endsWith('</span>-contexts')).toBe(true);
  });
});

describe('BoundedMemo', () => {
  it('evicts the least recently used entry past its entry limit', () => {
    const memo = new BoundedMemo(2, 1000);
    memo.set('a', '1');
    memo.set('b', '2');
    expect(memo.get('a')).toBe('1');
    memo.set('c', '3');
    expect(memo.size).toBe(2);
    expect(memo.get('b')).toBeUndefined();
    expect(memo.get('a')).toBe('1');
    expect(memo.get('c')).toBe('3');
  });

  it('evicts past its character budget and counts replaced values once', () => {
    const memo = new BoundedMemo(100, 10);
    memo.set('a', '1234');
    memo.set('a', '1234');
    memo.set('b', '1234');
    expect(memo.size).toBe(2);
    memo.set('c', '1234');
    expect(memo.get('a')).toBeUndefined();
    expect(memo.size).toBe(2);
  });

  it('drops a single value larger than the budget', () => {
    const memo = new BoundedMemo(100, 10);
    memo.set('big', 'x'.repeat(20));
    expect(memo.size).toBe(0);
  });
});
