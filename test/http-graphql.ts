/** GraphQL over HTTP against a running server, as a client signed in with `token` sends it. */
export async function graphqlOverHttp(
  port: number,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ data: Record<string, any>; errors?: unknown[] }> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data: Record<string, any>; errors?: unknown[] };
}

/** The names on the first page of persons a signed-in client sees, sorted. */
export async function personNamesOverHttp(port: number, token: string): Promise<string[]> {
  const body = await graphqlOverHttp(port, token, `{ persons(first: 50) { edges { node { name } } } }`);
  if (body.errors) throw new Error(`persons: ${JSON.stringify(body.errors)}`);
  return body.data.persons.edges.map((e: { node: { name: string } }) => e.node.name).sort();
}
