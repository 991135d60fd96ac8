/** The masker: every form in which a server may echo a secret becomes its placeholder, a secret cut short too. */
import { describe, expect, it } from 'vitest';
import { Masker } from '../../src/contract/report.ts';

const masker = () => {
  const m = new Masker();
  m.addClient('root-client', 's3cr/t "pass" word&more', '');
  m.add('tok-0123456789abcdef');
  return m;
};

describe('Masker', () => {
  it('masks a secret as sent, URL-encoded, form-encoded, escaped in JSON (with or without \\/)', () => {
    const secret = 's3cr/t "pass" word&more';
    const echoes = [
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
      JSON.stringify(secret).slice(1, -1),
      JSON.stringify(secret).slice(1, -1).replace(/\//g, '\\/'),
    ];
    for (const echo of echoes) expect(masker().mask(`got ${echo}!`)).toBe('got $CLIENT_SECRET!');
  });

  it('masks the start of a secret that ends the text (an echo cut by a slice), not a shorter coincidence', () => {
    expect(masker().mask('500 {"token":"tok-01234')).toBe('500 {"token":"$TOKEN…');
    expect(masker().mask('a name ending in tok')).toBe('a name ending in tok');
  });

  it('masks each string of a report on its own, so a cut string is masked too', () => {
    const report = { a: ['x tok-0123456789abcdef y'], b: { c: 'cut at tok-0123' }, n: 3, z: null };
    expect(masker().maskDeep(report)).toEqual({ a: ['x $TOKEN y'], b: { c: 'cut at $TOKEN…' }, n: 3, z: null });
  });
});
