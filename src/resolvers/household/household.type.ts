import { Field, Int, ObjectType } from 'type-graphql';
import { Node } from '../common/node.type';

/** A household (户). */
@ObjectType({
  implements: Node,
  description: 'A household (户): its number (户号), head, members and house.',
})
export class Household extends Node {
  @Field({ description: 'Household number (户号), unique in its district.' })
  householdNumber: string;

  @Field(() => Int, { description: 'Version, increased by every change.' })
  version: number;
}
