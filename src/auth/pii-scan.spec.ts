import { idNumberFor } from '../../test/factories';
import { maskIdNumber } from '../normalize/id-number';
import { findPersonalData } from './pii-scan';

describe('the log scanner for personal data', () => {
  it('finds unmasked ID numbers and mobile numbers, and reports them masked', () => {
    const id = idNumberFor('1975-06-01', 'FEMALE');
    const found = findPersonalData(`ok line\nuser ${id} called from 13812345678\nfine`);
    expect(found).toEqual([
      { kind: 'ID_NUMBER', line: 2, masked: maskIdNumber(id) },
      { kind: 'PHONE', line: 2, masked: '138****5678' },
    ]);
  });

  it('finds them written with full-width digits or separators between the digits', () => {
    const id = idNumberFor('1975-06-01', 'FEMALE');
    const wide = id.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    const found = findPersonalData(`描述：${wide}，电话 138 1234 5678\nnote 138-1234-5678`);
    expect(found).toEqual([
      { kind: 'ID_NUMBER', line: 1, masked: maskIdNumber(id) },
      { kind: 'PHONE', line: 1, masked: '138****5678' },
      { kind: 'PHONE', line: 2, masked: '138****5678' },
    ]);
  });

  it('passes masked values, request ids, timestamps and digits that are no valid ID number', () => {
    const id = idNumberFor('1975-06-01', 'FEMALE');
    const wrongCheck = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    const text = [
      `unmask Person.idNumber ${maskIdNumber(id)} 138****5678`,
      `12345-lz8k2-17 account:3 POST op=- 200 sql=4 12ms`,
      `at 1732435200000 id ${wrongCheck}`,
      `order 113812345678 is not a phone`,
    ].join('\n');
    expect(findPersonalData(text)).toEqual([]);
  });
});
