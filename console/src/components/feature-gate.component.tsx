import type { ReactNode } from 'react';
import { has, useFeatures } from '../api/features';

/**
 * Shows its children only when the server has every named root operation; otherwise says that the
 * feature is not enabled yet, naming what is missing, so a console deployed ahead of the API (or
 * against an older server) degrades page by page instead of failing.
 */
export function FeatureGate(props: { title: string; needs: string[]; children: ReactNode }) {
  const f = useFeatures();
  if (has(f, ...props.needs)) return <>{props.children}</>;
  const missing = props.needs.filter((n) => !f.roots.has(n));
  return (
    <div className="panel feature-off" data-testid="feature-off">
      <h2>{props.title}</h2>
      <p className="big">该功能尚未启用</p>
      <p className="muted">服务端暂未提供以下接口：{missing.join('、')}</p>
    </div>
  );
}
