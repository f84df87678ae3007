import { useState } from 'react';
import { useAreaIndex } from '../api/areas';
import { gql } from '../api/client';
import { PERSON_BY_ID_NUMBER, PERSONS_PAGE } from '../api/queries';
import { check, useAsync } from '../api/use-async';
import { AreaCrumbs } from '../components/area-crumbs.component';
import { PERSON_VALUE, label } from '../labels';
import { Link, navigate, useRoute } from '../router';

interface Row {
  id: string;
  name: string;
  gender: string | null;
  age: number | null;
  idNumber: string | null;
  residenceType: string | null;
  area: { name: string };
}

/** Residents of an area, a page at a time, and a look-up by citizen ID number. */
export function PersonsPage() {
  const index = useAreaIndex();
  const route = useRoute();
  const code = route.params.get('area') ?? index?.home ?? '';
  const after = route.params.get('after');
  const [idNumber, setIdNumber] = useState('');
  const [lookupError, setLookupError] = useState<string | null>(null);
  const page = useAsync(`${code}|${after}`, async () => {
    if (!code) return null;
    const d = check(
      await gql<{
        persons: {
          totalCount: number;
          pageInfo: { endCursor: string | null; hasNextPage: boolean };
          edges: { node: Row }[];
        };
      }>(PERSONS_PAGE, { a: code, after }),
    );
    return d.persons;
  });

  const lookup = async () => {
    setLookupError(null);
    const r = await gql<{ person: { id: string } | null }>(PERSON_BY_ID_NUMBER, { n: idNumber.trim() });
    if (r.errors?.length) setLookupError(r.errors[0].message);
    else if (!r.data?.person) setLookupError('没有找到该身份证号对应的人员');
    else navigate(`/person/${r.data.person.id}`);
  };

  if (!index) return <div className="panel">正在加载区域…</div>;
  return (
    <div className="page persons-page">
      <AreaCrumbs index={index} code={code} base="/persons" />
      <div className="toolbar">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void lookup();
          }}
        >
          <input
            placeholder="按公民身份号码查找"
            value={idNumber}
            onChange={(e) => setIdNumber(e.target.value)}
            aria-label="公民身份号码"
          />
          <button type="submit">查找</button>
        </form>
        {lookupError && <span className="error">{lookupError}</span>}
      </div>
      <div className="panel">
        <h2>人员名册 {page.data && <span className="muted">共 {page.data.totalCount} 人</span>}</h2>
        {page.error && <div className="error">{page.error}</div>}
        <table className="table" data-testid="persons-table">
          <thead>
            <tr>
              <th>姓名</th>
              <th>性别</th>
              <th>年龄</th>
              <th>公民身份号码</th>
              <th>人口类型</th>
              <th>所属网格</th>
            </tr>
          </thead>
          <tbody>
            {page.data?.edges.map(({ node: p }) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/person/${p.id}`}>{p.name}</Link>
                </td>
                <td>{label(PERSON_VALUE, p.gender)}</td>
                <td>{p.age ?? '—'}</td>
                <td className="mono">{p.idNumber ?? '—'}</td>
                <td>{label(PERSON_VALUE, p.residenceType)}</td>
                <td>{p.area.name}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="pager">
          {after && <button onClick={() => navigate(`/persons?area=${code}`)}>回到第一页</button>}
          {page.data?.pageInfo.hasNextPage && (
            <button onClick={() => navigate(`/persons?area=${code}&after=${page.data!.pageInfo.endCursor}`)}>
              下一页
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
