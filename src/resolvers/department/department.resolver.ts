import { Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';

/** A department of the district (部门), as a code list entry. */
@ObjectType({
  description:
    'A department of the district (部门): the code every departmentCode in the API uses, its name, and its precedence.',
})
export class Department {
  @Field({ description: 'Department code (e.g. PUBLIC_SECURITY).' })
  code: string;

  @Field({ description: 'Name (e.g. 公安分局).' })
  name: string;

  @Field(() => Int, {
    description:
      "When two departments' rosters disagree about a field, the higher precedence's value is shown and the other kept as a conflict for review.",
  })
  precedence: number;
}

/** The departments code list. */
@Resolver()
export class DepartmentResolver {
  @Query(() => [Department], {
    description:
      'Every department, the one whose values win first (set with `yibiao department precedence`).',
  })
  async departments(@Ctx() ctx: Context): Promise<Department[]> {
    return ctx.services.departments.list();
  }
}
