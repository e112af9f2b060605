import { describe, expect, it } from 'vitest';
import type { CitablePaper } from './citation.ts';
import {
  citationKey,
  clean,
  escapeBibtex,
  journalTitle,
  risName,
  splitName,
  toBibtex,
  toBibtexList,
  toRis,
  uniqueCitationKeys,
} from './citation.ts';

// arXiv's record of 0704.0001 (the first new-style id), as the demo data stores it.
const DIPHOTON: CitablePaper = {
  id: '0704.0001',
  title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
  authors: ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C.-P. Yuan'],
  abstract: 'A fully differential calculation in perturbative quantum chromodynamics is presented.',
  submittedAt: '2007-04-02T19:18:42.000Z',
  primaryCategory: 'hep-ph',
  categories: ['hep-ph'],
  journalRef: 'Phys.Rev.D76:013009,2007',
  doi: '10.1103/PhysRevD.76.013009',
  onArxiv: true,
  pageUrl: 'https://papers.example/papers/0704.0001',
};

const LOCAL: CitablePaper = {
  ...DIPHOTON,
  id: 'pb-c4df3d2349eb',
  title: 'The $O(n)$ model & friends: 100% {tight}',
  authors: [],
  primaryCategory: null,
  categories: [],
  journalRef: null,
  doi: null,
  onArxiv: false,
  pageUrl: 'https://papers.example/papers/pb-c4df3d2349eb',
};

describe('BibTeX', () => {
  it('writes the arXiv entry of 0704.0001 exactly', () => {
    expect(toBibtex(DIPHOTON)).toBe(
      [
        '@misc{balazs2007calculation,',
        '  title={Calculation of prompt diphoton production cross sections at Tevatron and LHC energies},',
        '  author={C. Balázs and E. L. Berger and P. M. Nadolsky and C.-P. Yuan},',
        '  year={2007},',
        '  eprint={0704.0001},',
        '  archivePrefix={arXiv},',
        '  primaryClass={hep-ph},',
        '  url={https://arxiv.org/abs/0704.0001},',
        '  doi={10.1103/PhysRevD.76.013009},',
        '  note={Phys.Rev.D76:013009,2007}',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('leaves out eprint fields and authors a paper does not have', () => {
    expect(toBibtex(LOCAL)).toBe(
      [
        '@misc{anon2007model,',
        '  title={The $O(n)$ model \\& friends: 100\\% \\{tight\\}},',
        '  year={2007},',
        '  url={https://papers.example/papers/pb-c4df3d2349eb}',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('escapes TeX specials in text and keeps math as TeX', () => {
    expect(escapeBibtex('A&B_c #1 \\cmd ~^')).toBe(
      'A\\&B\\_c \\#1 \\textbackslash{}cmd \\textasciitilde{}\\textasciicircum{}',
    );
    expect(escapeBibtex('The Hardy-Lorentz Spaces $H^{p,q}(R^n)$')).toBe(
      'The Hardy-Lorentz Spaces $H^{p,q}(R^n)$',
    );
    // Already escaped characters stay as they are; a lone price dollar is escaped.
    expect(escapeBibtex('AT\\&T costs $5 and \\$6')).toBe('AT\\&T costs \\$5 and \\$6');
    // In math, % & # still break LaTeX, and unbalanced braces would break BibTeX.
    expect(escapeBibtex('$a%b$ and $x}$')).toBe('$a\\%b$ and $x\\}$');
  });

  it('keeps every brace balanced whatever the title', () => {
    for (const title of ['}{', '$}$ {', '\\{ $\\}$', '$\\text{a$b}$ }', '{{{', '$$ } $$']) {
      const out = escapeBibtex(title);
      let depth = 0;
      for (let i = 0; i < out.length; i++) {
        if (out[i] === '\\') i++;
        else if (out[i] === '{') depth++;
        else if (out[i] === '}') depth--;
        expect(depth, `${title} → ${out}`).toBeGreaterThanOrEqual(0);
      }
      expect(depth, `${title} → ${out}`).toBe(0);
    }
  });

  it('braces a name that contains the word "and"', () => {
    const paper = { ...DIPHOTON, authors: ['Smith and Wesson Lab', 'A. Person'] };
    expect(toBibtex(paper)).toContain('author={{Smith and Wesson Lab} and A. Person}');
  });

  it('makes keys from family name, year and the first significant title word', () => {
    expect(citationKey(DIPHOTON)).toBe('balazs2007calculation');
    expect(
      citationKey({ ...DIPHOTON, title: 'On the $p$-adic Theory of Ü-Spaces', authors: ['José Núñez Jr'] }),
    ).toBe('nunez2007adic');
    expect(citationKey({ ...DIPHOTON, authors: ['Yuan, C.-P.'] })).toBe('yuan2007calculation');
  });

  it('makes keys unique within a list', () => {
    expect(uniqueCitationKeys([DIPHOTON, DIPHOTON, LOCAL, DIPHOTON])).toEqual([
      'balazs2007calculation',
      'balazs2007calculationb',
      'anon2007model',
      'balazs2007calculationc',
    ]);
    expect(toBibtexList([DIPHOTON, DIPHOTON])).toMatch(
      /^@misc\{balazs2007calculation,[^@]*\}\n\n@misc\{balazs2007calculationb,/,
    );
  });
});

describe('RIS', () => {
  it('writes the record of 0704.0001 exactly', () => {
    expect(toRis(DIPHOTON)).toBe(
      [
        'TY  - JOUR',
        'TI  - Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
        'AU  - Balázs, C.',
        'AU  - Berger, E. L.',
        'AU  - Nadolsky, P. M.',
        'AU  - Yuan, C.-P.',
        'PY  - 2007',
        'DA  - 2007/04/02/',
        'JO  - Phys.Rev.D',
        'N1  - Journal reference: Phys.Rev.D76:013009,2007',
        'AB  - A fully differential calculation in perturbative quantum chromodynamics is presented.',
        'UR  - https://arxiv.org/abs/0704.0001',
        'DO  - 10.1103/PhysRevD.76.013009',
        'KW  - hep-ph',
        'ER  - ',
        '',
      ].join('\r\n'),
    );
  });

  it('types preprints ELEC and keeps every value on one line', () => {
    const ris = toRis({ ...LOCAL, title: 'Two\nlines\u0000 and\ttabs', abstract: 'a\r\n\r\nb' });
    expect(ris.startsWith('TY  - ELEC\r\nTI  - Two lines and tabs\r\n')).toBe(true);
    expect(ris).toContain('\r\nAB  - a b\r\n');
    expect(ris.split('\r\n').every((line) => line === '' || /^[A-Z][A-Z0-9] {2}- /.test(line))).toBe(true);
  });

  it('writes names family first', () => {
    expect(risName('C.-P. Yuan')).toBe('Yuan, C.-P.');
    expect(risName('John Smith, Jr.')).toBe('Smith, John');
    expect(risName('Plato')).toBe('Plato');
    expect(splitName('Núñez, José')).toEqual({ family: 'Núñez', given: 'José' });
  });
});

describe('helpers', () => {
  it('finds the journal name in a journal reference', () => {
    expect(journalTitle('Phys.Rev.D76:013009,2007')).toBe('Phys.Rev.D');
    expect(journalTitle('J. Phys. A: Math. Theor. 40 (2007) 1')).toBe('J. Phys. A: Math. Theor.');
    expect(journalTitle('2D Materials 5 (2018)')).toBeNull();
    expect(journalTitle(null)).toBeNull();
  });

  it('cleans control characters and white space', () => {
    expect(clean(' a\u0007b\u0000\n\n c\uFFFE\uD800 ')).toBe('ab c');
  });
});
