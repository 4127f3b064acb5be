/**
 * Node heap: a binary min-heap of node indices ordered by an external key array, ties by lower index.
 * Responsibilities: the ready queue (keyed by rank) and the event queue (keyed by end time) of list-scheduler.ts.
 * Not here: what the keys mean (list-scheduler.ts).
 * Invariants: allocation-free after construction; capacity is fixed (each node is in a heap at most once).
 */

export class NodeHeap {
  private readonly items: Int32Array;
  private count = 0;

  constructor(
    capacity: number,
    private keys: ArrayLike<number>,
  ) {
    this.items = new Int32Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.count;
  }

  /** Empties the heap and points it at a new key array (keys are read, never copied). */
  reset(keys: ArrayLike<number>): void {
    this.keys = keys;
    this.count = 0;
  }

  /** The smallest node; only valid when size > 0. */
  peek(): number {
    return this.items[0] ?? -1;
  }

  push(node: number): void {
    const items = this.items;
    const keys = this.keys;
    const key = keys[node] ?? 0;
    let i = this.count++;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = items[parentIndex] ?? 0;
      const parentKey = keys[parent] ?? 0;
      if (parentKey < key || (parentKey === key && parent < node)) break;
      items[i] = parent;
      i = parentIndex;
    }
    items[i] = node;
  }

  /** Removes and returns the smallest node; only valid when size > 0. */
  pop(): number {
    const items = this.items;
    const keys = this.keys;
    const top = items[0] ?? -1;
    const last = items[--this.count] ?? 0;
    const n = this.count;
    if (n === 0) return top;
    const key = keys[last] ?? 0;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      let childNode = items[child] ?? 0;
      let childKey = keys[childNode] ?? 0;
      const right = child + 1;
      if (right < n) {
        const rightNode = items[right] ?? 0;
        const rightKey = keys[rightNode] ?? 0;
        if (rightKey < childKey || (rightKey === childKey && rightNode < childNode)) {
          child = right;
          childNode = rightNode;
          childKey = rightKey;
        }
      }
      if (key < childKey || (key === childKey && last < childNode)) break;
      items[i] = childNode;
      i = child;
    }
    items[i] = last;
    return top;
  }
}
