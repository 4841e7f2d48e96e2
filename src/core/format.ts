// Number formatting without Intl: the first toLocaleString() call loads ICU
// data, ~20 ms of a run that otherwise takes 150.

/** 1234567 → "1,234,567". */
export function thousands(n: number): string {
  const [int, frac] = String(n).split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}
