/**
 * A maximum matching of a bipartite graph (augmenting paths, Kuhn's algorithm): `left` and `right`
 * count the vertices, `edge(l, r)` says whether l may be matched with r. Returns, for each left
 * vertex, the right vertex it is matched with, or -1. Each left vertex tries the right vertex of
 * its own index first, so alternatives that kept their place stay paired in reports.
 */
export function maximumMatching(left: number, right: number, edge: (l: number, r: number) => boolean): number[] {
  const edges: number[][] = [];
  for (let l = 0; l < left; l++) {
    const candidates: number[] = [];
    if (l < right && edge(l, l)) candidates.push(l);
    for (let r = 0; r < right; r++) if (r !== l && edge(l, r)) candidates.push(r);
    edges.push(candidates);
  }
  const ownerOf = new Array<number>(right).fill(-1);
  const augment = (l: number, visited: boolean[]): boolean => {
    for (const r of edges[l] ?? []) {
      if (visited[r]) continue;
      visited[r] = true;
      const owner = ownerOf[r] as number;
      if (owner < 0 || augment(owner, visited)) {
        ownerOf[r] = l;
        return true;
      }
    }
    return false;
  };
  for (let l = 0; l < left; l++) augment(l, new Array<boolean>(right).fill(false));
  const matched = new Array<number>(left).fill(-1);
  ownerOf.forEach((l, r) => {
    if (l >= 0) matched[l] = r;
  });
  return matched;
}
