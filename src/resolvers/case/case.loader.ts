import DataLoader from 'dataloader';
import type { CaseTransitionRow } from '../../cases/case.types';
import type { Context } from '../../graphql/context';

const perRequest = new WeakMap<Context, DataLoader<number, CaseTransitionRow[]>>();

/** The workflow steps of cases, batched per request (one statement for every case in an answer). */
export function transitionsByCase(ctx: Context): DataLoader<number, CaseTransitionRow[]> {
  let loader = perRequest.get(ctx);
  if (!loader) {
    loader = new DataLoader((ids: readonly number[]) => ctx.services.cases.transitionsOf(ids));
    perRequest.set(ctx, loader);
  }
  return loader;
}
