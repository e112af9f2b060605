import { describe, expect, it } from 'vitest';
import { parseArxivId } from './arxiv-id.ts';

describe('parseArxivId', () => {
  it('parses new-style ids with and without versions', () => {
    expect(parseArxivId('2410.17243')).toEqual({ base: '2410.17243', version: null });
    expect(parseArxivId('2410.17243v2')).toEqual({ base: '2410.17243', version: 2 });
    expect(parseArxivId('0704.0001')).toEqual({ base: '0704.0001', version: null });
  });

  it('parses old-style ids', () => {
    expect(parseArxivId('hep-th/9901001')).toEqual({ base: 'hep-th/9901001', version: null });
    expect(parseArxivId('math.GT/0309136v1')).toEqual({ base: 'math.GT/0309136', version: 1 });
  });

  it('accepts arxiv.org URLs and the arXiv: prefix', () => {
    expect(parseArxivId('https://arxiv.org/abs/2410.17243v1')?.base).toBe('2410.17243');
    expect(parseArxivId('arxiv.org/pdf/2410.17243.pdf')?.base).toBe('2410.17243');
    expect(parseArxivId('arXiv:2410.17243')?.base).toBe('2410.17243');
  });

  it('rejects what is not an id', () => {
    for (const bad of ['', 'abc', '0808.05394', '2413.12345', '1501.1234', '2410.17243v', '../etc/passwd']) {
      expect(parseArxivId(bad)).toBeNull();
    }
  });
});
