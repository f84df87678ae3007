import { summariseProfile } from './profile-summary';

describe('summariseProfile', () => {
  it('adds self time by package and by function, largest first', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2, 3, 4] },
        { id: 2, callFrame: frame('execute', '/x/node_modules/graphql/execution/execute.js') },
        { id: 3, callFrame: frame('(garbage collector)', '') },
        { id: 4, callFrame: frame('list', '/x/dist/src/registry/person.service.js') },
      ],
      samples: [2, 2, 3, 4, 2],
      timeDeltas: [10, 10, 20, 10, 10],
    };
    const { byOwner, byFunction } = summariseProfile(profile);
    expect(byOwner).toEqual([' 50.0 %  graphql', ' 33.3 %  (garbage collector)', ' 16.7 %  project']);
    expect(byFunction[0]).toBe(' 50.0 %  execute graphql/execution/execute.js:10');
    expect(byFunction[2]).toBe(' 16.7 %  list dist/src/registry/person.service.js:10');
  });
});
