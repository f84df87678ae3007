import { Field, Int, ObjectType } from 'type-graphql';
import { Node } from '../common/node.type';
import { HouseUse } from '../common/enums';
import { Connection } from '../common/connection.type';

/** A house (房). */
@ObjectType({
  implements: Node,
  description: 'A house or unit (房): address, use, location and the grid that contains it.',
})
export class House extends Node {
  @Field(() => String, { nullable: true, description: 'House code (房屋编码), unique in its district.' })
  code: string | null;

  @Field(() => String, { nullable: true, description: 'Road or street name (路/街).' })
  streetName: string | null;

  @Field(() => HouseUse, { description: 'Use: 住宅, 商铺, 出租屋 or other.' })
  use: HouseUse;

  @Field(() => Int, { nullable: true, description: 'Number of floors (层数).' })
  floors: number | null;

  @Field(() => String, { nullable: true, description: 'Owner (产权人).' })
  ownerName: string | null;

  @Field(() => Int, { description: 'Version, increased by every change.' })
  version: number;
}

/** A page of houses. */
@ObjectType({ description: 'A page of houses.' })
export class HouseConnection extends Connection(House, 'House', 'house') {}
