import { GraphQLScalarType, Kind, ValueNode } from 'graphql';
import { GraphQLDateTime, GraphQLJSONObject, GraphQLLocalDate } from 'graphql-scalars';

export {
  GraphQLDateTime as DateTimeScalar,
  GraphQLJSONObject as JSONObjectScalar,
  GraphQLLocalDate as DateScalar,
};

function literal(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literal(f.value)]));
    case Kind.LIST:
      return ast.values.map(literal);
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.STRING:
    case Kind.ENUM:
      return ast.value;
    case Kind.BOOLEAN:
      return ast.value;
    default:
      return null;
  }
}

/** A GeoJSON geometry object (RFC 7946, WGS 84 longitude/latitude). Shape is checked by the services. */
export const GeoJSONScalar = new GraphQLScalarType({
  name: 'GeoJSON',
  description: 'A GeoJSON geometry object (RFC 7946), coordinates as [longitude, latitude] in WGS 84.',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: (ast) => literal(ast),
});
