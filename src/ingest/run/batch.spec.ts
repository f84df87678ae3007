import { createHash } from 'node:crypto';
import { rowContentHash } from './batch';

describe('rowContentHash', () => {
  it('is the digest of department, profile and cells joined by NULs, so rows landed by earlier versions are still known', () => {
    const raw = JSON.stringify({ 姓名: '王建国', 身份证号: "'61090219480302011X", 地址: '兴安路12号 3栋' });
    const joined = createHash('sha256').update(`CIVIL_AFFAIRS\u0000民政低保\u0000${raw}`).digest('hex');
    expect(rowContentHash('CIVIL_AFFAIRS', '民政低保', raw)).toBe(joined);
    // the three parts stay apart: moving text between them changes the digest
    expect(rowContentHash('CIVIL_AFFAIRS民', '政低保', raw)).not.toBe(joined);
  });
});
