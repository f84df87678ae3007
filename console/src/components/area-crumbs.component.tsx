import { ancestry, type AreaIndex } from '../api/areas';
import { AREA_LEVEL, label } from '../labels';
import { navigate } from '../router';

/**
 * Where we are in the territory (陕西省 › 安康市 › … › 香溪社区) with a picker for the level below:
 * every page that shows an area lets staff go up or down the tree.
 */
export function AreaCrumbs(props: { index: AreaIndex; code: string; base: string }) {
  const chain = ancestry(props.index, props.code);
  const kids = props.index.children.get(props.code) ?? [];
  const go = (code: string) => navigate(`${props.base}?area=${code}`);
  return (
    <nav className="crumbs" data-testid="area-crumbs">
      {chain.map((a, i) => (
        <span key={a.code}>
          {i > 0 && <span className="sep">›</span>}
          {i < chain.length - 1 ? (
            <a href={`${props.base}?area=${a.code}`} onClick={(e) => (e.preventDefault(), go(a.code))}>
              {a.name}
            </a>
          ) : (
            <strong data-testid="current-area">{a.name}</strong>
          )}
        </span>
      ))}
      {kids.length > 0 && (
        <select
          aria-label="下级区域"
          value=""
          onChange={(e) => e.target.value && go(e.target.value)}
          data-testid="child-picker"
        >
          <option value="">进入下级{label(AREA_LEVEL, kids[0].level)}…</option>
          {kids.map((k) => (
            <option key={k.code} value={k.code}>
              {k.name}
            </option>
          ))}
        </select>
      )}
    </nav>
  );
}
