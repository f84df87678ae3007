import { summariseProfile } from './profile-summary';

describe('summariseProfile', () => {
  it('adds self time by package and by function, largest first', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2, 3, 4] },
        { id: 2, callFrame: frame('execute', '/x/node_modules/graphql/execution/execute.js'), children: [5] },
        { id: 3, callFrame: frame('(garbage collector)', '') },
        { id: 4, callFrame: frame('list', '/x/dist/src/registry/person.service.js') },
        { id: 5, callFrame: frame('list', '/x/dist/src/registry/person.service.js') },
      ],
      samples: [2, 2, 3, 4, 2, 5],
      timeDeltas: [10, 10, 20, 10, 10, 10],
    };
    const { byOwner, byFunction, inclusive } = summariseProfile(profile);
    expect(byOwner).toEqual([' 42.9 %  graphql', ' 28.6 %  (garbage collector)', ' 28.6 %  project']);
    expect(byFunction[0]).toBe(' 42.9 %  execute graphql/execution/execute.js:10');
    expect(byFunction[2]).toBe(' 28.6 %  list dist/src/registry/person.service.js:10');
    // execute: its own 30 plus the 10 of list it called; root: everything
    expect(inclusive[0]).toBe('100.0 %  (root) ');
    expect(inclusive[1]).toBe(' 57.1 %  execute graphql/execution/execute.js:10');
  });
});
