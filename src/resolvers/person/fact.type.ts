import { Field, ObjectType } from 'type-graphql';
import { Node } from '../common/node.type';
import { DateScalar } from '../../graphql/scalars';

/** A department fact about a person. */
@ObjectType({
  implements: Node,
  description:
    'A fact a department asserts about a person for a period (低保 minimum living allowance, 特困, 残疾, 参保...).',
})
export class Fact extends Node {
  @Field({ description: 'Kind code, e.g. MINIMUM_LIVING (低保), EXTREME_POVERTY (特困), DISABILITY (残疾).' })
  kind: string;

  @Field(() => String, { nullable: true, description: 'Department that asserts it.' })
  departmentCode: string | null;

  @Field(() => DateScalar, { description: 'First day the fact holds.' })
  validFrom: string;

  @Field(() => DateScalar, {
    nullable: true,
    description: 'Last day the fact holds; null while it still holds.',
  })
  validTo: string | null;

  /** Resolved by FactResolver (values as received, masked). */
  attributes: Record<string, unknown>;

  @Field({ description: 'ACTIVE or RETRACTED.' })
  status: string;
}
