import { describe, it, expect } from 'vitest';
import { latexAccentsToUnicode, normalizeWhitespace, parseAuthorList } from './text-normalize.ts';

describe('normalizeWhitespace', () => {
  it('collapses runs of spaces, tabs and line breaks and trims', () => {
    expect(normalizeWhitespace('  Calculation of prompt\n  diphoton\t\tproduction \r\n')).toBe(
      'Calculation of prompt diphoton production',
    );
  });

  it('returns an empty string for blank input', () => {
    expect(normalizeWhitespace(' \n\t ')).toBe('');
  });
});

describe('latexAccentsToUnicode', () => {
  it.each([
    [String.raw`Bal\'azs`, 'Balázs'],
    [String.raw`Bal\'{a}zs`, 'Balázs'],
    [String.raw`{\"O}zg{\"u}r`, 'Özgür'],
    [String.raw`Ren{\'e} Fr{\'e}d{\'e}rique`, 'René Frédérique'],
    [String.raw`Gr\"{u}bel`, 'Grübel'],
    ['Verdi\\`ere', 'Verdière'],
    [String.raw`Provid\^encia T\^{a}nia Ka{\^a}niche`, 'Providência Tânia Kaâniche'],
    [String.raw`Espa\~na`, 'España'],
    [String.raw`Fran\c{c}ois Fran\c cois`, 'François François'],
    [String.raw`\v{S}r\'amek Bro\v{n}a Vina\v{r}`, 'Šrámek Broňa Vinař'],
    [String.raw`Erdo\u{g}an`, 'Erdoğan'],
    [String.raw`Juzeli\=unas`, 'Juzeliūnas'],
    [String.raw`\.Zabka`, 'Żabka'],
    [String.raw`Erd\H{o}s`, 'Erdős'],
    [String.raw`\r{A}ngstr\"om \r{a}`, 'Ångström å'],
    [String.raw`\k{a}`, 'ą'],
    [String.raw`\d{o}`, 'ọ'],
  ])('converts %s', (input, expected) => {
    expect(latexAccentsToUnicode(input)).toBe(expected);
  });

  it('produces NFC (precomposed) characters', () => {
    const out = latexAccentsToUnicode(String.raw`Bal\'azs`);
    expect(out).toBe(out.normalize('NFC'));
    expect(out).toHaveLength(6);
  });

  it('uses combining marks for letters that have no precomposed form', () => {
    expect(latexAccentsToUnicode(String.raw`\v{q}`)).toBe('q\u030C');
  });

  it('converts the special letters', () => {
    expect(
      latexAccentsToUnicode(String.raw`Mei{\ss}ner {\O}bro Pucha{\l}a \L\'od\'z {\AA}ngstr\"om \ae{} \OE`),
    ).toBe('Meißner Øbro Puchała Łódź Ångström æ Œ');
  });

  it('puts accents on a plain i when the base is the dotless \\i', () => {
    expect(latexAccentsToUnicode(String.raw`Mart\'{\i}nez {\'\i} Garc\'\i a`)).toBe('Martínez í García');
    expect(latexAccentsToUnicode(String.raw`{\i}`)).toBe('ı');
  });

  it('eats the space TeX swallows after a control word only inside a word', () => {
    expect(latexAccentsToUnicode(String.raw`Mei\ss ner`)).toBe('Meißner');
    expect(latexAccentsToUnicode(String.raw`5 \AA thick`)).toBe('5 Å thick');
    expect(latexAccentsToUnicode(String.raw`12.14 \AA\ was`)).toBe('12.14 Å was');
    expect(latexAccentsToUnicode(String.raw`5895.92 \AA; D2`)).toBe('5895.92 Å; D2');
  });

  it('leaves math untouched', () => {
    const input = String.raw`Caf\'e $\'a + \"o$ and $$\hat{\i}$$ and \(\"u\) and \[\ss\]`;
    expect(latexAccentsToUnicode(input)).toBe(
      String.raw`Café $\'a + \"o$ and $$\hat{\i}$$ and \(\"u\) and \[\ss\]`,
    );
  });

  it('leaves other LaTeX alone', () => {
    const input = String.raw`$(k,\ell)$-pebble, D-\bar D mixing, \vec x, \cite{a}, \textit{x}, \it, \o{}`;
    expect(latexAccentsToUnicode(input)).toBe(
      String.raw`$(k,\ell)$-pebble, D-\bar D mixing, \vec x, \cite{a}, \textit{x}, \it, ø`,
    );
  });

  it('keeps braces that are a macro argument', () => {
    expect(latexAccentsToUnicode(String.raw`\emph{\'e} \textit{Caf\'e}`)).toBe(
      String.raw`\emph{é} \textit{Café}`,
    );
  });

  it('does not read an escaped backslash as a macro', () => {
    expect(latexAccentsToUnicode(String.raw`a \\c{c}`)).toBe(String.raw`a \\c{c}`);
  });

  it('treats an unmatched dollar as text', () => {
    expect(latexAccentsToUnicode(String.raw`costs $5, Caf\'e`)).toBe('costs $5, Café');
  });
});

describe('parseAuthorList', () => {
  it('splits on commas and "and"', () => {
    expect(parseAuthorList(String.raw`C. Bal\'azs, E. L. Berger, P. M. Nadolsky, C.-P. Yuan`)).toEqual([
      'C. Balázs',
      'E. L. Berger',
      'P. M. Nadolsky',
      'C.-P. Yuan',
    ]);
    expect(parseAuthorList('Ileana Streinu and Louis Theran')).toEqual(['Ileana Streinu', 'Louis Theran']);
  });

  it('handles ", and" and a name containing "and"', () => {
    expect(parseAuthorList('Yuko Kakazu, Lennox L. Cowie, and Esther M. Hu')).toEqual([
      'Yuko Kakazu',
      'Lennox L. Cowie',
      'Esther M. Hu',
    ]);
    expect(parseAuthorList('Anand Kumar and Sandra Anderson')).toEqual(['Anand Kumar', 'Sandra Anderson']);
  });

  it('splits on "&", ";" and a collaboration colon', () => {
    expect(parseAuthorList('Sung-Chul Yoon, Philipp Podsiadlowski & Stephan Rosswog')).toEqual([
      'Sung-Chul Yoon',
      'Philipp Podsiadlowski',
      'Stephan Rosswog',
    ]);
    expect(parseAuthorList('CLEO Collaboration: T. K. Pedlar, et al')).toEqual([
      'CLEO Collaboration',
      'T. K. Pedlar et al',
    ]);
  });

  it('removes parenthesised affiliations', () => {
    expect(parseAuthorList('A. Smith (MIT), B. Jones (1) ((1) Oxford)')).toEqual(['A. Smith', 'B. Jones']);
    expect(
      parseAuthorList('Floris van der Tak (SRON Groningen), David Jansen and Ewine van Dishoeck (Leiden)'),
    ).toEqual(['Floris van der Tak', 'David Jansen', 'Ewine van Dishoeck']);
  });

  it('removes nested, multi-line affiliation blocks with "and" and commas inside', () => {
    const line = String.raw`A. S. Mishchenko (1 and 2) and N. Nagaosa (1 and 3) ((1) CREST, Japan
  Science and Technology Agency, (2) Russian Research Centre ''Kurchatov
  Institute'', (3) The University of Tokyo)`;
    expect(parseAuthorList(line)).toEqual(['A. S. Mishchenko', 'N. Nagaosa']);
  });

  it('drops the empty names left by affiliation blocks after a comma or semicolon', () => {
    expect(
      parseAuthorList('Magdalena Kunert-Bajraszewska (1), Andrzej Marecki (1),((1) Torun Centre)'),
    ).toEqual(['Magdalena Kunert-Bajraszewska', 'Andrzej Marecki']);
    expect(
      parseAuthorList('Michal Simon (5), Gibor Basri (6); (1 - Swarthmore College; 6 - UC Berkeley)'),
    ).toEqual(['Michal Simon', 'Gibor Basri']);
  });

  it('drops an affiliation block that is cut short', () => {
    expect(parseAuthorList('A. Smith (1), B. Jones (2) ((1) MIT, (2) Oxf')).toEqual(['A. Smith', 'B. Jones']);
  });

  it('keeps suffixes and "et al" with the name they belong to', () => {
    expect(parseAuthorList('John Smith, Jr., Ann Lee')).toEqual(['John Smith Jr.', 'Ann Lee']);
    expect(parseAuthorList('The BABAR Collaboration, B. Aubert, et al')).toEqual([
      'The BABAR Collaboration',
      'B. Aubert et al',
    ]);
  });

  it('keeps a collaboration name but not the "for" before it', () => {
    expect(parseAuthorList('L.M. Zhang, et al, for the Belle Collaboration')).toEqual([
      'L.M. Zhang et al',
      'the Belle Collaboration',
    ]);
  });

  it('converts accents and drops leftover braces', () => {
    expect(parseAuthorList(String.raw`Mikkel {\O}bro, Ulf-G. Mei{\ss}ner, {Jean} Dupont`)).toEqual([
      'Mikkel Øbro',
      'Ulf-G. Meißner',
      'Jean Dupont',
    ]);
  });

  it('returns no names for empty input', () => {
    expect(parseAuthorList('  ')).toEqual([]);
    expect(parseAuthorList(', and ,')).toEqual([]);
  });
});
