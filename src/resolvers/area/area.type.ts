import { Field, ObjectType } from 'type-graphql';
import { Node } from '../common/node.type';
import { AreaLevel } from '../common/enums';

/** An area of the territory tree. */
@ObjectType({
  implements: Node,
  description:
    'An area of the territory: 市, 区县 (GB/T 2260 code), 街道 (9 digits), 社区/村 (12 digits) or 网格.',
})
export class Area extends Node {
  @Field({ description: 'Administrative code as staff write it, e.g. 610902002 for 新城街道.' })
  code: string;

  @Field({ description: 'Name, e.g. 新城街道.' })
  name: string;

  @Field(() => AreaLevel, { description: 'Level in the hierarchy.' })
  level: AreaLevel;

  @Field(() => String, { nullable: true, description: 'Code of the 6-digit district the area lies in.' })
  districtCode: string | null;
}
