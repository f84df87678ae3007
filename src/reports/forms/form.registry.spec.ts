import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../errors/app-error';
import { FormRegistry, loadForms, validateForm } from './form.registry';

describe('declarative form definitions', () => {
  it('ships at least five valid forms, each with a title, unit, period type and columns', () => {
    const forms = loadForms();
    expect(forms.map((f) => f.id)).toEqual(
      expect.arrayContaining(['case-handling', 'elderly', 'insurance', 'minimum-living', 'population']),
    );
    for (const f of forms) expect(f.columns.length).toBeGreaterThan(0);
  });

  it('loads a new form from a definition file alone', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forms-'));
    fs.writeFileSync(
      path.join(dir, 'disabled.form.json'),
      JSON.stringify({
        id: 'disabled',
        title: '残疾人情况统计表',
        unit: '人',
        periodType: 'YEAR',
        rows: { level: 'COMMUNITY' },
        columns: [
          { key: 'persons', header: ['残疾人数'], indicator: 'persons', args: { fact: 'DISABILITY' } },
        ],
      }),
    );
    const reg = new FormRegistry(loadForms(dir));
    expect(reg.get('disabled').columns[0]).toMatchObject({ indicator: 'persons', format: 'INTEGER' });
  });

  it('reports every problem of a bad definition at once, naming the file and the column', () => {
    const bad = {
      id: 'bad',
      title: '坏表',
      unit: '人',
      periodType: 'QUARTER',
      rows: { level: 'COMMUNITY' },
      columns: [
        { key: 'a', header: ['甲'], indicator: 'nosuch' },
        { key: 'b', header: ['乙'], indicator: 'persons', args: { minAge: 'sixty' } },
        { key: 'c', header: ['丙'], ratio: { numerator: 'a', denominator: 'zz' } },
      ],
    };
    try {
      validateForm(bad, 'bad.form.json');
      throw new Error('expected a failure');
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      const m = (e as AppError).message;
      expect(m).toMatch(/^bad\.form\.json: /);
      expect(m).toMatch(/columns\.0 \(a\): no indicator is named nosuch/);
      expect(m).toMatch(/columns\.1 \(b\): minAge/);
      expect(m).toMatch(/columns\.2 \(c\): zz is not an indicator column/);
    }
  });

  it('names an unknown form and lists the known ones', () => {
    expect(() => new FormRegistry().get('nope', 'form')).toThrow(/known forms: case-handling/);
  });
});
