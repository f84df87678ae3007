import { Field, Int, ObjectType } from 'type-graphql';
import { Node } from '../common/node.type';
import { Gender, PersonStatus, ResidenceType } from '../common/enums';
import { Connection } from '../common/connection.type';
import { DateScalar } from '../../graphql/scalars';

/** A person (人) of the ledger. */
@ObjectType({
  implements: Node,
  description: 'A resident (人): one record per real person, shared by every department.',
})
export class Person extends Node {
  @Field(() => String, {
    nullable: true,
    description:
      'Citizen ID number (公民身份号码), masked as 610902********123X unless the caller may see it.',
  })
  idNumber: string | null;

  @Field({ description: 'Name (姓名).' })
  name: string;

  @Field(() => Gender, { nullable: true, description: 'Gender (性别).' })
  gender: Gender | null;

  @Field(() => DateScalar, { nullable: true, description: 'Birth date (出生日期).' })
  birthDate: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Age in whole years on the read instant (today, or asOf).',
  })
  age: number | null;

  @Field(() => String, { nullable: true, description: 'Ethnicity (民族), e.g. 汉族.' })
  ethnicity: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Phone (联系电话), masked as 138****5678 unless the caller may see it.',
  })
  phone: string | null;

  @Field(() => ResidenceType, { nullable: true, description: 'Registered (户籍) or floating (流动).' })
  residenceType: ResidenceType | null;

  @Field(() => PersonStatus, {
    description: 'Living here, deceased, moved out, or merged into another record.',
  })
  status: PersonStatus;

  @Field(() => String, {
    nullable: true,
    description: 'Relation to the head of the household (与户主关系), e.g. 户主, 配偶, 子.',
  })
  relationToHead: string | null;

  @Field(() => Int, {
    description: 'Version, increased by every change; pass it back as expectedVersion to edit safely.',
  })
  version: number;

  @Field({ description: 'When the record was first entered.' })
  createdAt: Date;

  @Field({ description: 'When a value last changed.' })
  updatedAt: Date;

  @Field(() => Date, { nullable: true, description: 'The instant this record was read as of, if not now.' })
  asOf: Date | null;
}

/** A page of persons. */
@ObjectType({ description: 'A page of persons.' })
export class PersonConnection extends Connection(Person, 'Person', 'person') {}
