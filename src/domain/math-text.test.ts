import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closingDelimiter, joinSegments, segmentSource, splitMath } from './math-text.ts';
import type { MathSegment } from './math-text.ts';

const text = (value: string): MathSegment => ({ kind: 'text', value });
const inline = (value: string): MathSegment => ({ kind: 'math', value, display: false, delimiter: '$' });
const display = (value: string): MathSegment => ({ kind: 'math', value, display: true, delimiter: '$$' });
const paren = (value: string): MathSegment => ({ kind: 'math', value, display: false, delimiter: '\\(' });
const bracket = (value: string): MathSegment => ({ kind: 'math', value, display: true, delimiter: '\\[' });

const mathValues = (input: string): string[] =>
  splitMath(input).flatMap((s) => (s.kind === 'math' ? [s.value] : []));

/** The invariants every split must satisfy, whatever the input. */
function expectWellFormed(input: string): void {
  const segments = splitMath(input);
  expect(joinSegments(segments)).toBe(input);
  segments.forEach((segment, index) => {
    if (segment.kind === 'text') {
      expect(segment.value).not.toBe('');
      expect(segments[index + 1]?.kind).not.toBe('text');
    } else {
      expect(segment.value.trim()).not.toBe('');
      expect(segment.display).toBe(segment.delimiter === '$$' || segment.delimiter === '\\[');
    }
  });
}

describe('splitMath', () => {
  it.each<[string, MathSegment[]]>([
    ['', []],
    ['no math here', [text('no math here')]],
    ['$x$', [inline('x')]],
    ['a $x$ b', [text('a '), inline('x'), text(' b')]],
    ['$$E=mc^2$$', [display('E=mc^2')]],
    ['see \\(a+b\\) here', [text('see '), paren('a+b'), text(' here')]],
    ['see \\[a+b\\] here', [text('see '), bracket('a+b'), text(' here')]],
    ['$a$$b$', [inline('a'), inline('b')]],
    ['$a$ and $b$', [inline('a'), text(' and '), inline('b')]],
    ['$ x $', [inline(' x ')]],
    ['$x^{2}$', [inline('x^{2}')]],
    ['$10^{12}$ GeV', [inline('10^{12}'), text(' GeV')]],
  ])('splits %j', (input, expected) => {
    expect(splitMath(input)).toEqual(expected);
  });

  describe('escapes', () => {
    it('keeps an escaped dollar as literal text', () => {
      expect(splitMath('it costs \\$5')).toEqual([text('it costs \\$5')]);
      expect(splitMath('\\$x\\$')).toEqual([text('\\$x\\$')]);
    });

    it('reads an escaped dollar inside math as part of the math', () => {
      expect(splitMath('$\\$5$ each')).toEqual([inline('\\$5'), text(' each')]);
    });

    it('treats a dollar after an escaped backslash (a TeX line break) as a delimiter', () => {
      expect(splitMath('a\\\\$x$')).toEqual([text('a\\\\'), inline('x')]);
    });

    it('does not open math on an escaped backslash followed by a paren', () => {
      expect(splitMath('\\\\(x\\\\)')).toEqual([text('\\\\(x\\\\)')]);
    });
  });

  describe('unclosed and empty delimiters', () => {
    it.each(['$', 'a lone $ dollar', '$x', '$$', '$$x', 'x $$ y $ z', '\\(x', '\\[x', '\\[x\\)', '\\(x\\]'])(
      'keeps %j as plain text',
      (input) => {
        expect(splitMath(input)).toEqual([text(input)]);
      },
    );

    it('makes the rest plain text after an unclosed delimiter, even if math follows', () => {
      expect(splitMath('$a$ then $$b and $c$')).toEqual([inline('a'), text(' then $$b and $c$')]);
      expect(splitMath('\\(a and $b$')).toEqual([text('\\(a and $b$')]);
    });

    it.each(['$$$$', '$$ $$', '\\(\\)', '\\[ \\]', '\\( \n \\)', 'a $$$$ b'])(
      'keeps empty math %j as text',
      (input) => {
        expect(splitMath(input)).toEqual([text(input)]);
      },
    );

    it('merges an empty run into the surrounding text', () => {
      expect(splitMath('a $$$$ b $x$')).toEqual([text('a $$$$ b '), inline('x')]);
    });
  });

  describe('prices', () => {
    it('reads "$5 and $10" as money, not math', () => {
      expect(splitMath('$5 and $10')).toEqual([text('$5 and $10')]);
      expect(splitMath('between $5 and $10 per unit, for $n$ units')).toEqual([
        text('between $5 and $10 per unit, for '),
        inline('n'),
        text(' units'),
      ]);
    });

    it('still reads math that starts with a digit', () => {
      expect(mathValues('$5$ and $10^{3}$ and $2\\times 10^5$')).toEqual(['5', '10^{3}', '2\\times 10^5']);
    });
  });

  describe('braces', () => {
    it('does not close math inside braces', () => {
      expect(splitMath('$\\text{cost $x$ here}$!')).toEqual([inline('\\text{cost $x$ here}'), text('!')]);
      expect(splitMath('\\(\\text{a \\) b}\\)')).toEqual([paren('\\text{a \\) b}')]);
    });

    it('handles nested braces and escaped braces', () => {
      expect(mathValues('$\\frac{a}{b^{c_{d}}}$ and $\\{x\\}$ and $\\left\\{ y \\right.$')).toEqual([
        '\\frac{a}{b^{c_{d}}}',
        '\\{x\\}',
        '\\left\\{ y \\right.',
      ]);
    });

    it('ignores a stray closing brace', () => {
      expect(splitMath('$a}$ b')).toEqual([inline('a}'), text(' b')]);
    });

    it('treats math whose braces never close as unclosed', () => {
      expect(splitMath('$x^{2$ and $y$')).toEqual([text('$x^{2$ and $y$')]);
    });
  });

  it('allows newlines inside math', () => {
    expect(splitMath('the norm, $\\alpha\\ge\n0$, using')).toEqual([
      text('the norm, '),
      inline('\\alpha\\ge\n0'),
      text(', using'),
    ]);
    expect(splitMath('$$\na\n$$')).toEqual([display('\na\n')]);
  });

  it('prefers $$ over $ and lets single dollars sit inside display math', () => {
    expect(splitMath('$$a $ b$$')).toEqual([display('a $ b')]);
    expect(splitMath('$$x$$$')).toEqual([display('x'), text('$')]);
  });

  it('splits real arXiv abstracts (0704.0079: inline runs across lines, \\[ \\] display)', () => {
    const abstract = [
      'We define nonselfadjoint operator algebras with generators $L_{e_1},...,',
      'L_{e_n}, L_{f_1},...,L_{f_m}$ subject to the unitary commutation relations of',
      'the form \\[ L_{e_i}L_{f_j} = \\sum_{k,l} u_{i,j,k,l} L_{f_l}L_{e_k}\\] where $u=',
      '(u_{i,j,k,l})$ is an $nm \\times nm$ unitary matrix.',
    ].join('\n');
    const segments = splitMath(abstract);
    expect(segments.filter((s) => s.kind === 'math')).toEqual([
      inline('L_{e_1},...,\nL_{e_n}, L_{f_1},...,L_{f_m}'),
      bracket(' L_{e_i}L_{f_j} = \\sum_{k,l} u_{i,j,k,l} L_{f_l}L_{e_k}'),
      inline('u=\n(u_{i,j,k,l})'),
      inline('nm \\times nm'),
    ]);
    expect(joinSegments(segments)).toBe(abstract);
  });

  it('splits real arXiv abstracts (0704.0555: $$ display between inline runs)', () => {
    const abstract = [
      'that if $B\\subset \\mathbb{N}\\times\\mathbb{N}$ satisfies $$\\sum\\limits_{(x,y)\\in',
      'B}\\frac{1}{x^2+y^2}=\\infty,$$ then for any $s\\geq2$, $B$ contains an $s\\times',
      's$ axes-parallel grid.',
    ].join('\n');
    expect(mathValues(abstract)).toEqual([
      'B\\subset \\mathbb{N}\\times\\mathbb{N}',
      '\\sum\\limits_{(x,y)\\in\nB}\\frac{1}{x^2+y^2}=\\infty,',
      's\\geq2',
      'B',
      's\\times\ns',
    ]);
    expect(splitMath(abstract).find((s) => s.kind === 'math' && s.display)).toMatchObject({
      delimiter: '$$',
    });
  });

  describe('round trip', () => {
    const cases = [
      '',
      '$',
      '$$',
      '$$$',
      '\\',
      'ends with a backslash \\',
      'ends with an opener \\(',
      '\\$',
      '\\\\$',
      '$5 and $10',
      '$5 and $10 and $x$',
      'a lone $ in text',
      '$x$$',
      '$$x$',
      '$$$x$$$',
      '${{{x}}}$',
      '${$}$',
      '$}$',
      '\\(\\(\\)\\)',
      '\\[\\]\\]',
      '\\[ $x$ \\]',
      '$\\[x\\]$',
      '$a\nb$\n\n$$c\n\nd$$',
      '$\\href{javascript:alert(1)}{x}$ <script>alert(1)</script>',
      'unicode: $\\alpha$ → α, $é$, 😀 $😀$',
      'Clustering features of $^9$Be, $^{14}$N, $^7$Be, and $^8$B nuclei',
      'order \\cal{O}(\\alpha_{s}^2)$ in DIS. At the order $\\cal{O}(\\alpha_s^2)$, twist-four',
      '\r\n$x$\r\n',
      '$'.repeat(10),
      '$'.repeat(11),
      '\\('.repeat(10),
      '{'.repeat(10) + '$',
    ];

    it.each(cases)('reproduces %j', (input) => {
      expectWellFormed(input);
    });

    it('reproduces any string over the delimiter alphabet', () => {
      const unit = fc.constantFrom('$', '$$', '\\', '(', ')', '[', ']', '{', '}', ' ', '\n', 'a', '5', 'é');
      fc.assert(
        fc.property(fc.string({ unit, maxLength: 60 }), (input) => {
          expectWellFormed(input);
        }),
        { numRuns: 2000 },
      );
    });
  });

  describe('linear time', () => {
    // A quadratic scan takes seconds on 10^6 characters; these take milliseconds.
    it.each([
      ['dollars (even)', '$'.repeat(10_240)],
      ['dollars (odd)', '$'.repeat(10_241)],
      ['a million dollars', '$'.repeat(1_000_000)],
      ['unclosed parens', '\\('.repeat(100_000)],
      ['unclosed braces', '${'.repeat(100_000)],
      ['prices', '$1 '.repeat(100_000)],
      ['alternating', '$a'.repeat(100_000)],
      ['escaped dollars', '\\$'.repeat(100_000)],
    ])('splits %s quickly', (_name, input) => {
      const started = performance.now();
      const segments = splitMath(input);
      expect(performance.now() - started).toBeLessThan(500);
      expect(joinSegments(segments)).toBe(input);
    });

    it('keeps 10 KB of dollars as one text segment', () => {
      const input = '$'.repeat(10_240);
      expect(splitMath(input)).toEqual([text(input)]);
    });
  });
});

describe('segmentSource', () => {
  it('restores each delimiter pair', () => {
    expect(segmentSource(inline('x'))).toBe('$x$');
    expect(segmentSource(display('x'))).toBe('$$x$$');
    expect(segmentSource(paren('x'))).toBe('\\(x\\)');
    expect(segmentSource(bracket('x'))).toBe('\\[x\\]');
    expect(segmentSource(text('$x'))).toBe('$x');
    expect(closingDelimiter('\\[')).toBe('\\]');
  });
});
