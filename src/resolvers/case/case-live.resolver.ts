import { areaInScope } from '../../auth/scope';
import { Arg, Field, ID, Int, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../graphql/context';
import { NodeType, toGlobalId } from '../../graphql/global-id';
import type { CaseUpdatedEvent, GridUpdatedEvent, Sequenced } from '../../graphql/pubsub';
import { fieldName } from '../common/fields';

const NODE_TYPE: Record<string, NodeType> = {
  PERSON: 'Person',
  HOUSEHOLD: 'Household',
  HOUSE: 'House',
  THING: 'Thing',
  CASE: 'Case',
  FACT: 'Fact',
};

/** One workflow step, live. */
@ObjectType({ description: 'A workflow step of a case in the subscribed area (sent after it committed).' })
export class CaseUpdate {
  @Field(() => Int, {
    description: 'Sequence number of the event; pass the last one seen as `after` to resume.',
  })
  seq: number;

  @Field(() => ID, { description: 'Global id of the case.' })
  caseId: string;

  @Field({ description: 'The step: REPORT, FILE, DISPATCH … RATE, WARN.' })
  action: string;

  @Field(() => String, { nullable: true, description: 'Status before the step.' })
  fromStatus: string | null;

  @Field({ description: 'Status after the step.' })
  toStatus: string;

  @Field(() => String, { nullable: true, description: 'Code of the area the case belongs to.' })
  areaCode: string | null;

  @Field({ description: 'When the step was recorded.' })
  recordedAt: Date;
}

/** One ledger change, live. */
@ObjectType({
  description:
    'A ledger record created or changed in the subscribed area (a resident moved, a fact changed…).',
})
export class GridUpdate {
  @Field(() => Int, {
    description: 'Sequence number of the event; pass the last one seen as `after` to resume.',
  })
  seq: number;

  @Field(() => ID, { description: 'Global id of the record.' })
  id: string;

  @Field({ description: 'Type of the record: Person, Household, House, Thing, Case or Fact.' })
  type: string;

  @Field({ description: 'CREATE or UPDATE.' })
  op: string;

  @Field(() => [String], { description: 'Fields that changed.' })
  fields: string[];

  @Field(() => String, { nullable: true, description: 'Code of the area the record belongs to now.' })
  areaCode: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The area it left, when the record moved (moved out).',
  })
  previousAreaCode: string | null;

  @Field({ description: 'When the change was recorded.' })
  recordedAt: Date;
}

type Args = { areaCode: string; after?: number | null };

/** Live case and grid updates over graphql-ws, resumable by sequence number. */
@Resolver()
export class CaseLiveResolver {
  @Subscription(() => CaseUpdate, {
    description: 'Every workflow step of a case in an area subtree, live; `after` replays what was missed.',
    subscribe: ({ args, context }: { args: Args; context: Context }) => {
      const areas = context.services.areas;
      const scope = context.viewer.readScope;
      return context.services.live.subscribe('CASE_UPDATED', {
        after: args.after,
        // events outside the viewer's scope never reach it, whatever area it asks for
        filter: (e) =>
          e.areaCode !== null &&
          areas.isWithin(e.areaCode, args.areaCode) &&
          areaInScope(areas, scope, e.areaCode),
      });
    },
  })
  caseUpdated(
    @Root() e: Sequenced<CaseUpdatedEvent>,
    @Arg('areaCode', { description: 'Area code; events of its whole subtree.' }) _areaCode: string,
    @Arg('after', () => Int, {
      nullable: true,
      description: 'The last sequence number seen; missed events come first.',
    })
    _after?: number,
  ): CaseUpdate {
    const p = e.payload;
    return {
      seq: e.seq,
      caseId: toGlobalId('Case', p.caseId),
      action: p.action,
      fromStatus: p.fromStatus,
      toStatus: p.toStatus,
      areaCode: p.areaCode,
      recordedAt: new Date(p.recordedAt),
    };
  }

  @Subscription(() => GridUpdate, {
    description:
      'Ledger changes in an area subtree, live (residents moving in or out, facts, houses, things); `after` resumes.',
    subscribe: ({ args, context }: { args: Args; context: Context }) => {
      const areas = context.services.areas;
      const scope = context.viewer.readScope;
      const inside = (code: string | null) =>
        code !== null && areas.isWithin(code, args.areaCode) && areaInScope(areas, scope, code);
      return context.services.live.subscribe('GRID_UPDATED', {
        after: args.after,
        filter: (e) => inside(e.areaCode) || inside(e.previousAreaCode),
      });
    },
  })
  gridUpdated(
    @Root() e: Sequenced<GridUpdatedEvent>,
    @Arg('areaCode', { description: 'Area code; changes in its whole subtree.' }) _areaCode: string,
    @Arg('after', () => Int, {
      nullable: true,
      description: 'The last sequence number seen; missed events come first.',
    })
    _after?: number,
  ): GridUpdate {
    const p = e.payload;
    const type = NODE_TYPE[p.entityType] ?? p.entityType;
    return {
      seq: e.seq,
      id: toGlobalId(type as NodeType, p.id),
      type,
      op: p.op,
      fields: p.fields.map(fieldName),
      areaCode: p.areaCode,
      previousAreaCode: p.previousAreaCode,
      recordedAt: new Date(p.recordedAt),
    };
  }
}
