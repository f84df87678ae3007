import fs from 'node:fs';
import path from 'node:path';
import {
  buildSchema as parseSdl,
  GraphQLObjectType,
  GraphQLInputObjectType,
  GraphQLInterfaceType,
  GraphQLEnumType,
} from 'graphql';
import { printSortedSchema } from './schema';

const FILE = path.join(__dirname, '..', '..', 'schema', 'schema.graphql');

describe('the committed schema', () => {
  it('schema/schema.graphql is what the code builds (run `npm run schema:write` after changing the API)', async () => {
    const built = await printSortedSchema();
    const committed = fs.existsSync(FILE) ? fs.readFileSync(FILE, 'utf8') : '';
    expect(committed).toBe(built);
  });

  it('describes every type, field, argument and enum value, so it serves as the API reference', async () => {
    const schema = parseSdl(await printSortedSchema());
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      const isRoot = ['Query', 'Mutation', 'Subscription'].includes(type.name); // type-graphql cannot describe root types
      if (!type.description && !isRoot) missing.push(type.name);
      if (
        type instanceof GraphQLObjectType ||
        type instanceof GraphQLInterfaceType ||
        type instanceof GraphQLInputObjectType
      ) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : [])
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (type instanceof GraphQLEnumType) {
        for (const v of type.getValues()) if (!v.description) missing.push(`${type.name}.${v.name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
