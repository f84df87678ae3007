import { Field, InputType, Int } from 'type-graphql';
import { Gender, PersonStatus, ResidenceType } from '../common/enums';
import { DateScalar } from '../../graphql/scalars';

/** Filters for the persons list. */
@InputType({ description: 'Filters for persons; all given filters must hold.' })
export class PersonFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Area code: persons in this area or any area below it.',
  })
  areaCode?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Minimum age in whole years (inclusive), on the read day.',
  })
  ageMin?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Maximum age in whole years (inclusive), on the read day.',
  })
  ageMax?: number | null;

  @Field(() => Gender, { nullable: true, description: 'Only this gender.' })
  gender?: Gender | null;

  @Field(() => ResidenceType, {
    nullable: true,
    description: 'Only registered (户籍) or floating (流动) residents.',
  })
  residenceType?: ResidenceType | null;

  @Field(() => String, {
    nullable: true,
    description: 'Only persons with an active fact of this kind on the read day, e.g. MINIMUM_LIVING (低保).',
  })
  factKind?: string | null;
}

/** Entry of a new person. */
@InputType({ description: 'A new person, entered once by staff.' })
export class CreatePersonInput {
  @Field(() => String, {
    nullable: true,
    description:
      'Citizen ID number; 18 characters with a valid check character (15-digit legacy numbers are converted).',
  })
  idNumber?: string | null;

  @Field({ description: 'Name (姓名).' })
  name: string;

  @Field(() => Gender, {
    nullable: true,
    description: 'Gender; taken from the ID number when omitted, and must agree with it.',
  })
  gender?: Gender | null;

  @Field(() => DateScalar, {
    nullable: true,
    description: 'Birth date; taken from the ID number when omitted, and must agree with it.',
  })
  birthDate?: string | null;

  @Field(() => String, { nullable: true, description: 'Ethnicity, e.g. 汉族 or 汉.' })
  ethnicity?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Phone: an 11-digit mobile or a landline with area code.',
  })
  phone?: string | null;

  @Field(() => ResidenceType, { nullable: true, description: 'Registered (户籍) or floating (流动).' })
  residenceType?: ResidenceType | null;

  @Field({ description: 'Code of the community or grid the person belongs to.' })
  areaCode: string;
}

/** Corrections to a person. */
@InputType({ description: 'Corrections to a person; omitted fields stay as they are, null clears a field.' })
export class UpdatePersonInput {
  @Field(() => String, { nullable: true, description: 'Citizen ID number.' })
  idNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Name (姓名).' })
  name?: string;

  @Field(() => Gender, { nullable: true, description: 'Gender.' })
  gender?: Gender | null;

  @Field(() => DateScalar, { nullable: true, description: 'Birth date.' })
  birthDate?: string | null;

  @Field(() => String, { nullable: true, description: 'Ethnicity.' })
  ethnicity?: string | null;

  @Field(() => String, { nullable: true, description: 'Phone.' })
  phone?: string | null;

  @Field(() => ResidenceType, { nullable: true, description: 'Registered or floating.' })
  residenceType?: ResidenceType | null;

  @Field(() => PersonStatus, {
    nullable: true,
    description: 'ACTIVE, DECEASED or MOVED_OUT (MERGED is set by merging only).',
  })
  status?: PersonStatus;

  @Field(() => String, { nullable: true, description: 'Community or grid code.' })
  areaCode?: string;

  @Field(() => Int, {
    nullable: true,
    description: 'The version you edited; a different current version is a CONFLICT error.',
  })
  expectedVersion?: number;
}
