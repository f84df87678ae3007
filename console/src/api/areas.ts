import { useEffect, useState } from 'react';
import { gql } from './client';
import { AREAS_UNDER, ROOT_AREAS } from './queries';

/** One area of the territory tree, as the console keeps it in memory. */
export interface AreaNode {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
}

/** The whole territory tree by code, plus its root and the default area to open. */
export interface AreaIndex {
  byCode: Map<string, AreaNode>;
  children: Map<string, AreaNode[]>;
  root: string | null;
  /** The first area below the root that has more than one child (the street, for the fixture district). */
  home: string | null;
}

let cached: Promise<AreaIndex> | null = null;

async function load(): Promise<AreaIndex> {
  const roots = await gql<{ areas: { code: string }[] }>(ROOT_AREAS);
  const root = roots.data?.areas[0]?.code ?? null;
  const byCode = new Map<string, AreaNode>();
  const children = new Map<string, AreaNode[]>();
  if (root) {
    const all = await gql<{
      areas: { code: string; name: string; level: string; parent: { code: string } | null }[];
    }>(AREAS_UNDER, { u: root });
    for (const a of all.data?.areas ?? []) {
      const node = { code: a.code, name: a.name, level: a.level, parentCode: a.parent?.code ?? null };
      byCode.set(a.code, node);
    }
    for (const a of byCode.values()) {
      if (!a.parentCode) continue;
      const list = children.get(a.parentCode) ?? [];
      list.push(a);
      children.set(a.parentCode, list);
    }
    for (const list of children.values()) list.sort((x, y) => x.code.localeCompare(y.code));
  }
  let home = root;
  while (home && (children.get(home)?.length ?? 0) === 1) home = children.get(home)![0].code;
  return { byCode, children, root, home };
}

/** Loads the territory tree once per page load (it is small reference data). */
export function loadAreaIndex(): Promise<AreaIndex> {
  cached ??= load().catch((e: unknown) => {
    cached = null;
    throw e;
  });
  return cached;
}

/** The territory tree, or null while it loads. */
export function useAreaIndex(): AreaIndex | null {
  const [index, setIndex] = useState<AreaIndex | null>(null);
  useEffect(() => {
    let live = true;
    loadAreaIndex().then(
      (i) => live && setIndex(i),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return index;
}

/** The chain root → … → code. */
export function ancestry(index: AreaIndex, code: string): AreaNode[] {
  const chain: AreaNode[] = [];
  let cur = index.byCode.get(code);
  while (cur) {
    chain.unshift(cur);
    cur = cur.parentCode ? index.byCode.get(cur.parentCode) : undefined;
  }
  return chain;
}
