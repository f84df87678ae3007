import { Field, Int, ObjectType } from 'type-graphql';
import { CaseStatus } from '../common/enums';
import { Area } from './area.type';

/** How many cases of an area stand in one status. */
@ObjectType({ description: 'How many cases of an area stand in one status.' })
export class CaseStatusCount {
  @Field(() => CaseStatus, { description: 'The status.' })
  status: CaseStatus;

  @Field(() => Int, { description: 'Cases of the area in this status now.' })
  count: number;
}

/** The figures of one area's whole subtree, limited to the records the viewer may read. */
@ObjectType({
  description:
    "Figures of one area and everything below it, now, counting only records inside the viewer's scope.",
})
export class AreaFigures {
  @Field(() => Area, { description: 'The area counted (its whole subtree).' })
  area: Area;

  @Field(() => Int, {
    description:
      '实有人口: persons recorded in the area (merged duplicates excluded), as the persons list counts them.',
  })
  persons: number;

  @Field(() => Int, { description: '户籍人口: persons whose residence type is REGISTERED.' })
  registered: number;

  @Field(() => Int, { description: '流动人口: persons whose residence type is FLOATING.' })
  floating: number;

  @Field(() => Int, { description: '60岁以上老人: persons aged 60 or more on today’s date in China time.' })
  elderly: number;

  @Field(() => Int, {
    description:
      '低保人员: persons with an active minimum living allowance (低保, MINIMUM_LIVING) fact valid today, from a department the viewer may see.',
  })
  minimumLiving: number;

  @Field(() => Int, { description: '受理事件: cases routed to the area, in any status.' })
  cases: number;

  @Field(() => Int, { description: '已结案: cases of the area in status CLOSED.' })
  closedCases: number;

  @Field(() => [CaseStatusCount], {
    description: 'Cases of the area per status, every status in workflow order (zero included).',
  })
  casesByStatus: CaseStatusCount[];
}

/** The figures of an area and of each of its direct children, for the command center. */
@ObjectType({
  description:
    'Figures of an area and of each of its direct children, computed together in a fixed number of statements.',
})
export class AreaStatistics {
  @Field({ description: 'The day (China time, YYYY-MM-DD) ages and facts are taken on.' })
  day: string;

  @Field(() => AreaFigures, { description: 'Figures of the area itself (its whole subtree).' })
  total: AreaFigures;

  @Field(() => [AreaFigures], {
    description:
      "Figures of each direct child the viewer may see in the territory tree, in code order; children outside the viewer's view are omitted.",
  })
  children: AreaFigures[];
}
