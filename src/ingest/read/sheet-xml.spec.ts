import { Readable } from 'node:stream';
import { readSharedStrings, worksheetRows } from './sheet-xml';

/** Splits text into small chunks so that elements straddle chunk boundaries. */
function chunked(text: string, size = 7): Readable {
  const buf = Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts);
}

describe('worksheet XML', () => {
  it('reads shared strings with rich-text runs, entities, and without phonetic guides', async () => {
    const xml =
      '<sst><si><t>姓名</t></si><si><r><t>张</t></r><r><t xml:space="preserve">三 </t></r></si>' +
      '<si><t>A&amp;B &#x4E00;</t><rPh><t>ignored</t></rPh></si><si/></sst>';
    expect(await readSharedStrings(chunked(xml))).toEqual(['姓名', '张三 ', 'A&B 一', '']);
  });

  it('gives each row its number and each cell its column, across every cell type', async () => {
    const xml =
      '<worksheet><sheetData>' +
      '<row r="3"><c r="A3" t="s"><v>1</v></c><c r="C3" t="inlineStr"><is><t>王&lt;五&gt;</t></is></c></row>' +
      '<row r="5"><c r="B5"><v>18172</v></c><c r="C5" t="b"><v>1</v></c><c r="D5" t="str"><f>A1</f><v>公式</v></c><c r="E5" t="e"><v>#N/A</v></c></row>' +
      '<row r="6"/><row><c><v>1.5</v></c><c t="s"><v>0</v></c></row>' +
      '</sheetData><mergeCells count="1"><mergeCell ref="A1:C1"/></mergeCells></worksheet>';
    const rows = [];
    for await (const chunk of worksheetRows(chunked(xml), ['姓名', '身份证号'])) rows.push(...chunk);
    expect(rows).toEqual([
      { rowNumber: 3, cells: ['身份证号', null, '王<五>'] },
      { rowNumber: 5, cells: [null, 18172, true, '公式', null] },
      { rowNumber: 6, cells: [] },
      { rowNumber: 7, cells: [1.5, '姓名'] },
    ]);
  });
});
